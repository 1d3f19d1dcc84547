/** Progress on stderr: a rewritten line on a terminal, a line every few seconds otherwise (logs, CI). */
import type { Progress, ProgressSink } from '../shared/progress';

export function stderrProgress(label = ''): ProgressSink & { done(): void } {
  const tty = process.stderr.isTTY;
  let last = 0;
  let lastPhase = '';
  const sink = (p: Progress) => {
    const now = Date.now();
    const phaseChanged = p.phase !== lastPhase && /done$/.test(p.phase);
    if (!phaseChanged && now - last < (tty ? 200 : 5000) && p.done < p.total) return;
    last = now;
    lastPhase = p.phase;
    const pct = p.total ? ((100 * p.done) / p.total).toFixed(1) : '?';
    const eta = p.etaSeconds !== undefined ? ` ETA ${formatSeconds(p.etaSeconds)}` : '';
    const metrics = p.metrics
      ? ' ' +
        Object.entries(p.metrics)
          .map(([k, v]) => `${k} ${v.toFixed(4)}`)
          .join(' ')
      : '';
    const line = `${label}${p.phase} ${p.done}/${p.total} (${pct}%)${eta}${metrics}`;
    if (tty && !phaseChanged) process.stderr.write(`\r\x1b[K${line}`);
    else process.stderr.write((tty ? '\r\x1b[K' : '') + line + '\n');
  };
  return Object.assign(sink, { done: () => tty && process.stderr.write('\n') });
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function info(msg: string): void {
  process.stderr.write(msg + '\n');
}

/** This process's peak resident set size so far, in MB (what a streaming command's memory bound is checked by). */
export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

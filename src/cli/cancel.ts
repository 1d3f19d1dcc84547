/** Ctrl+C once: finish the current batch, save what is done and exit; twice: exit at once. */
import type { CancelToken } from '../shared/progress';

export function sigintCancel(): CancelToken & { dispose(): void } {
  const token = { cancelled: false, dispose: () => process.off('SIGINT', onSigint) };
  function onSigint() {
    if (token.cancelled) process.exit(130);
    token.cancelled = true;
    process.stderr.write('\ncancelling after this batch (Ctrl+C again to quit now)\n');
  }
  process.on('SIGINT', onSigint);
  return token;
}

/** Plain-text tables for the terminal, aligned by display width (CJK and full-width characters take two columns). */
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;

/** Terminal columns a string takes. */
export const displayWidth = (s: string): number => [...s].reduce((n, ch) => n + (WIDE.test(ch) ? 2 : 1), 0);

/** Header and rows as lines, columns separated by two spaces, trailing spaces trimmed. */
export function textTable(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const width = head.map((h, c) => Math.max(displayWidth(h), ...rows.map((row) => displayWidth(row[c]!))));
  const line = (cells: readonly string[]) =>
    cells
      .map((x, c) => x + ' '.repeat(width[c]! - displayWidth(x)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)];
}

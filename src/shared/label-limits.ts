/**
 * Limits on label names and label sets, checked wherever a corpus is read (every CLI command and
 * the app's import). Beyond them nothing useful is left to learn, and reports, charts and the
 * output layer grow with the square of the label count or the length of the names:
 *
 * - MAX_LABEL_CHARS: a label is a class name shown in tables, chart axes and the annotation
 *   keyboard bar; 200 characters holds any real category name (a sentence even), and a longer
 *   cell is almost always a text pasted into the label column by mistake.
 * - MAX_LABELS: the confusion matrix and per-class metrics are K×K and K rows; at 1,000 classes
 *   that is already a million cells, and a corpus small enough to label by hand has only a few
 *   documents per class beyond it. Extreme classification needs other tools than a softmax student.
 */
export const MAX_LABEL_CHARS = 200;
export const MAX_LABELS = 1000;

/** Code points, not UTF-16 units: an emoji or a rare hanzi counts as one character. */
export function labelLength(label: string): number {
  let n = 0;
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= label.length) n++;
    else {
      n++;
      i++;
    }
  }
  return n;
}

/** A label shortened for messages and charts: at most `max` characters, '…' marking a cut. */
export function shortLabel(label: string, max = 40): string {
  const chars = [...label.slice(0, 4 * max)];
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : chars.join('');
}

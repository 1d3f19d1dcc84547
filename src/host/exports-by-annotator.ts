/**
 * What dataset exports add when documents carry several annotators' labels (issue #10 item 5):
 *   csv          two more columns after model_version: `label_rule` (how `label` was made final:
 *                single, unanimous, majority, latest, adjudicated; shared/consensus.ts) and `labels_by`,
 *                a JSON object {annotator: [labels]} (multi-label sets stay lists)
 *   jsonl        the same two fields: "label_rule", "labels_by"
 *   label-studio one annotation per annotator (completed_by = the name, created_at = when), plus the
 *                reviewer's decision as one more annotation (meta.rule "adjudicated"); the annotation whose
 *                labels are final is marked `ground_truth`
 *   doccano      doccano's per-user export: a zip with one `<annotator>.jsonl` per annotator (that
 *                person's labels) and `all.jsonl` (the final labels, as the single-file export writes them)
 * A project where nobody keeps per-annotator labels exports exactly as before.
 */
import type { LabelsBy } from '../shared/api';
import { FINAL_RULES } from '../shared/consensus';
import { DistilleryError } from '../shared/errors';

export interface AnnotatorRow {
  labels: string[];
  byAnnotator?: LabelsBy;
  rule?: string;
}

export const hasAnnotators = (rows: readonly AnnotatorRow[]): boolean => rows.some((r) => r.byAnnotator || r.rule);

/** A row's annotators, oldest label first (then by name): the order in which they labeled. */
export function annotatorsOf(r: AnnotatorRow): [string, LabelsBy[string]][] {
  return Object.entries(r.byAnnotator ?? {}).sort(
    ([a, x], [b, y]) => (x.at ?? '').localeCompare(y.at ?? '') || a.localeCompare(b),
  );
}

/** The `labels_by` cell / field: {annotator: [labels]}. */
export function labelsBy(r: AnnotatorRow): Record<string, string[]> {
  return Object.fromEntries(annotatorsOf(r).map(([who, a]) => [who, a.labels]));
}

/** Checks a row's per-annotator fields (exports.dataset's request); errors name the row and field. */
export function validateAnnotatorFields(r: AnnotatorRow, i: number): void {
  const bad = (f: string, why: string) =>
    new DistilleryError('CONFIG', `row ${i + 1}: ${f} ${why}`, { field: `rows[${i}].${f}` });
  if (r.rule !== undefined && r.rule !== null && !(FINAL_RULES as readonly string[]).includes(r.rule))
    throw bad('rule', `must be one of ${FINAL_RULES.join(', ')}`);
  if (r.byAnnotator === undefined || r.byAnnotator === null) return;
  if (typeof r.byAnnotator !== 'object' || Array.isArray(r.byAnnotator))
    throw bad('byAnnotator', 'must be an object {annotator: {labels}}');
  for (const [who, a] of Object.entries(r.byAnnotator)) {
    if (!a || typeof a !== 'object' || !Array.isArray(a.labels) || a.labels.some((l) => typeof l !== 'string'))
      throw bad(`byAnnotator.${who}.labels`, 'must be a list of label names');
    for (const f of ['source', 'at'] as const)
      if (a[f] !== undefined && typeof a[f] !== 'string') throw bad(`byAnnotator.${who}.${f}`, 'must be a string');
  }
}

/** doccano's per-user layout: one JSONL text per annotator, lines of the documents they labeled. */
export function doccanoPerUser<R extends AnnotatorRow & { id: string; text: string }>(
  rows: readonly R[],
): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of rows) {
    for (const [who, a] of annotatorsOf(r)) {
      const line =
        JSON.stringify({ text: r.text, label: a.labels, doc_id: String(r.id), ...(a.at ? { at: a.at } : {}) }) + '\n';
      out.set(who, (out.get(who) ?? '') + line);
    }
  }
  return out;
}

/** A file name for an annotator's file in the zip: their name, with path separators and control characters replaced. */
export function userFileName(who: string, taken: Set<string>): string {
  // eslint-disable-next-line no-control-regex
  const base =
    who
      .replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_')
      .replace(/^\.+/, '_')
      .slice(0, 100) || '_';
  let name = `${base}.jsonl`;
  for (let k = 2; taken.has(name.toLowerCase()) || name === 'all.jsonl'; k++) name = `${base}-${k}.jsonl`;
  taken.add(name.toLowerCase());
  return name;
}

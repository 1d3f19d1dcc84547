/**
 * A label event: what the renderer records for each labeling action and the backend appends to the
 * project's journal file (one JSON line each). Its sources, actions and fields are listed here once;
 * the journal's validation (host/journal-file.ts) and the renderer's copy of an event row
 * into a journal event (renderer/db/logic.ts) both read these lists.
 */

export const LABEL_SOURCES = ['human', 'teacher', 'rule', 'student'] as const;
export const LABEL_ACTIONS = ['label', 'accept', 'correct', 'skip', 'undo'] as const;

export type LabelSource = (typeof LABEL_SOURCES)[number];
export type LabelAction = (typeof LABEL_ACTIONS)[number];

export interface LabelEvent {
  docId: string;
  labels: string[];
  source: LabelSource;
  who: string;
  at: string;
  modelVersion?: string;
  action: LabelAction;
  /** The document's text, so that a rebuild from the journal alone restores documents too. */
  text?: string;
}

/**
 * Every field of a LabelEvent, in the order a journal line writes them. docId comes first: the
 * journal's repair looks for `{"docId":` to find an event glued onto a torn line.
 */
export const LABEL_EVENT_FIELDS = ['docId', 'labels', 'source', 'who', 'at', 'action', 'modelVersion', 'text'] as const satisfies readonly (keyof LabelEvent)[];

// A field added to LabelEvent but not to the list above is a compile error here.
type MissingField = Exclude<keyof LabelEvent, (typeof LABEL_EVENT_FIELDS)[number]>;
const allFields: MissingField extends never ? true : MissingField = true;
void allFields;

/**
 * The label event inside a larger record (a database row with its bookkeeping): its fields only, in
 * journal order; optional ones left out when absent, and an empty modelVersion counts as absent.
 */
export function toLabelEvent(row: LabelEvent): LabelEvent {
  const out: Record<string, unknown> = {};
  for (const f of LABEL_EVENT_FIELDS) {
    const v = row[f];
    if (v === undefined || (f === 'modelVersion' && v === '')) continue;
    out[f] = v;
  }
  return out as unknown as LabelEvent;
}

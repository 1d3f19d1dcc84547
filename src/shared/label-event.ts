/**
 * A label event: what the renderer records for each labeling action and the backend appends to the
 * project's journal file (one JSON line each). Its sources, actions and fields are listed here once;
 * the journal's validation (host/journal-file.ts) and the renderer's copy of an event row
 * into a journal event (renderer/db/logic.ts) both read these lists.
 */

export const LABEL_SOURCES = ['human', 'teacher', 'rule', 'student'] as const;
export const LABEL_ACTIONS = [
  'label',
  'accept',
  'correct',
  'skip',
  'undo',
  'unskip',
  'gold',
  'ungold',
  'adjudicate',
] as const;
/**
 * Actions that set a flag on the document and leave its labels alone (their `labels` is a snapshot of
 * the document's labels at the time): 'skip' sets it aside ("ignore", with `reason`), 'unskip'
 * restores it; 'gold' puts it in the gold set (a person's choice, or the gold-set draw: `who` is
 * GOLD_DRAW_WHO), 'ungold' takes it out for good. A 'skip' without `reason` (journals written before
 * skips were stored) sets nothing aside: it was a skip for the session only.
 */
export const FLAG_ACTIONS = ['skip', 'unskip', 'gold', 'ungold'] as const;
/** The `who` of a 'gold' event made by the automatic draw (renderer/db/gold.ts), not by a person. */
export const GOLD_DRAW_WHO = 'gold-set draw';

export type LabelSource = (typeof LABEL_SOURCES)[number];
export type LabelAction = (typeof LABEL_ACTIONS)[number];
export type FlagAction = (typeof FLAG_ACTIONS)[number];

const FLAGS: ReadonlySet<string> = new Set(FLAG_ACTIONS);

/**
 * Whether replaying the event sets the document's labels (every action but the flags). An
 * 'adjudicate' event (a reviewer's final label for a document annotators disagree on; [] withdraws
 * the decision) sets the final labels without being any annotator's own label: shared/consensus.ts.
 */
export function changesLabels(action: LabelAction): boolean {
  return !FLAGS.has(action);
}

export interface LabelEvent {
  docId: string;
  /**
   * Unique id of the event, made once by the client that made it (crypto.randomUUID()): a replayed or
   * re-sent event with an id the journal already has is not applied twice. Absent in journals written
   * before projects were shared.
   */
  id?: string;
  labels: string[];
  source: LabelSource;
  who: string;
  at: string;
  modelVersion?: string;
  action: LabelAction;
  /** The document's text, so that a rebuild from the journal alone restores documents too. */
  text?: string;
  /** Why a document was set aside ('skip'; '' when none was given). */
  reason?: string;
}

/**
 * Every field of a LabelEvent, in the order a journal line writes them. docId comes first: the
 * journal's repair looks for `{"docId":` to find an event glued onto a torn line.
 */
export const LABEL_EVENT_FIELDS = [
  'docId',
  'id',
  'labels',
  'source',
  'who',
  'at',
  'action',
  'modelVersion',
  'text',
  'reason',
] as const satisfies readonly (keyof LabelEvent)[];

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

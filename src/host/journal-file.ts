/**
 * Reading `journal.jsonl` line by line, with byte offsets, so that the journal can be repaired
 * without losing a byte: which lines are label events, which are damaged, and whether the last one
 * was cut short (no newline at the end of the file: a crash or a truncation mid-write).
 *
 * A damaged line may still hold a whole event at its end: an older version appended onto a torn
 * line, gluing the next acknowledged event to it. Events are journaled with `docId` first, so the
 * event is looked for at each `{"docId":` in the line.
 *
 * Node only, never electron.
 */
import type { LabelEvent } from '../shared/api';
import { DistilleryError } from '../shared/errors';
import { LABEL_ACTIONS, LABEL_SOURCES } from '../shared/label-event';

const EVENT_SOURCES: ReadonlySet<string> = new Set(LABEL_SOURCES);
const EVENT_ACTIONS: ReadonlySet<string> = new Set(LABEL_ACTIONS);

export interface JournalLine {
  /** 1-based line number. */
  no: number;
  /** Byte offset of the line in the file. */
  start: number;
  /** The line's bytes, without its newline. */
  bytes: Buffer;
  /** False for a last line without its newline. */
  terminated: boolean;
  /** The event the line holds (whole, or salvaged from its end), with the seq the line carries, if any. */
  event?: JournaledLine;
  /** Where the salvaged event starts in `bytes` (0 when the whole line is the event). */
  eventAt: number;
}

/** A journal line's event: a LabelEvent and the sequence number the host gave it (absent in journals written before seqs). */
export type JournaledLine = LabelEvent & { seq?: number };

export interface ParsedJournal {
  /** Every non-blank line, in order. */
  lines: JournalLine[];
  /** The readable events, in order (salvaged ones included). */
  events: JournaledLine[];
  /** Lines that are not (only) an event: what a repair sets aside. */
  damaged: JournalLine[];
  /** The file ends with a newline (or is empty): an append starts on a fresh line. */
  endsClean: boolean;
  bytes: number;
}

const NEWLINE = 0x0a;
const EVENT_START = Buffer.from('{"docId":');

export function parseJournal(raw: Buffer): ParsedJournal {
  const lines: JournalLine[] = [];
  let start = 0;
  let no = 0;
  while (start < raw.length) {
    const nl = raw.indexOf(NEWLINE, start);
    const end = nl < 0 ? raw.length : nl;
    no++;
    const bytes = raw.subarray(start, end);
    if (bytes.toString('utf8').trim() !== '')
      lines.push({ no, start, bytes, terminated: nl >= 0, ...readLine(bytes, no) });
    start = end + 1;
  }
  return {
    lines,
    events: lines.flatMap((l) => (l.event ? [l.event] : [])),
    damaged: lines.filter((l) => !l.event || l.eventAt > 0),
    endsClean: raw.length === 0 || raw[raw.length - 1] === NEWLINE,
    bytes: raw.length,
  };
}

function readLine(bytes: Buffer, no: number): { event?: JournaledLine; eventAt: number } {
  const whole = tryEvent(bytes, no);
  if (whole) return { event: whole, eventAt: 0 };
  for (let at = bytes.indexOf(EVENT_START, 1); at > 0; at = bytes.indexOf(EVENT_START, at + 1)) {
    const e = tryEvent(bytes.subarray(at), no);
    if (e) return { event: e, eventAt: at };
  }
  return { eventAt: 0 };
}

function tryEvent(bytes: Buffer, no: number): JournaledLine | undefined {
  try {
    const e: unknown = JSON.parse(bytes.toString('utf8'));
    validateEvent(e, no - 1);
    const seq = (e as { seq?: unknown }).seq;
    if (seq !== undefined && !(Number.isSafeInteger(seq) && (seq as number) > 0)) return undefined;
    return e;
  } catch {
    return undefined;
  }
}

/**
 * Checks one event's fields (a `seq` is the host's, written into the journal line; it is read back
 * by parseJournal and ignored on the way in).
 */
export function validateEvent(e: unknown, i: number): asserts e is LabelEvent {
  const bad = (field: string, why: string) =>
    new DistilleryError('CONFIG', `label event ${i + 1}: ${field} ${why}`, { field, index: i });
  if (!e || typeof e !== 'object' || Array.isArray(e)) throw bad('event', 'is not an object');
  const x = e as Record<string, unknown>;
  if (typeof x.docId !== 'string' || x.docId === '' || x.docId.length > 1024)
    throw bad('docId', 'must be a non-empty string');
  if (!Array.isArray(x.labels) || x.labels.some((l) => typeof l !== 'string'))
    throw bad('labels', 'must be a list of label names');
  if (typeof x.source !== 'string' || !EVENT_SOURCES.has(x.source))
    throw bad('source', `must be one of ${[...EVENT_SOURCES].join(', ')}`);
  if (typeof x.who !== 'string') throw bad('who', 'must be a string');
  if (typeof x.at !== 'string' || x.at === '') throw bad('at', 'must be a timestamp string');
  if (typeof x.action !== 'string' || !EVENT_ACTIONS.has(x.action))
    throw bad('action', `must be one of ${[...EVENT_ACTIONS].join(', ')}`);
  if (x.id !== undefined && (typeof x.id !== 'string' || x.id === '' || x.id.length > 200))
    throw bad('id', 'must be a non-empty string (at most 200 characters)');
  if (x.modelVersion !== undefined && typeof x.modelVersion !== 'string') throw bad('modelVersion', 'must be a string');
  if (x.text !== undefined && typeof x.text !== 'string') throw bad('text', 'must be a string');
  if (x.reason !== undefined && (typeof x.reason !== 'string' || x.reason.length > 10_000))
    throw bad('reason', 'must be a string (at most 10000 characters)');
  if (x.reason !== undefined && x.action !== 'skip')
    throw bad('reason', `is only for a 'skip' (this is a '${x.action}')`);
}

/**
 * The label journal: every label event the UI makes is appended to `<project>/journal.jsonl` (one
 * JSON line each) and fsynced before `append` resolves, so that labels survive a wiped or damaged
 * IndexedDB, a crash of any process, or a power cut after the call returned.
 *
 * Next to it, `labels.sentinel.json` holds the number of labeled documents (replaying the journal)
 * and when it changed: kept outside IndexedDB, it tells the UI at start-up that its database is
 * unexpectedly empty or short, so it can offer to rebuild from the journal.
 *
 * Replay: events apply in order; the flags ('skip', 'unskip', 'gold', 'ungold': shared/label-event.ts
 * FLAG_ACTIONS) leave labels alone; every other action ('label', 'accept', 'correct', 'undo') sets the document's labels to the event's `labels` (an 'undo' carries the
 * labels restored, [] when the document is unlabeled again). labeledCount = documents whose
 * labels are not empty.
 *
 * A batch is all or nothing: if writing the events or the sentinel fails (ENOSPC → DISK_FULL), the
 * journal is truncated back to its previous length and the sentinel keeps its previous content.
 * Appends to one project are serialised, and always start on a fresh line.
 *
 * Sequence numbers: every event written gets `seq` (1-based, in journal order), given by the host and
 * written at the end of its line, so that a repair that sets a damaged line aside never renumbers an
 * acknowledged event. Journals written before seqs have lines without one: such a line is numbered
 * by position (the previous readable event's seq + 1, i.e. its place among readable events in an
 * old journal) when the journal is first read, and the first repair that rewrites the journal writes
 * those numbers into the lines. `since(afterSeq)` pages through the events after a seq (what a
 * replica lacks); listeners (`onAppend`) hear of every append that wrote something.
 *
 * Idempotent by id: an event whose `id` the journal already holds (or that an earlier event of the
 * same batch has) is not written again; append returns its existing seq. The id → seq index is kept
 * in memory and rebuilt whenever the journal is read from disk.
 *
 * Repair on open: the first time a journal is touched (and whenever it changed behind our back), a
 * torn last record (a crash or a truncation mid-write) and any damaged line are set aside, byte for
 * byte, in `journal.torn.jsonl` (never deleted); an event glued onto a torn line by an older version
 * is kept; a whole last record lacking only its line end is completed. The sentinel is then written
 * from what can be read, with a `recovery` summary the UI shows once; the log says the same.
 */
import path from 'node:path';
import type { JournaledEvent, JournalPage, JournalRecovery, JournalSentinel, LabelEvent } from '../shared/api';
import { DistilleryError } from '../shared/errors';
import { PROJECT_LAYOUT } from '../shared/worker-protocol';
import {
  diskError,
  isErrno,
  KeyedMutex,
  nodeFs,
  syncDir,
  writeAll,
  writeFileAtomic,
  type HostFileHandle,
  type HostFs,
} from './fs-util';
import { changesLabels } from '../shared/label-event';
import { parseJournal, validateEvent, type JournaledLine, type JournalLine, type ParsedJournal } from './journal-file';

export type Sentinel = JournalSentinel;

interface SentinelFile extends Sentinel {
  format: 'distillery-label-sentinel';
  events: number;
  journalBytes: number;
}

interface ReplayState {
  labels: Map<string, number>;
  labeled: number;
  events: number;
  /** Journal length this state describes; another length means another writer: replay again. */
  bytes: number;
  /** The journal ends with a newline (a repair that could not be written leaves a torn tail). */
  endsClean: boolean;
  /** The last repair, carried from sentinel to sentinel. */
  recovery?: JournalRecovery;
  /** The highest seq given (0: no event yet). */
  lastSeq: number;
  /** Seq of each event id the journal holds (the first, if an old journal holds one twice). */
  ids: Map<string, number>;
  /** Each readable event's seq and byte range in the file, in order (what `since` reads). */
  index: { seq: number[]; start: number[]; end: number[] };
}

const MAX_BATCH = 1_000_000;
/** Events per page of `since`. */
export const SINCE_PAGE = 5000;

export type AppendListener = (projectId: string, lastSeq: number) => void;

export class Journal {
  private readonly lock = new KeyedMutex();
  private readonly states = new Map<string, ReplayState>();
  private readonly listeners = new Set<AppendListener>();

  constructor(
    private readonly folderOf: (projectId: string) => Promise<string>,
    private readonly fs: HostFs = nodeFs,
    /** Where a repair is reported (the server's or the app's log). */
    private readonly log: (message: string) => void = () => {},
  ) {}

  /** Hears of every append that wrote events: the project and its journal's last seq. */
  onAppend(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Appends and fsyncs the events; all or nothing. Returns each event's seq: a new one, or, for an
   * event whose id the journal already holds, the seq it was written with (it is not written again).
   */
  async append(projectId: string, events: LabelEvent[]): Promise<number[]> {
    const clean = validateEvents(events);
    const folder = await this.folderOf(projectId);
    if (clean.length === 0) return [];
    const file = path.join(folder, PROJECT_LAYOUT.journal);
    const written = await this.lock.run(folder, async () => {
      const state = await this.open(folder);
      const seqs: number[] = [];
      const fresh: JournaledEvent[] = [];
      const batchIds = new Map<string, number>();
      let lastSeq = state.lastSeq;
      for (const e of clean) {
        const known = e.id === undefined ? undefined : (state.ids.get(e.id) ?? batchIds.get(e.id));
        if (known !== undefined) {
          seqs.push(known);
          continue;
        }
        const seq = ++lastSeq;
        if (e.id !== undefined) batchIds.set(e.id, seq);
        fresh.push({ ...e, seq });
        seqs.push(seq);
      }
      if (fresh.length === 0) return { seqs, lastSeq: 0 };
      const texts = fresh.map((e) => JSON.stringify(e));
      // Never onto a torn line (a repair that could not be written leaves one): that would glue this batch to it.
      const lead = state.endsClean ? '' : '\n';
      const buf = Buffer.from(lead + texts.join('\n') + '\n', 'utf8');
      const what = `${fresh.length} label event(s)`;
      let h: HostFileHandle | undefined;
      const before = state.bytes;
      try {
        h = await this.fs.open(file, 'a', 0o644);
        await writeAll(h, buf, null);
        await h.sync();
      } catch (e) {
        if (h) await rollBack(h, before);
        await h?.close().catch(() => {});
        throw diskError(e, what, file);
      }
      await h.close();
      if (before === 0) await syncDir(this.fs, folder);

      const next: ReplayState = { ...applyEvents(state, fresh), bytes: before + buf.length, endsClean: true, lastSeq };
      try {
        await this.writeSentinel(folder, next, what);
      } catch (e) {
        // Keep the pair consistent: without its sentinel the batch is not written.
        let r: HostFileHandle | undefined;
        try {
          r = await this.fs.open(file, 'r+');
          await rollBack(r, before);
        } finally {
          await r?.close().catch(() => {});
        }
        throw diskError(e, what, file);
      }
      // Written: only now the index learns the new events (the state before is dropped).
      let at = before + lead.length;
      fresh.forEach((e, i) => {
        const len = Buffer.byteLength(texts[i], 'utf8');
        next.index.seq.push(e.seq);
        next.index.start.push(at);
        next.index.end.push(at + len);
        if (e.id !== undefined) next.ids.set(e.id, e.seq);
        at += len + 1;
      });
      this.states.set(folder, next);
      return { seqs, lastSeq };
    });
    if (written.lastSeq > 0) {
      for (const l of [...this.listeners]) {
        try {
          l(projectId, written.lastSeq);
        } catch (e) {
          this.log(`journal listener failed: ${(e as Error).message}`);
        }
      }
    }
    return written.seqs;
  }

  /**
   * The events after seq `afterSeq`, at most `limit` (SINCE_PAGE), each with its seq; `lastSeq` is
   * the journal's last seq and `more` says whether events follow this page.
   */
  async since(projectId: string, afterSeq: number, limit = SINCE_PAGE): Promise<JournalPage> {
    if (!Number.isSafeInteger(afterSeq) || afterSeq < 0)
      throw new DistilleryError('CONFIG', 'journal.since: afterSeq must be a whole number ≥ 0', { field: 'afterSeq' });
    const folder = await this.folderOf(projectId);
    return this.lock.run(folder, async () => {
      const state = await this.open(folder);
      const { seq, start, end } = state.index;
      let lo = 0;
      let hi = seq.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (seq[mid] <= afterSeq) lo = mid + 1;
        else hi = mid;
      }
      const stop = Math.min(seq.length, lo + Math.max(1, limit));
      if (lo >= stop) return { events: [], lastSeq: state.lastSeq, more: false };
      // Only this page's bytes: a poll of a million-event journal reads a page, not the file.
      const base = start[lo];
      const raw = await this.fs.readRange(path.join(folder, PROJECT_LAYOUT.journal), base, end[stop - 1]);
      const events: JournaledEvent[] = [];
      for (let i = lo; i < stop; i++) {
        const e = JSON.parse(raw.subarray(start[i] - base, end[i] - base).toString('utf8')) as JournaledLine;
        events.push({ ...withoutSeq(e), seq: seq[i] });
      }
      return { events, lastSeq: state.lastSeq, more: stop < seq.length };
    });
  }

  async read(projectId: string): Promise<LabelEvent[]> {
    return (await this.readWithDamage(projectId)).events;
  }

  /** Events (without their seqs), and the 1-based line numbers of lines that could not be read (none once a repair was written). */
  async readWithDamage(projectId: string): Promise<{ events: LabelEvent[]; damagedLines: number[] }> {
    const folder = await this.folderOf(projectId);
    return this.lock.run(folder, async () => {
      await this.open(folder);
      const parsed = await readJournal(this.fs, path.join(folder, PROJECT_LAYOUT.journal));
      return { events: parsed.events.map(withoutSeq), damagedLines: parsed.damaged.map((l) => l.no) };
    });
  }

  async sentinel(projectId: string): Promise<Sentinel | null> {
    const folder = await this.folderOf(projectId);
    const state = await this.lock.run(folder, () => this.open(folder));
    let text: string;
    try {
      text = await this.fs.readFile(path.join(folder, PROJECT_LAYOUT.sentinel), 'utf8');
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return state.recovery ? summary(state, state.recovery.at) : null;
      throw e;
    }
    try {
      const s = JSON.parse(text) as SentinelFile;
      if (typeof s.labeledCount === 'number' && typeof s.updatedAt === 'string') {
        return {
          labeledCount: s.labeledCount,
          updatedAt: s.updatedAt,
          ...(s.recovery ? { recovery: s.recovery } : {}),
        };
      }
    } catch {
      // fall through: rebuild below
    }
    // A damaged sentinel: recount from the journal (the source it summarises).
    if (state.events === 0 && !state.recovery) return null;
    const { events } = await this.readWithDamage(projectId);
    return summary(state, events.at(-1)?.at ?? new Date().toISOString());
  }

  /** How many readable events the journal holds (what `read` would return). */
  async eventCount(projectId: string): Promise<number> {
    const folder = await this.folderOf(projectId);
    return this.lock.run(folder, async () => (await this.open(folder)).events);
  }

  /**
   * The replay state of the journal as it is on disk; only under the folder's lock. The first time
   * (and whenever the file changed behind our back) the file is read, and repaired when it needs it.
   */
  private async open(folder: string): Promise<ReplayState> {
    const file = path.join(folder, PROJECT_LAYOUT.journal);
    const cached = this.states.get(folder);
    if (cached) {
      const size = await this.fs.stat(file).then(
        (s) => s.size,
        (e: unknown) => {
          if (isErrno(e, 'ENOENT')) return 0;
          throw e;
        },
      );
      if (size === cached.bytes) return cached;
    }
    const parsed = await readJournal(this.fs, file);
    let state: ReplayState = stateOf(parsed, cached?.recovery ?? (await this.lastRecovery(folder)));
    if (parsed.damaged.length || !parsed.endsClean) {
      try {
        state = await this.repair(folder, parsed, state);
      } catch (e) {
        // Reads still skip the damaged lines and appends start on a fresh line; the next open tries again.
        this.log(
          `journal ${file}: could not repair (${(e as Error).message}); ${parsed.damaged.length} damaged line(s) are skipped for now`,
        );
      }
    }
    this.states.set(folder, state);
    return state;
  }

  /**
   * Moves damaged records (byte for byte) to journal.torn.jsonl, then replaces the journal with its
   * readable lines, then writes the sentinel from them. A crash in between leaves a record in both
   * files at worst, never in neither.
   */
  private async repair(folder: string, parsed: ParsedJournal, state: ReplayState): Promise<ReplayState> {
    const file = path.join(folder, PROJECT_LAYOUT.journal);
    const at = new Date().toISOString();
    const setAside = parsed.damaged.map((l) => tornRecord(l, at));
    if (setAside.length)
      await appendDurably(
        this.fs,
        path.join(folder, PROJECT_LAYOUT.journalTorn),
        setAside.map((r) => JSON.stringify(r) + '\n').join(''),
      );
    // Kept lines byte for byte; a line from before seqs gets the seq it was read with written into it.
    const seqs = numberEvents(parsed.events);
    let k = 0;
    const kept = Buffer.concat(
      parsed.lines
        .filter((l) => l.event)
        .flatMap((l) => {
          const seq = seqs[k++];
          const bytes =
            l.event!.seq === seq
              ? l.bytes.subarray(l.eventAt)
              : Buffer.from(JSON.stringify({ ...withoutSeq(l.event!), seq }), 'utf8');
          return [bytes, Buffer.from('\n')];
        }),
    );
    await writeFileAtomic(this.fs, file, kept, 'the repaired journal');
    const salvaged = parsed.damaged.filter((l) => l.event).length;
    const recovery: JournalRecovery | undefined = setAside.length
      ? {
          at,
          file: PROJECT_LAYOUT.journalTorn,
          setAside: setAside.length,
          salvaged,
          lines: parsed.damaged.map((l) => l.no),
          events: parsed.events.length,
        }
      : state.recovery;
    const next: ReplayState = stateOf(parseJournal(kept), recovery);
    await this.writeSentinel(folder, next, 'the repaired journal');
    this.log(
      setAside.length
        ? `journal ${file}: ${setAside.length} damaged or torn record(s) (line(s) ${recovery!.lines.join(', ')}) set aside in ${PROJECT_LAYOUT.journalTorn}` +
            `${salvaged ? `, ${salvaged} label event(s) read back out of them` : ''}; ${parsed.events.length} label event(s) readable`
        : `journal ${file}: its last record lacked the line end; added`,
    );
    return next;
  }

  private async writeSentinel(folder: string, s: ReplayState, what: string): Promise<void> {
    const sentinel: SentinelFile = {
      format: 'distillery-label-sentinel',
      labeledCount: s.labeled,
      updatedAt: new Date().toISOString(),
      events: s.events,
      journalBytes: s.bytes,
      ...(s.recovery ? { recovery: s.recovery } : {}),
    };
    await writeFileAtomic(
      this.fs,
      path.join(folder, PROJECT_LAYOUT.sentinel),
      JSON.stringify(sentinel, null, 2) + '\n',
      what,
    );
  }

  private async lastRecovery(folder: string): Promise<JournalRecovery | undefined> {
    try {
      return (
        JSON.parse(await this.fs.readFile(path.join(folder, PROJECT_LAYOUT.sentinel), 'utf8')) as Partial<SentinelFile>
      ).recovery;
    } catch {
      return undefined;
    }
  }
}

function summary(s: ReplayState, updatedAt: string): Sentinel {
  return { labeledCount: s.labeled, updatedAt, ...(s.recovery ? { recovery: s.recovery } : {}) };
}

/** One line of journal.torn.jsonl: the exact bytes set aside (base64) and, for reading, their text. */
function tornRecord(l: JournalLine, at: string) {
  const bytes = l.event ? l.bytes.subarray(0, l.eventAt) : l.bytes;
  return {
    format: 'distillery-torn-record',
    at,
    line: l.no,
    offset: l.start,
    why: !l.terminated
      ? 'cut short: the last record has no line end (a write interrupted by a crash)'
      : l.event
        ? 'a torn record with the next label event glued to it (kept)'
        : 'not a label event',
    text: bytes.toString('utf8'),
    base64: bytes.toString('base64'),
  };
}

async function appendDurably(fs: HostFs, file: string, text: string): Promise<void> {
  const h = await fs.open(file, 'a', 0o644);
  try {
    await writeAll(h, Buffer.from(text, 'utf8'), null);
    await h.sync();
  } finally {
    await h.close();
  }
  await syncDir(fs, path.dirname(file));
}

async function rollBack(h: HostFileHandle, size: number): Promise<void> {
  try {
    await h.truncate(size);
    await h.sync();
  } catch {
    // Nothing more to do: the error being reported says the batch was not saved; the next open repairs a torn line.
  }
}

async function readJournal(fs: HostFs, file: string): Promise<ParsedJournal> {
  try {
    return parseJournal(await fs.readFileBytes(file));
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return parseJournal(Buffer.alloc(0));
    throw e;
  }
}

/** The seq of each readable event: its own, or (a line from before seqs, or out of order) the previous one's + 1. */
function numberEvents(events: readonly JournaledLine[]): number[] {
  let prev = 0;
  return events.map((e) => (prev = e.seq !== undefined && e.seq > prev ? e.seq : prev + 1));
}

/** The replay state and the seq/id index of a journal as read. */
function stateOf(parsed: ParsedJournal, recovery: JournalRecovery | undefined): ReplayState {
  const seqs = numberEvents(parsed.events);
  const index: ReplayState['index'] = { seq: [], start: [], end: [] };
  const ids = new Map<string, number>();
  let k = 0;
  for (const l of parsed.lines) {
    if (!l.event) continue;
    const seq = seqs[k++];
    index.seq.push(seq);
    index.start.push(l.start + l.eventAt);
    index.end.push(l.start + l.bytes.length);
    if (l.event.id !== undefined && !ids.has(l.event.id)) ids.set(l.event.id, seq);
  }
  const empty: ReplayState = {
    labels: new Map(),
    labeled: 0,
    events: 0,
    bytes: parsed.bytes,
    endsClean: parsed.endsClean,
    recovery,
    lastSeq: seqs.at(-1) ?? 0,
    ids,
    index,
  };
  return applyEvents(empty, parsed.events);
}

function withoutSeq(e: JournaledLine): LabelEvent {
  const { seq: _seq, ...rest } = e;
  void _seq;
  return rest;
}

/** A new state (the old one is left as it was, for a batch that may still fail). */
function applyEvents(s: ReplayState, events: LabelEvent[]): ReplayState {
  // (bytes and endsClean are the caller's to set)
  const labels = new Map(s.labels);
  let labeled = s.labeled;
  for (const e of events) {
    if (!changesLabels(e.action)) continue;
    const was = (labels.get(e.docId) ?? 0) > 0;
    const now = e.labels.length > 0;
    labels.set(e.docId, e.labels.length);
    labeled += Number(now) - Number(was);
  }
  return { ...s, labels, labeled, events: s.events + events.length };
}

function validateEvents(events: unknown): LabelEvent[] {
  if (!Array.isArray(events))
    throw new DistilleryError('CONFIG', 'journal.append needs a list of label events', { field: 'events' });
  if (events.length > MAX_BATCH)
    throw new DistilleryError('CONFIG', `at most ${MAX_BATCH} events per append`, { field: 'events' });
  return events.map((e, i) => {
    validateEvent(e, i);
    const x = e as LabelEvent;
    // Only the known fields are journaled, in a fixed order (docId first: the repair looks for it).
    return {
      docId: x.docId,
      ...(x.id !== undefined ? { id: x.id } : {}),
      labels: [...x.labels],
      source: x.source,
      who: x.who,
      at: x.at,
      ...(x.modelVersion !== undefined ? { modelVersion: x.modelVersion } : {}),
      action: x.action,
      ...(x.text !== undefined ? { text: x.text } : {}),
      ...(x.reason !== undefined ? { reason: x.reason } : {}),
    };
  });
}

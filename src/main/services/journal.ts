/**
 * The label journal: every label event the UI makes is appended to `<project>/journal.jsonl` (one
 * JSON line each) and fsynced before `append` resolves, so that labels survive a wiped or damaged
 * IndexedDB, a crash of any process, or a power cut after the call returned.
 *
 * Next to it, `labels.sentinel.json` holds the number of labeled documents (replaying the journal)
 * and when it changed: kept outside IndexedDB, it tells the UI at start-up that its database is
 * unexpectedly empty or short, so it can offer to rebuild from the journal.
 *
 * Replay: events apply in order; 'skip' changes nothing; every other action ('label', 'accept',
 * 'correct', 'undo') sets the document's labels to the event's `labels` (an 'undo' carries the
 * labels restored, [] when the document is unlabeled again). labeledCount = documents whose
 * labels are not empty.
 *
 * A batch is all or nothing: if writing the events or the sentinel fails (ENOSPC → DISK_FULL), the
 * journal is truncated back to its previous length and the sentinel keeps its previous content.
 * Appends to one project are serialised. A torn or damaged line (a crash mid-write of an older
 * version, a hand edit) is skipped on read and reported by `readWithDamage`.
 */
import path from 'node:path';
import type { LabelEvent } from '../../shared/api';
import { DistilleryError } from '../../shared/errors';
import { PROJECT_LAYOUT } from '../../shared/worker-protocol';
import { diskError, isErrno, KeyedMutex, nodeFs, syncDir, writeAll, writeFileAtomic, type HostFileHandle, type HostFs } from './fs-util';

export interface Sentinel {
  labeledCount: number;
  updatedAt: string;
}

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
}

const SOURCES = new Set(['human', 'teacher', 'rule', 'student']);
const ACTIONS = new Set(['label', 'accept', 'correct', 'skip', 'undo']);
const MAX_BATCH = 1_000_000;

export class Journal {
  private readonly lock = new KeyedMutex();
  private readonly states = new Map<string, ReplayState>();

  constructor(
    private readonly folderOf: (projectId: string) => Promise<string>,
    private readonly fs: HostFs = nodeFs,
  ) {}

  /** Appends and fsyncs the events; all or nothing. */
  async append(projectId: string, events: LabelEvent[]): Promise<void> {
    const clean = validateEvents(events);
    const folder = await this.folderOf(projectId);
    if (clean.length === 0) return;
    const file = path.join(folder, PROJECT_LAYOUT.journal);
    const buf = Buffer.from(clean.map((e) => JSON.stringify(e)).join('\n') + '\n', 'utf8');
    await this.lock.run(folder, async () => {
      let state = await this.state(folder);
      const what = `${clean.length} label event(s)`;
      let h: HostFileHandle | undefined;
      let before = 0;
      try {
        h = await this.fs.open(file, 'a', 0o644);
        before = (await h.stat()).size;
        if (before !== state.bytes) state = await this.state(folder, true);
        await writeAll(h, buf, null);
        await h.sync();
      } catch (e) {
        if (h) await rollBack(h, before);
        await h?.close().catch(() => {});
        throw diskError(e, what, file);
      }
      await h.close();
      if (before === 0) await syncDir(this.fs, folder);

      const next = { ...applyEvents(state, clean), bytes: before + buf.length };
      const sentinel: SentinelFile = {
        format: 'distillery-label-sentinel',
        labeledCount: next.labeled,
        updatedAt: new Date().toISOString(),
        events: next.events,
        journalBytes: before + buf.length,
      };
      try {
        await writeFileAtomic(this.fs, path.join(folder, PROJECT_LAYOUT.sentinel), JSON.stringify(sentinel, null, 2) + '\n', what);
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
      this.states.set(folder, next);
    });
  }

  async read(projectId: string): Promise<LabelEvent[]> {
    return (await this.readWithDamage(projectId)).events;
  }

  /** Events, and the 1-based line numbers of lines that could not be read. */
  async readWithDamage(projectId: string): Promise<{ events: LabelEvent[]; damagedLines: number[] }> {
    const folder = await this.folderOf(projectId);
    return this.lock.run(folder, async () => {
      const { events, damagedLines } = await readJournalFile(this.fs, path.join(folder, PROJECT_LAYOUT.journal));
      return { events, damagedLines };
    });
  }

  async sentinel(projectId: string): Promise<Sentinel | null> {
    const folder = await this.folderOf(projectId);
    let text: string;
    try {
      text = await this.fs.readFile(path.join(folder, PROJECT_LAYOUT.sentinel), 'utf8');
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return null;
      throw e;
    }
    try {
      const s = JSON.parse(text) as SentinelFile;
      if (typeof s.labeledCount === 'number' && typeof s.updatedAt === 'string') return { labeledCount: s.labeledCount, updatedAt: s.updatedAt };
    } catch {
      // fall through: rebuild below
    }
    // A damaged sentinel: recount from the journal (the source it summarises).
    const { events } = await this.readWithDamage(projectId);
    if (events.length === 0) return null;
    return { labeledCount: applyEvents(emptyState(), events).labeled, updatedAt: events[events.length - 1].at };
  }

  /** How many readable events the journal holds (what `read` would return). */
  async eventCount(projectId: string): Promise<number> {
    const folder = await this.folderOf(projectId);
    return this.lock.run(folder, async () => {
      const cached = this.states.get(folder);
      const size = await this.fs
        .stat(path.join(folder, PROJECT_LAYOUT.journal))
        .then((s) => s.size)
        .catch((e: unknown) => {
          if (isErrno(e, 'ENOENT')) return 0;
          throw e;
        });
      return (await this.state(folder, !cached || cached.bytes !== size)).events;
    });
  }

  private async state(folder: string, fresh = false): Promise<ReplayState> {
    const cached = this.states.get(folder);
    if (cached && !fresh) return cached;
    const { events, bytes } = await readJournalFile(this.fs, path.join(folder, PROJECT_LAYOUT.journal));
    const s = { ...applyEvents(emptyState(), events), bytes };
    this.states.set(folder, s);
    return s;
  }
}

async function rollBack(h: HostFileHandle, size: number): Promise<void> {
  try {
    await h.truncate(size);
    await h.sync();
  } catch {
    // Nothing more to do: the error being reported says the batch was not saved; replay skips a torn line.
  }
}

async function readJournalFile(fs: HostFs, file: string): Promise<{ events: LabelEvent[]; damagedLines: number[]; bytes: number }> {
  let raw: Buffer;
  try {
    raw = await fs.readFileBytes(file);
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return { events: [], damagedLines: [], bytes: 0 };
    throw e;
  }
  const text = raw.toString('utf8');
  const events: LabelEvent[] = [];
  const damagedLines: number[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const e = JSON.parse(line) as LabelEvent;
      validateEvent(e, i);
      events.push(e);
    } catch {
      damagedLines.push(i + 1);
    }
  });
  return { events, damagedLines, bytes: raw.length };
}

function emptyState(): ReplayState {
  return { labels: new Map(), labeled: 0, events: 0, bytes: 0 };
}

/** A new state (the old one is left as it was, for a batch that may still fail). */
function applyEvents(s: ReplayState, events: LabelEvent[]): ReplayState {
  // (bytes is the caller's to set)
  const labels = new Map(s.labels);
  let labeled = s.labeled;
  for (const e of events) {
    if (e.action === 'skip') continue;
    const was = (labels.get(e.docId) ?? 0) > 0;
    const now = e.labels.length > 0;
    labels.set(e.docId, e.labels.length);
    labeled += Number(now) - Number(was);
  }
  return { labels, labeled, events: s.events + events.length, bytes: s.bytes };
}

function validateEvents(events: unknown): LabelEvent[] {
  if (!Array.isArray(events)) throw new DistilleryError('CONFIG', 'journal.append needs a list of label events', { field: 'events' });
  if (events.length > MAX_BATCH) throw new DistilleryError('CONFIG', `at most ${MAX_BATCH} events per append`, { field: 'events' });
  return events.map((e, i) => {
    validateEvent(e, i);
    const x = e as LabelEvent;
    // Only the known fields are journaled, in a fixed order.
    return {
      docId: x.docId,
      labels: [...x.labels],
      source: x.source,
      who: x.who,
      at: x.at,
      ...(x.modelVersion !== undefined ? { modelVersion: x.modelVersion } : {}),
      action: x.action,
      ...(x.text !== undefined ? { text: x.text } : {}),
    };
  });
}

function validateEvent(e: unknown, i: number): asserts e is LabelEvent {
  const bad = (field: string, why: string) => new DistilleryError('CONFIG', `label event ${i + 1}: ${field} ${why}`, { field, index: i });
  if (!e || typeof e !== 'object' || Array.isArray(e)) throw bad('event', 'is not an object');
  const x = e as Record<string, unknown>;
  if (typeof x.docId !== 'string' || x.docId === '' || x.docId.length > 1024) throw bad('docId', 'must be a non-empty string');
  if (!Array.isArray(x.labels) || x.labels.some((l) => typeof l !== 'string')) throw bad('labels', 'must be a list of label names');
  if (typeof x.source !== 'string' || !SOURCES.has(x.source)) throw bad('source', `must be one of ${[...SOURCES].join(', ')}`);
  if (typeof x.who !== 'string') throw bad('who', 'must be a string');
  if (typeof x.at !== 'string' || x.at === '') throw bad('at', 'must be a timestamp string');
  if (typeof x.action !== 'string' || !ACTIONS.has(x.action)) throw bad('action', `must be one of ${[...ACTIONS].join(', ')}`);
  if (x.modelVersion !== undefined && typeof x.modelVersion !== 'string') throw bad('modelVersion', 'must be a string');
  if (x.text !== undefined && typeof x.text !== 'string') throw bad('text', 'must be a string');
}

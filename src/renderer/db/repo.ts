/**
 * Database operations. Label writes run in `strictDb` transactions (durable before they resolve)
 * and are then appended to the backend's journal; imports and model scores go through `bulkDb`.
 */
import Dexie from 'dexie';
import { importInto, peakImportFile } from 'dexie-export-import';
import type {
  BackupInfo,
  BackupReason,
  DistilleryApi,
  JournaledEvent,
  LabelEvent,
  ProjectMeta,
} from '../../shared/api';
import { GOLD_DRAW_WHO, toLabelEvent } from '../../shared/label-event';
import type { TaskType } from '../../shared/task';
import { queueScore, type Strategy } from '../queue/strategies';
import {
  chunks,
  countProgress,
  dedupeKey,
  foldJournal,
  IMPORT_CHUNK,
  SCORE_CHUNK,
  writeInChunks,
  journalEvent,
  labelPatch,
  flagEvent,
  importEvents,
  makeEvent,
  scorePatch,
  type ImportPlan,
  type LabelMeta,
  type LabelProgress,
} from './logic';
import { GOLD_DEFAULTS, goldAdditions, inGold, isHumanLabeled } from './gold';
import { exportProject } from './project-export';
import { docConsensus, journalOrder, replicatedPatch } from './replica';
import { bulkDb, strictDb } from './schema';
import type { DocRow, EventRow, ImportRow, JobRow, LabelSource, ProjectRow } from './types';

const { minKey, maxKey } = Dexie;

export async function openDatabases(): Promise<void> {
  await strictDb.open();
  await bulkDb.open();
}

/** A database that cannot be opened (damaged, or from a newer version) is deleted and created anew. */
export async function resetDatabase(): Promise<void> {
  strictDb.close();
  bulkDb.close();
  await Dexie.delete(strictDb.name);
  await openDatabases();
}

// ---------------------------------------------------------------------------------------------
// Projects

/** Merges the backend's project list into the local rows (local settings kept). */
export async function syncProjects(metas: ProjectMeta[]): Promise<ProjectRow[]> {
  return strictDb.transaction('rw', strictDb.projects, async () => {
    const out: ProjectRow[] = [];
    for (const m of metas) {
      const prev = await strictDb.projects.get(m.id);
      // overlap from the server even when absent: routing turned off in another browser is off here too.
      const row: ProjectRow = { strategy: 'random', ...prev, ...m, overlap: m.overlap };
      await strictDb.projects.put(row);
      out.push(row);
    }
    return out;
  });
}

/**
 * Changes some fields of a project row and returns the row as stored. A patch, never a whole row:
 * two settings saved close together (the strategy while the live loop's N is saved, a finished job's
 * teacher while the gold share is saved) must not overwrite each other from stale copies.
 */
export async function patchProject(id: string, changes: Partial<ProjectRow>): Promise<ProjectRow | undefined> {
  return strictDb.transaction('rw', strictDb.projects, async () => {
    await strictDb.projects.update(id, changes);
    return strictDb.projects.get(id);
  });
}

export async function getProject(id: string): Promise<ProjectRow | undefined> {
  return strictDb.projects.get(id);
}

/** Re-orders the whole queue under a new strategy. */
export async function setStrategy(p: ProjectRow, strategy: Strategy): Promise<void> {
  await strictDb.projects.update(p.id, { strategy });
  await bulkDb.docs
    .where('projectId')
    .equals(p.id)
    .modify((d) => {
      d.queueScore = queueScore(strategy, d.id, d.probs, p.task);
    });
}

// ---------------------------------------------------------------------------------------------
// Documents

export function docsOf(projectId: string) {
  return bulkDb.docs.where('projectId').equals(projectId);
}

export async function allDocs(projectId: string): Promise<DocRow[]> {
  return docsOf(projectId).toArray();
}

export async function getDoc(projectId: string, id: string): Promise<DocRow | undefined> {
  return strictDb.docs.get([projectId, id]);
}

export async function countDocs(projectId: string): Promise<{ total: number; labeled: number }> {
  const [total, labeled] = await Promise.all([
    docsOf(projectId).count(),
    bulkDb.docs.where('[projectId+isLabeled]').equals([projectId, 1]).count(),
  ]);
  return { total, labeled };
}

export async function progress(projectId: string, labels: readonly string[]): Promise<LabelProgress> {
  const labeled = await bulkDb.docs.where('[projectId+isLabeled]').equals([projectId, 1]).toArray();
  const total = await docsOf(projectId).count();
  const p = countProgress(labeled, labels);
  return { ...p, total };
}

/** Ids and dedupe keys of a project's documents (for planning an import). */
export async function existingKeys(
  projectId: string,
): Promise<{ ids: Set<string>; texts: Set<string>; missingText: Set<string> }> {
  const ids = new Set<string>();
  const texts = new Set<string>();
  const missingText = new Set<string>();
  await docsOf(projectId).each((d) => {
    ids.add(d.id);
    if (d.missingText) missingText.add(d.id);
    else texts.add(dedupeKey(d.text));
  });
  return { ids, texts, missingText };
}

/** The next documents to annotate: unlabeled, highest queue priority first. */
export async function queueHead(projectId: string, n: number, exclude: ReadonlySet<string>): Promise<DocRow[]> {
  return bulkDb.docs
    .where('[projectId+isLabeled+queueScore]')
    .between([projectId, 0, minKey], [projectId, 0, maxKey])
    .reverse()
    .filter((d) => !exclude.has(d.id) && !d.ignored)
    .limit(n)
    .toArray();
}

/** Pre-labels to review: unlabeled documents the model scored, least confident first. */
export async function reviewHead(projectId: string, n: number, exclude: ReadonlySet<string>): Promise<DocRow[]> {
  return bulkDb.docs
    .where('[projectId+isLabeled+confidence]')
    .between([projectId, 0, minKey], [projectId, 0, maxKey])
    .filter((d) => !exclude.has(d.id) && !d.ignored && (d.suggestion?.length ?? 0) > 0)
    .limit(n)
    .toArray();
}

export async function countReviewable(projectId: string, minConfidence = 0): Promise<{ all: number; above: number }> {
  const all = await bulkDb.docs
    .where('[projectId+isLabeled+confidence]')
    .between([projectId, 0, minKey], [projectId, 0, maxKey])
    .count();
  const above = await bulkDb.docs
    .where('[projectId+isLabeled+confidence]')
    .between([projectId, 0, minConfidence], [projectId, 0, maxKey], true, true)
    .count();
  return { all, above };
}

// ---------------------------------------------------------------------------------------------
// Import (all or nothing)

export interface ImportProgress {
  done: number;
  total: number;
}

/**
 * Writes an import plan in chunks of ~1,000 rows. The import is recorded as pending first; its rows
 * carry its id; on any error every row written so far is deleted again, and a pending import found
 * at start-up (the page closed mid-import) is rolled back the same way.
 */
export async function runImport(
  projectId: string,
  fileName: string,
  plan: ImportPlan,
  onProgress?: (p: ImportProgress) => void,
): Promise<void> {
  const importId = plan.rows[0]?.importId ?? `imp-${Date.now()}`;
  const rec: ImportRow = {
    id: importId,
    projectId,
    fileName,
    state: 'pending',
    startedAt: new Date().toISOString(),
    count: plan.rows.length,
  };
  await strictDb.imports.put(rec);
  let done = 0;
  const total = plan.rows.length + plan.fills.length;
  const filled: string[] = [];
  try {
    for (const part of chunks(plan.rows, IMPORT_CHUNK)) {
      for (const r of part)
        if (r.labels.length) Object.assign(r, soleAnnotator(r.who ?? '', r.labels, r.source ?? 'human', r.at ?? ''));
      // bulkAdd, not bulkPut: a clash with an existing row fails instead of overwriting it.
      await bulkDb.docs.bulkAdd(part);
      done += part.length;
      onProgress?.({ done, total });
    }
    for (const part of chunks(plan.fills, IMPORT_CHUNK)) {
      await bulkDb.docs.bulkUpdate(
        part.map((f) => ({
          key: [projectId, f.id] as [string, string],
          changes: { text: f.text, line: f.line, missingText: undefined },
        })),
      );
      filled.push(...part.map((f) => f.id));
      done += part.length;
      onProgress?.({ done, total });
    }
    const labeled = plan.rows.filter((r) => r.labels.length);
    if (labeled.length) {
      // Labels that came with the file are label events like any other.
      const now = new Date().toISOString();
      const events = labeled.flatMap((r) => importEvents(projectId, r, now));
      await strictDb.events.bulkAdd(events);
    }
    await strictDb.imports.update(importId, { state: 'done' });
  } catch (e) {
    await rollbackImport(importId);
    if (filled.length)
      await bulkDb.docs.bulkUpdate(
        filled.map((id) => ({
          key: [projectId, id] as [string, string],
          changes: { text: '', missingText: 1 as const },
        })),
      );
    throw e;
  }
}

export async function rollbackImport(importId: string): Promise<number> {
  const n = await bulkDb.docs.where('importId').equals(importId).delete();
  await strictDb.imports.delete(importId);
  return n;
}

/** Rolls back imports left pending (the page closed mid-import). */
export async function rollbackPendingImports(): Promise<number> {
  const pending = await strictDb.imports.where('state').equals('pending').toArray();
  let n = 0;
  for (const p of pending) n += await rollbackImport(p.id);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Labels

export interface Undo {
  projectId: string;
  docId: string;
  before: Pick<DocRow, 'labels' | 'isLabeled' | 'source' | 'who' | 'at' | 'labelModelVersion' | 'labelVia'> & {
    /** The writer's own labels before (byAnnotator), where the document kept them: what the undo event restores for that person. */
    mine?: string[];
  };
}

/** The consensus fields of a document only one person labeled. */
function soleAnnotator(
  who: string,
  labels: string[],
  source: LabelSource,
  at: string,
): Pick<DocRow, 'byAnnotator' | 'finalRule' | 'agree'> {
  return { byAnnotator: { [who]: { labels: [...labels], source, at } }, finalRule: 'single', agree: true };
}

/**
 * A document's consensus after an event was added here (inside a transaction over docs and events):
 * byAnnotator, finalRule and agree always; where more than one person labeled it (or a reviewer
 * decided), the final labels replace what the last writer's own patch says.
 */
async function withConsensus(
  projectId: string,
  docId: string,
  patch: Partial<DocRow>,
  schema: readonly string[],
): Promise<Partial<DocRow>> {
  const rows = journalOrder(await strictDb.events.where('[projectId+docId]').equals([projectId, docId]).toArray());
  const c = docConsensus(rows, schema);
  return c.shared ? { ...patch, ...c.final, ...c.consensus } : { ...patch, ...c.consensus };
}

/**
 * One label write: the document and its event in one strict transaction. Returns what undo needs.
 * The journal append follows (see flushJournal); the label is safe in IndexedDB either way.
 */
export async function writeLabels(
  projectId: string,
  docId: string,
  labels: readonly string[],
  meta: LabelMeta,
  action: LabelEvent['action'],
  schema: readonly string[],
): Promise<Undo> {
  return strictDb.transaction('rw', strictDb.docs, strictDb.events, async () => {
    const doc = await strictDb.docs.get([projectId, docId]);
    if (!doc) throw new Error(`document ${docId} is not in the database`);
    const before: Undo['before'] = {
      labels: doc.labels,
      isLabeled: doc.isLabeled,
      source: doc.source,
      who: doc.who,
      at: doc.at,
      labelModelVersion: doc.labelModelVersion,
      labelVia: doc.labelVia,
    };
    if (doc.byAnnotator) before.mine = doc.byAnnotator[meta.who]?.labels ?? [];
    const patch: Partial<DocRow> = {
      ...labelPatch(labels, meta, schema),
      labelVia: action === 'correct' && meta.source === 'human' ? 'correct' : undefined,
    };
    // A model's label is never gold (db/gold.ts): a gold document that takes one leaves the set.
    if (meta.source !== 'human' && doc.gold === 1) patch.gold = undefined;
    await strictDb.events.add(makeEvent(projectId, doc, patch.labels ?? [], meta, action));
    await strictDb.docs.update([projectId, docId], await withConsensus(projectId, docId, patch, schema));
    return { projectId, docId, before };
  });
}

/**
 * A skip: the document is set aside (out of the queues until restored, so it does not come back first
 * after a reload) and the skip recorded in the history and the journal (the label stays as it was).
 */
export async function recordSkip(projectId: string, doc: DocRow, meta: LabelMeta, reason = ''): Promise<void> {
  await strictDb.transaction('rw', strictDb.docs, strictDb.events, async () => {
    await strictDb.docs.update([projectId, doc.id], { ignored: { reason, who: meta.who, at: meta.at } });
    await strictDb.events.add(flagEvent(projectId, doc, 'skip', meta.who, meta.at, reason));
  });
}

/**
 * Undo: the document's labels as they were before, recorded as an 'undo' event. The event restores
 * the undoer's own labels (another annotator's stay theirs); `schema` orders the final labels of a
 * document several people labeled.
 */
export async function undoLabels(u: Undo, who: string, schema: readonly string[]): Promise<void> {
  await strictDb.transaction('rw', strictDb.docs, strictDb.events, async () => {
    const doc = await strictDb.docs.get([u.projectId, u.docId]);
    if (!doc) return;
    const at = new Date().toISOString();
    const meta = {
      source: u.before.source ?? 'human',
      who,
      at,
      ...(u.before.labelModelVersion ? { modelVersion: u.before.labelModelVersion } : {}),
    };
    await strictDb.events.add(makeEvent(u.projectId, doc, u.before.mine ?? u.before.labels, meta, 'undo'));
    const patch: Partial<DocRow> = {
      labels: u.before.labels,
      isLabeled: u.before.isLabeled,
      source: u.before.source,
      who: u.before.who,
      at: u.before.at,
      labelModelVersion: u.before.labelModelVersion,
      labelVia: u.before.labelVia,
    };
    await strictDb.docs.update([u.projectId, u.docId], await withConsensus(u.projectId, u.docId, patch, schema));
  });
}

/** Accepts every pending pre-label with confidence ≥ threshold, in one strict transaction (documents set aside stay so). */
export async function bulkAccept(
  projectId: string,
  threshold: number,
  who: string,
  schema: readonly string[],
): Promise<number> {
  return strictDb.transaction('rw', strictDb.docs, strictDb.events, async () => {
    const docs = await strictDb.docs
      .where('[projectId+isLabeled+confidence]')
      .between([projectId, 0, threshold], [projectId, 0, maxKey], true, true)
      .filter((d) => (d.suggestion?.length ?? 0) > 0 && !d.ignored)
      .toArray();
    const at = new Date().toISOString();
    const events: EventRow[] = [];
    for (const d of docs) {
      const meta: LabelMeta = { source: 'teacher', who, at, modelVersion: d.modelVersion };
      const patch = labelPatch(d.suggestion ?? [], meta, schema);
      // An accepted pre-label is the model's guess: never gold (gold is drawn from people's labels only).
      // Unlabeled, so nobody's label stands on it: the accepting person's is the only one.
      Object.assign(
        d,
        patch,
        { labelVia: undefined, gold: d.gold === 1 ? undefined : d.gold },
        soleAnnotator(who, patch.labels ?? [], 'teacher', at),
      );
      events.push(makeEvent(projectId, d, patch.labels ?? [], meta, 'accept'));
    }
    await strictDb.docs.bulkPut(docs);
    await strictDb.events.bulkAdd(events);
    return docs.length;
  });
}

// ---------------------------------------------------------------------------------------------
// Gold set and documents set aside (issue 12)

/**
 * Grows the project's gold set by the documents the draw adds now (db/gold.ts); returns how many.
 * With `keepForTraining`, draws nothing while that would leave fewer human labels to train on.
 * Each document drawn is journaled ('gold' by GOLD_DRAW_WHO), so a rebuild from the journal gets the
 * same set back and never draws it anew.
 */
export async function updateGoldSet(
  p: Pick<ProjectRow, 'id' | 'goldFraction' | 'goldCap'>,
  keepForTraining = 0,
): Promise<number> {
  return strictDb.transaction('rw', strictDb.docs, strictDb.events, async () => {
    const labeled = await strictDb.docs.where('[projectId+isLabeled]').equals([p.id, 1]).toArray();
    const add = goldAdditions(
      labeled,
      { fraction: p.goldFraction ?? GOLD_DEFAULTS.fraction, cap: p.goldCap ?? GOLD_DEFAULTS.cap },
      p.id,
    );
    const trainable = labeled.filter((d) => isHumanLabeled(d) && !inGold(d)).length - add.length;
    if (trainable < keepForTraining || !add.length) return 0;
    const byId = new Map(labeled.map((d) => [d.id, d]));
    const at = new Date().toISOString();
    await strictDb.docs.bulkUpdate(
      add.map((id) => ({ key: [p.id, id] as [string, string], changes: { gold: 1 as const } })),
    );
    await strictDb.events.bulkAdd(add.map((id) => flagEvent(p.id, byId.get(id)!, 'gold', GOLD_DRAW_WHO, at)));
    return add.length;
  });
}

/** The project's gold documents (flagged and still carrying a person's label). */
export async function goldDocs(projectId: string): Promise<DocRow[]> {
  const rows = await strictDb.docs.where('[projectId+gold]').equals([projectId, 1]).toArray();
  return rows.filter(inGold);
}

/**
 * A person puts a document in the gold set or takes it out (then it is never drawn again). Only a
 * person's label can be gold. Journaled ('gold' / 'ungold'); the caller flushes the journal.
 */
export async function setGold(projectId: string, docId: string, on: boolean, who: string): Promise<void> {
  await strictDb.transaction('rw', strictDb.docs, strictDb.events, async () => {
    const doc = await strictDb.docs.get([projectId, docId]);
    if (!doc) throw new Error(`document ${docId} is not in the database`);
    if (on && !isHumanLabeled(doc))
      throw new Error(
        `document ${docId}: only a person's label can be gold (this one is ${doc.labels.length ? `from ${doc.source}` : 'unlabeled'})`,
      );
    await strictDb.docs.update([projectId, docId], { gold: on ? 1 : 0 });
    await strictDb.events.add(flagEvent(projectId, doc, on ? 'gold' : 'ungold', who, new Date().toISOString()));
  });
}

/**
 * Sets a document aside (out of the queues, with an optional reason) or restores it (reason null).
 * Journaled ('skip' with the reason / 'unskip'); the caller flushes the journal.
 */
export async function setIgnored(projectId: string, docId: string, reason: string | null, who: string): Promise<void> {
  await strictDb.transaction('rw', strictDb.docs, strictDb.events, async () => {
    const doc = await strictDb.docs.get([projectId, docId]);
    if (!doc) throw new Error(`document ${docId} is not in the database`);
    const at = new Date().toISOString();
    await strictDb.docs.update([projectId, docId], {
      ignored: reason === null ? undefined : { reason: reason.trim(), who, at },
    });
    await strictDb.events.add(flagEvent(projectId, doc, reason === null ? 'unskip' : 'skip', who, at, reason?.trim()));
  });
}

export async function history(projectId: string, docId: string): Promise<EventRow[]> {
  return strictDb.events.where('[projectId+docId]').equals([projectId, docId]).sortBy('seq');
}

const flushing = new Map<string, Promise<unknown>>();

/** Runs `fn` after the project's earlier journal work (flushes, automatic backups), one at a time. */
export function withJournalLock<T>(projectId: string, fn: () => Promise<T>): Promise<T> {
  const prev = flushing.get(projectId) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(fn);
  flushing.set(projectId, next);
  return next;
}

/** The flush itself; only inside withJournalLock. */
async function flushPending(api: DistilleryApi, projectId: string): Promise<number> {
  const pending = await strictDb.events.where('[projectId+journaled]').equals([projectId, 0]).sortBy('seq');
  if (!pending.length) return 0;
  await api.journal.append(projectId, pending.map(journalEvent));
  await strictDb.events.bulkUpdate(pending.map((e) => ({ key: e.seq!, changes: { journaled: 1 as const } })));
  return pending.length;
}

/**
 * Sends the project's not-yet-journaled events to journal.append (flushed by the backend before it
 * resolves) and marks them journaled. Calls are serialised per project; a failure leaves the
 * events pending for the next flush.
 */
export function flushJournal(api: DistilleryApi, projectId: string): Promise<number> {
  return withJournalLock(projectId, () => flushPending(api, projectId));
}

/**
 * An automatic backup: the project's rows as the manual backup writes them (backupProject), saved
 * by the backend in the project folder. Pending journal events are flushed first and no other
 * flush runs until the backend has recorded the journal's length, so that the backup plus the
 * journal from that length on is every label (what restoreAutoBackup relies on).
 */
export function saveAutoBackup(api: DistilleryApi, projectId: string, reason: BackupReason): Promise<BackupInfo> {
  return withJournalLock(projectId, async () => {
    await flushPending(api, projectId);
    const { total, labeled } = await countDocs(projectId);
    const text = await (await exportInWorker(projectId)).text();
    return api.backups.save(projectId, text, { reason, docs: total, labeled });
  });
}

export async function pendingJournal(projectId: string): Promise<number> {
  return strictDb.events.where('[projectId+journaled]').equals([projectId, 0]).count();
}

// ---------------------------------------------------------------------------------------------
// Model scores

/** Writes a model's probabilities, suggestions and queue priorities onto the documents. */
export async function applyScores(
  p: ProjectRow,
  scores: Record<string, number[]>,
  modelVersion: string,
): Promise<number> {
  const labels = p.labels.map((l) => l.name);
  // In chunks with a turn for the page between them: a million scores must not freeze the UI.
  return writeInChunks(Object.entries(scores), SCORE_CHUNK, (part) =>
    bulkDb.docs.bulkUpdate(
      part.map(([id, probs]) => ({
        key: [p.id, id] as [string, string],
        changes: scorePatch(id, probs, labels, p.task, modelVersion, p.strategy),
      })),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Replica of the shared journal (issue 10; state/sync.ts pulls, this applies)

/**
 * Applies a page of journal.since: events this replica lacks are added (an event is known by its id;
 * one from an old journal without id, by its journal seq), events it made itself are marked with
 * their journal seq and as journaled, and every document touched gets its consensus and final labels
 * from all its events in journal order. Documents the database lacks are created from the events'
 * text. The project's `syncedSeq` moves to the page's last event, in the same transaction.
 */
export async function applyReplicated(
  p: Pick<ProjectRow, 'id' | 'task' | 'labels' | 'strategy'>,
  page: readonly JournaledEvent[],
): Promise<{ added: number; created: number }> {
  if (!page.length) return { added: 0, created: 0 };
  const schema = p.labels.map((l) => l.name);
  return strictDb.transaction('rw', strictDb.docs, strictDb.events, strictDb.projects, async () => {
    const fresh = new Map<string, LabelEvent[]>();
    const touched = new Set<string>();
    let added = 0;
    for (const e of page) {
      const known =
        e.id !== undefined
          ? await strictDb.events.where('[projectId+id]').equals([p.id, e.id]).first()
          : await strictDb.events.where('[projectId+journalSeq]').equals([p.id, e.seq]).first();
      if (known) {
        if (known.journalSeq !== e.seq || !known.journaled) {
          await strictDb.events.update(known.seq!, { journalSeq: e.seq, journaled: 1 });
          touched.add(e.docId);
        }
        continue;
      }
      const { seq: journalSeq, ...event } = e;
      await strictDb.events.add({ ...toLabelEvent(event), projectId: p.id, journaled: 1, journalSeq });
      added++;
      touched.add(e.docId);
      const list = fresh.get(e.docId);
      if (list) list.push(e);
      else fresh.set(e.docId, [e]);
    }
    let created = 0;
    for (const docId of touched) {
      const rows = journalOrder(await strictDb.events.where('[projectId+docId]').equals([p.id, docId]).toArray());
      const patch = replicatedPatch(rows, fresh.get(docId) ?? [], schema);
      const doc = await strictDb.docs.get([p.id, docId]);
      if (doc) {
        await strictDb.docs.update([p.id, docId], patch);
        continue;
      }
      const text = rows.find((r) => r.text !== undefined)?.text;
      await strictDb.docs.add({
        projectId: p.id,
        id: docId,
        text: text ?? '',
        labels: [],
        isLabeled: 0,
        queueScore: queueScore(p.strategy, docId, undefined, p.task as TaskType),
        ...patch,
        ...(text === undefined ? { missingText: 1 as const } : {}),
      } as DocRow);
      created++;
    }
    const last = page[page.length - 1].seq;
    const row = await strictDb.projects.get(p.id);
    if (row && (row.syncedSeq ?? 0) < last) await strictDb.projects.update(p.id, { syncedSeq: last });
    return { added, created };
  });
}

// ---------------------------------------------------------------------------------------------
// Rebuild from the journal

/**
 * Restores labels (and the texts the journal carries) after the database was wiped or damaged:
 * documents still present get their labels back; missing ones are re-created from the journal's text.
 */
export async function rebuildFromJournal(
  p: Pick<ProjectRow, 'id' | 'task' | 'labels' | 'strategy'>,
  events: LabelEvent[],
): Promise<{ restored: number; created: number }> {
  const r = await applyJournal(p, events, true);
  await noteSynced(p.id, events.length);
  return r;
}

/**
 * After a rebuild or restore from journal.read (which gives no seqs): the replica holds the journal's
 * first `n` events. Readable events are numbered 1, 2, … unless a repair set one aside, so the
 * journal's seq of the n-th is at least n: pulling from n may bring back a few it has, which it
 * recognises by id.
 */
async function noteSynced(projectId: string, n: number): Promise<void> {
  await strictDb.projects.update(projectId, { syncedSeq: n });
}

/**
 * Replays journal events on top of what the database holds (after a backup was restored: the events
 * journaled since it was made). Their documents get the journal's labels; the events join the history.
 */
export async function replayJournalTail(
  p: Pick<ProjectRow, 'id' | 'task' | 'labels' | 'strategy'>,
  events: LabelEvent[],
): Promise<{ restored: number; created: number }> {
  return applyJournal(p, events, false);
}

async function applyJournal(
  p: Pick<ProjectRow, 'id' | 'task' | 'labels' | 'strategy'>,
  events: LabelEvent[],
  replaceHistory: boolean,
): Promise<{ restored: number; created: number }> {
  const folded = foldJournal(events);
  const schema = p.labels.map((l) => l.name);
  let restored = 0;
  let created = 0;
  await strictDb.transaction('rw', strictDb.docs, strictDb.events, async () => {
    for (const f of folded.values()) {
      const doc = await strictDb.docs.get([p.id, f.docId]);
      const patch: Partial<DocRow> = labelPatch(
        f.labels,
        { source: f.source ?? 'human', who: f.who, at: f.at, modelVersion: f.modelVersion },
        schema,
      );
      // The flags the journal recorded (null: cleared); those it says nothing about stay as they are.
      if (f.gold !== undefined) patch.gold = f.gold ?? undefined;
      if (f.ignored !== undefined) patch.ignored = f.ignored ?? undefined;
      if (doc) {
        await strictDb.docs.update([p.id, f.docId], patch);
      } else {
        const row: DocRow = {
          projectId: p.id,
          id: f.docId,
          text: f.text ?? '',
          labels: [],
          isLabeled: 0,
          queueScore: queueScore(p.strategy, f.docId, undefined, p.task as TaskType),
          ...patch,
          ...(f.text === undefined ? { missingText: 1 as const } : {}),
        };
        await strictDb.docs.add(row);
        created++;
      }
      if (f.labels.length) restored++;
    }
    if (replaceHistory) await strictDb.events.where('projectId').equals(p.id).delete();
    await strictDb.events.bulkAdd(
      events.map((e) => ({ ...e, projectId: p.id, journaled: 1 as const, labels: [...e.labels] })),
    );
    // Each annotator's labels, and the final labels where several people labeled a document.
    for (const docId of folded.keys()) {
      const c = docConsensus(
        journalOrder(await strictDb.events.where('[projectId+docId]').equals([p.id, docId]).toArray()),
        schema,
      );
      await strictDb.docs.update([p.id, docId], c.shared ? { ...c.final, ...c.consensus } : c.consensus);
    }
  });
  return { restored, created };
}

// ---------------------------------------------------------------------------------------------
// Jobs

export async function saveJob(j: JobRow): Promise<void> {
  await strictDb.jobs.put(j);
}

export async function updateJob(id: string, changes: Partial<JobRow>): Promise<void> {
  await strictDb.jobs.update(id, changes);
}

export async function getJob(id: string): Promise<JobRow | undefined> {
  return strictDb.jobs.get(id);
}

export async function jobsOf(projectId: string): Promise<JobRow[]> {
  const rows = await strictDb.jobs.where('projectId').equals(projectId).toArray();
  return rows.sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
}

export async function activeJobs(): Promise<JobRow[]> {
  return strictDb.jobs
    .filter((j) => j.state === 'queued' || j.state === 'running' || (j.state === 'done' && !j.applied))
    .toArray();
}

// ---------------------------------------------------------------------------------------------
// Backup and restore (dexie-export-import)

/** One project's rows as a dexie-export-import JSON blob. */
export async function backupProject(projectId: string): Promise<Blob> {
  return exportProject(strictDb, projectId);
}

/**
 * The same export in a dedicated worker (db/backup-worker.ts), off the page's thread; on the page
 * where workers are not available or the worker fails.
 */
export async function exportInWorker(projectId: string): Promise<Blob> {
  let worker: Worker;
  try {
    worker = new Worker(new URL('./backup-worker.ts', import.meta.url), { type: 'module' });
  } catch (e) {
    console.warn('backup worker unavailable; exporting on the page', e);
    return backupProject(projectId);
  }
  try {
    return await new Promise<Blob>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<{ ok: true; blob: Blob } | { ok: false; error: string }>) =>
        e.data.ok ? resolve(e.data.blob) : reject(new Error(e.data.error));
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new Error(e.message || 'the backup worker failed to start'));
      };
      worker.postMessage({ projectId });
    });
  } catch (e) {
    console.warn('backup worker failed; exporting on the page', e);
    return backupProject(projectId);
  } finally {
    worker.terminate();
  }
}

/** Checks that a file is a backup of this database (before anything is cleared). */
export async function checkBackup(blob: Blob): Promise<void> {
  let meta: Awaited<ReturnType<typeof peakImportFile>>;
  try {
    meta = await peakImportFile(blob);
  } catch (e) {
    throw new Error(`not a Distillery backup: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (meta.formatName !== 'dexie' || meta.data.databaseName !== strictDb.name)
    throw new Error(`not a Distillery backup (database "${meta.data.databaseName}")`);
}

/** Restores a backup: rows are put over the current ones (other projects untouched). */
export async function restoreBackup(blob: Blob): Promise<void> {
  await importInto(strictDb, blob, {
    overwriteValues: true,
    acceptVersionDiff: true,
    acceptMissingTables: true,
    chunkSizeBytes: 4 * 1024 * 1024,
  });
}

/** Deletes a project's local rows (documents, events, jobs) — used before restoring a backup over it. */
export async function clearProjectRows(projectId: string): Promise<void> {
  await strictDb.transaction('rw', strictDb.docs, strictDb.events, strictDb.jobs, async () => {
    await strictDb.docs.where('projectId').equals(projectId).delete();
    await strictDb.events.where('projectId').equals(projectId).delete();
    await strictDb.jobs.where('projectId').equals(projectId).delete();
  });
}

/**
 * Restores an automatic backup (saveAutoBackup) over the project's rows, then replays the journal
 * events written since it was made: the labels of the backup's moment plus every later one. The
 * backup and the journal are read before anything is cleared.
 */
export async function restoreAutoBackup(
  api: DistilleryApi,
  p: Pick<ProjectRow, 'id' | 'task' | 'labels' | 'strategy'>,
  b: Pick<BackupInfo, 'name' | 'journalEvents'>,
): Promise<{ restored: number; created: number; replayed: number }> {
  const blob = new Blob([await api.backups.read(p.id, b.name)], { type: 'application/json' });
  await checkBackup(blob);
  const events = await api.journal.read(p.id);
  await clearProjectRows(p.id);
  await restoreBackup(blob);
  const tail = events.slice(Math.max(0, b.journalEvents));
  const r = tail.length ? await replayJournalTail(p, tail) : { restored: 0, created: 0 };
  await noteSynced(p.id, events.length);
  return { ...r, replayed: tail.length };
}

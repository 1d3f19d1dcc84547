/**
 * The project database (IndexedDB through Dexie): the source of truth for documents, labels,
 * provenance, queue order and history.
 *
 * Two connections to the same database differ only in transaction durability: `strictDb`
 * (`chromeTransactionDurability: 'strict'`: a transaction completes only once it is on disk) for
 * every label write, `bulkDb` ('relaxed') for imports in chunks and model scores, which can be
 * redone.
 */
import Dexie, { type Table } from 'dexie';
import type { DocRow, EventRow, ImportRow, JobRow, ProjectRow } from './types';

export const DB_NAME = 'distillery';

export class DistilleryDB extends Dexie {
  projects!: Table<ProjectRow, string>;
  docs!: Table<DocRow, [string, string]>;
  events!: Table<EventRow, number>;
  jobs!: Table<JobRow, string>;
  imports!: Table<ImportRow, string>;

  constructor(durability: 'strict' | 'relaxed', name = DB_NAME) {
    super(name, { chromeTransactionDurability: durability });
    this.version(1).stores({
      projects: 'id',
      docs: '[projectId+id], projectId, [projectId+isLabeled], [projectId+isLabeled+queueScore], [projectId+isLabeled+confidence], importId',
      events: '++seq, [projectId+docId], [projectId+journaled], projectId',
      jobs: 'id, projectId',
      imports: 'id, projectId, state',
    });
    // 2 (issue 12): documents may carry `gold` (the fixed gold set), `ignored` and `labelVia`. The new
    // index finds a project's gold set without reading every document; rows written by version 1 have
    // no `gold` (= not in the set), which is what they should mean, so the upgrade rewrites nothing.
    this.version(2).stores({
      docs: '[projectId+id], projectId, [projectId+isLabeled], [projectId+isLabeled+queueScore], [projectId+isLabeled+confidence], importId, [projectId+gold]',
    });
    // 3 (issue 10): a replica finds an event it already has by its id, or (events of old journals,
    // without id) by the journal's seq. Older rows lack both and are simply not in these indexes.
    this.version(3).stores({
      events: '++seq, [projectId+docId], [projectId+journaled], projectId, [projectId+id], [projectId+journalSeq]',
    });
  }
}

export const strictDb = new DistilleryDB('strict');
export const bulkDb = new DistilleryDB('relaxed');

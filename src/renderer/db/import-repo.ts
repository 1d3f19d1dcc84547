/** Imports, all or nothing: written in chunks, rolled back on error or when left pending. */
import { chunks, IMPORT_CHUNK, importEvents, type ImportPlan } from './logic';
import { soleAnnotator } from './labels-repo';
import { bulkDb, strictDb } from './schema';
import type { ImportRow } from './types';

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

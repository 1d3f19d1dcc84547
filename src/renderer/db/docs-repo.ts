/** Reading documents: counts, progress, import planning keys and the annotate / review queues. */
import Dexie from 'dexie';
import { countProgress, dedupeKey, type LabelProgress } from './logic';
import { bulkDb, strictDb } from './schema';
import type { DocRow } from './types';

const { minKey, maxKey } = Dexie;

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

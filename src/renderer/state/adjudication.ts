/** What the Adjudicate view reads (live) and writes: the project's documents and a reviewer's decisions. */
import { liveQuery, type Subscription } from 'dexie';
import { adjudicate } from '../db/adjudicate';
import { allDocs } from '../db/docs-repo';
import type { DocRow } from '../db/types';

/** The project's documents, again whenever any of them changes (labels from Annotate or other annotators). */
export function watchProjectDocs(
  projectId: string,
  next: (rows: DocRow[]) => void,
  error: (e: unknown) => void,
): Subscription {
  return liveQuery(() => allDocs(projectId)).subscribe({ next, error });
}

/** The reviewer's final labels for a document (labels [] withdraw the decision); db/adjudicate.ts. */
export function decideDoc(
  projectId: string,
  docId: string,
  labels: readonly string[],
  who: string,
  schema: readonly string[],
): Promise<DocRow> {
  return adjudicate(projectId, docId, labels, who, schema);
}

/**
 * What the Corpus and Export views read and write of a project's documents, named for what the view
 * does. Views reach the database only through state/ and composables/ (eslint.config.js).
 */
import { allDocs, countDocs, getDoc } from '../db/docs-repo';
import { inGold } from '../db/gold';
import { setGold } from '../db/gold-repo';
import { history, setIgnored, writeLabels, type Undo } from '../db/labels-repo';
import type { DocRow, EventRow, ProjectRow } from '../db/types';

/** Every document of the project (IndexedDB order: ids as strings). */
export function projectDocs(projectId: string): Promise<DocRow[]> {
  return allDocs(projectId);
}

export async function corpusSize(projectId: string): Promise<number> {
  return (await countDocs(projectId)).total;
}

/** One document as stored now (after a change). */
export function rereadDoc(projectId: string, docId: string): Promise<DocRow | undefined> {
  return getDoc(projectId, docId);
}

/** The document's label events, oldest first. */
export function docHistory(projectId: string, docId: string): Promise<EventRow[]> {
  return history(projectId, docId);
}

/** Puts the document in the gold set or takes it out (journaled; the caller syncs the journal). */
export function toggleDocGold(projectId: string, d: DocRow, who: string): Promise<void> {
  return setGold(projectId, d.id, !inGold(d), who);
}

/** Sets the document aside with a reason, or restores one set aside (journaled). */
export function toggleDocSetAside(projectId: string, d: DocRow, reason: string, who: string): Promise<void> {
  return setIgnored(projectId, d.id, d.ignored ? null : reason, who);
}

/** A person's labels for the document: 'label' if it had none, else 'correct'. */
export function saveDocLabels(proj: ProjectRow, d: DocRow, labels: string[], who: string): Promise<Undo> {
  return writeLabels(
    proj.id,
    d.id,
    labels,
    { source: 'human', who, at: new Date().toISOString() },
    d.labels.length ? 'correct' : 'label',
    proj.labels.map((l) => l.name),
  );
}

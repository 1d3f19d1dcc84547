/** A model's scores written onto the documents (through `bulkDb`, in chunks). */
import { SCORE_CHUNK, scorePatch, writeInChunks } from './logic';
import { bulkDb } from './schema';
import type { ProjectRow } from './types';

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

/**
 * What a 'simulate' job is sent (pure): the project's HUMAN labels only — a person's label, typed,
 * corrected or imported (db/gold.ts isHumanLabeled). Accepted pre-labels and rule labels are a
 * model's or a rule's guesses; replaying active learning on them would grade the simulated models
 * against their own kind of guess. Gold-set documents stay in: the simulator draws its own test
 * split per run and keeps no model.
 */
import type { JobRequest } from '../../shared/api';
import { isHumanLabeled } from '../db/gold';
import type { DocRow } from '../db/types';

export function simulationDocs(
  docs: readonly Pick<DocRow, 'id' | 'text' | 'labels' | 'source'>[],
): JobRequest['docs']['labeled'] {
  return docs.filter(isHumanLabeled).map((d) => ({ id: d.id, text: d.text, labels: [...d.labels] }));
}

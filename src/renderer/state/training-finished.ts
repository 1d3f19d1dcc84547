/**
 * Who is told that a training (teacher, distillation) finished: jobs.ts tells, the live loop
 * (live-loop.ts) listens and lets the best model on the gold set re-order the queue. Its own module so
 * that jobs.ts and live-loop.ts (which starts jobs) need not import each other.
 */
type TrainingFinishedListener = (projectId: string) => void;

const listeners: TrainingFinishedListener[] = [];

export function onTrainingFinished(listener: TrainingFinishedListener): void {
  listeners.push(listener);
}

export function noteTrainingFinished(projectId: string): void {
  for (const listener of listeners) listener(projectId);
}

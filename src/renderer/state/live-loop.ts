/**
 * The live loop in the app: after each label, starts the worker's live-loop job ('fast-prelabel':
 * naive Bayes retrained, then it, the latest student and the teacher scored on the gold set) when
 * `retrainDue` says so, and after a training run finishes, so that a new model is compared at once.
 * The job runs in the worker while labeling goes on; when it finishes the chosen model's scores
 * re-order the queue (state/jobs.ts) and the document on screen stays (useLabeling).
 */
import { retrainDue, liveLoopOf } from '../queue/live-loop';
import { errorText, i18n } from '../i18n';
import { state, toast } from './app';
import { jobsState, startJob } from './jobs';
import { onTrainingFinished } from './training-finished';

/** Human-label count at the last automatic start per project, so a failed start is not retried on every label. */
const attempted = new Map<string, number>();

function fastJobActive(projectId: string): boolean {
  return Object.values(jobsState.byId).some(
    (j) => j.projectId === projectId && j.kind === 'fast-prelabel' && (j.state === 'queued' || j.state === 'running'),
  );
}

/** Called after every label write with the project's current number of human labels. */
export async function maybeRetrain(projectId: string, humanLabels: number): Promise<void> {
  const p = state.projects.find((x) => x.id === projectId);
  if (!p) return;
  const since = Math.max(p.queueModel?.labels ?? 0, attempted.get(projectId) ?? 0);
  if (!retrainDue(liveLoopOf(p), humanLabels, since, fastJobActive(projectId))) return;
  attempted.set(projectId, humanLabels);
  await start(projectId);
}

/** A student or teacher finished training: compare it with naive Bayes on the gold set now, not N labels later. */
export async function afterTraining(projectId: string): Promise<void> {
  const p = state.projects.find((x) => x.id === projectId);
  if (!p || !liveLoopOf(p).enabled || fastJobActive(projectId)) return;
  await start(projectId);
}

async function start(projectId: string): Promise<void> {
  const p = state.projects.find((x) => x.id === projectId);
  if (!p) return;
  try {
    await startJob(p, 'fast-prelabel', {});
  } catch (e) {
    // E.g. every label so far is the same one: say why, and try again after N more labels.
    toast('info', i18n.global.t('annotate.liveLoopFailed', { message: errorText(e) }));
  }
}

// A finished teacher training or distillation lets the live loop re-choose the queue's model.
onTrainingFinished((projectId) => void afterTraining(projectId));

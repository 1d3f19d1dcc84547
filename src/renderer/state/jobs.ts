/**
 * Training / distillation / scoring jobs: started from the database's labels, followed through the
 * API's event stream (with polling as a fallback), recorded in Dexie, and their scores written back
 * onto the documents when they finish.
 */
import { reactive } from 'vue';
import type { JobKind, JobRequest, JobStatus } from '../../shared/api';
import type { JobOptionsOf } from '../../shared/job-options';
import { DistilleryError, fromWire } from '../../shared/errors';
import { api } from '../api';
import { DEFAULT_SOURCE_ALPHA, DEFAULT_SOURCE_WEIGHTS } from '../../shared/source-weights';
import { inGold, isHumanLabeled, testSetSummary } from '../db/gold';
import { trainingRows } from '../db/training-rows';
import { allDocs } from '../db/docs-repo';
import { updateGoldSet } from '../db/gold-repo';
import { activeJobs, getJob, jobsOf, saveJob, updateJob } from '../db/jobs-repo';
import { applyScores } from '../db/scores-repo';
import type { JobRow, ProjectRow } from '../db/types';
import { i18n, errorText } from '../i18n';
import { state, toast, patchLocalProject, refreshStats, syncJournal } from './app';
import { simulationDocs } from './simulate-request';
import { teacherOfRun, teacherRecordName } from './teacher-kind';
import { noteTrainingFinished } from './training-finished';
import { savedTextOptions } from './text-options';
import { MIN_LABELED } from '../../shared/worker-protocol';
import { queueModelOfChoice } from '../queue/live-loop';

export const jobsState = reactive({
  byId: {} as Record<string, JobRow>,
  /** Runs of the project on screen, newest first. */
  runs: [] as JobRow[],
  runsProject: '',
});

const MAX_CURVE = 2000;
const finishing = new Set<string>();
let tracking = false;
let pollTimer: ReturnType<typeof setInterval> | undefined;
const lastSaved = new Map<string, number>();

function isActive(j: JobRow): boolean {
  return j.state === 'queued' || j.state === 'running';
}

function plain<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

export async function loadRuns(projectId: string): Promise<void> {
  const rows = await jobsOf(projectId);
  for (const r of rows) if (!jobsState.byId[r.id]) jobsState.byId[r.id] = r;
  jobsState.runsProject = projectId;
  jobsState.runs = rows.map((r) => jobsState.byId[r.id] ?? r);
}

function upsertRun(j: JobRow): void {
  if (jobsState.runsProject !== j.projectId) return;
  const i = jobsState.runs.findIndex((r) => r.id === j.id);
  if (i >= 0) jobsState.runs[i] = j;
  else jobsState.runs.unshift(j);
}

/** Merges a status update into the job's row; terminal states finish the job. */
export async function onStatus(s: JobStatus): Promise<void> {
  let row = jobsState.byId[s.id];
  if (!row) {
    const stored = await getJob(s.id);
    if (!stored) return; // another window's or another project's job
    row = jobsState.byId[s.id] = stored;
  }
  row.state = s.state;
  if (s.progress) {
    row.progress = s.progress;
    const m = s.progress.metrics;
    if (m && Object.keys(m).length) {
      const last = row.curve[row.curve.length - 1];
      const key = `${s.progress.phase}:${s.progress.done}`;
      if (last && last.key === key) Object.assign(last.metrics, m);
      else row.curve.push({ x: row.curve.length + 1, metrics: { ...m }, key });
      if (row.curve.length > MAX_CURVE) row.curve.splice(0, row.curve.length - MAX_CURVE);
    }
  }
  if (s.result) row.result = s.result;
  if (s.error) row.error = s.error;
  upsertRun(row);
  const terminal = !isActive(row);
  const now = Date.now();
  if (terminal || now - (lastSaved.get(row.id) ?? 0) > 1000) {
    lastSaved.set(row.id, now);
    if (terminal && !row.finishedAt) row.finishedAt = new Date().toISOString();
    await saveJob(plain(row));
  }
  if (terminal) await finish(row);
}

async function finish(row: JobRow): Promise<void> {
  if (finishing.has(row.id)) return;
  finishing.add(row.id);
  const t = i18n.global.t;
  try {
    if (row.state === 'done' && !row.applied) {
      const p = state.projects.find((x) => x.id === row.projectId);
      const version = row.result?.modelVersion ?? '';
      if (p && row.kind === 'fast-prelabel') {
        // The model the live loop chose on the gold set re-orders the queue (no scores: the documents already carry its).
        if (row.result?.scores) await applyScores(p, row.result.scores, version);
        await patchLocalProject(p.id, {
          queueModel: queueModelOfChoice(row.result?.queueChoice, version, row.labeledCount, new Date().toISOString()),
        });
        await refreshStats(p.id);
      } else if (p && row.kind !== 'distill' && row.result?.scores) {
        const n = await applyScores(p, row.result.scores, version);
        // A re-score keeps the teacher it re-scored with; a training run names the teacher it made.
        const kind =
          row.kind === 'score' ? (version === p.teacherVersion ? p.teacherKind : undefined) : teacherOfRun(row);
        await patchLocalProject(p.id, {
          teacherVersion: version,
          teacherKind: kind,
          queueModel: { kind: 'teacher', version, labels: row.labeledCount, at: new Date().toISOString() },
        });
        await refreshStats(p.id);
        toast('ok', t('train.applied', { n, version }));
        if (row.kind !== 'score') noteTrainingFinished(p.id);
      } else if (p && row.kind === 'distill') {
        await patchLocalProject(p.id, { studentVersion: version });
        toast('ok', t('train.doneMsg', { version }));
        noteTrainingFinished(p.id);
      } else if (row.kind === 'audit' && row.result?.audit) {
        toast('ok', t('adjudicate.auditDone', { n: row.result.audit.suspects.length, of: row.result.audit.n }));
      } else if (row.kind === 'simulate' && row.result?.simulation) {
        toast('ok', t('simulate.done', { n: row.result.simulation.docs }));
      } else if (row.kind === 'alpha-sweep' && row.result?.sweep) {
        const s = row.result.sweep;
        const best = s.points.find((x) => x.alpha === s.best);
        toast('ok', t('train.sweepDone', { alpha: s.best, value: best ? `${(100 * best.mean).toFixed(1)} %` : '–' }));
      }
      row.applied = true;
      // Scores are on the documents now; the job row keeps the rest of the result.
      if (row.result?.scores) row.result = { ...row.result, scores: undefined };
      await updateJob(
        row.id,
        plain({ applied: true, result: row.result, state: row.state, finishedAt: row.finishedAt }),
      );
    } else if (row.state === 'failed' && !row.applied) {
      toast('error', t('train.failed', { message: row.error ? errorText(fromWire(row.error)) : '?' }));
      row.applied = true;
      await updateJob(row.id, { applied: true });
    } else if (row.state === 'cancelled' && !row.applied) {
      toast('info', t('train.cancelled'));
      row.applied = true;
      await updateJob(row.id, { applied: true });
    }
  } catch (e) {
    toast('error', errorText(e));
  } finally {
    finishing.delete(row.id);
  }
}

async function poll(): Promise<void> {
  for (const j of Object.values(jobsState.byId)) {
    if (!isActive(j)) continue;
    try {
      await onStatus(await api.jobs.status(j.id));
    } catch (e) {
      // A job the backend no longer knows (it restarted) is failed, labels untouched.
      const msg = errorText(e);
      if (e instanceof DistilleryError && e.code === 'NOT_FOUND')
        await onStatus({
          id: j.id,
          kind: j.kind,
          state: 'failed',
          error: { name: 'Error', code: 'INTERNAL', message: msg, details: {} },
        });
    }
  }
}

export async function startTracking(): Promise<void> {
  if (tracking) return;
  tracking = true;
  api.jobs.subscribe((s) => void onStatus(s).catch((e) => console.error(e)));
  for (const j of await activeJobs()) {
    jobsState.byId[j.id] = j;
    if (j.state === 'done' && !j.applied) void finish(j);
  }
  pollTimer = setInterval(() => void poll(), 3000);
}

export function stopTracking(): void {
  if (pollTimer) clearInterval(pollTimer);
}

/** Builds the job request from the database and starts it; `left` = labeled documents a distill job had to leave out. */
export async function startJob<K extends JobKind>(
  p: ProjectRow,
  kind: K,
  jobOptions: JobOptionsOf<K>,
): Promise<JobRow & { left: number }> {
  // Widened here: the request is assembled field by field below and checked whole by the worker.
  let options = jobOptions as Record<string, unknown>;
  // New human labels join the gold set at its rate before a model that is graded on it trains
  // (db/gold.ts). The live loop grades its candidates on it too, but draws only while enough human
  // labels stay to train naive Bayes (its first retrain at 10 labels would otherwise keep 9).
  // The simulator draws its own test splits and keeps no model: it leaves the gold set alone.
  // The documents drawn are journaled (db/gold-repo.ts updateGoldSet): a rebuild gets the same set back.
  // The label audit trains no model that is graded: it draws nothing either.
  if (kind !== 'simulate' && kind !== 'audit' && (await updateGoldSet(p, kind === 'fast-prelabel' ? MIN_LABELED : 0)))
    void syncJournal(p.id);
  const docs = await allDocs(p.id);
  const labels = p.labels.map((l) => l.name);
  let labeled = trainingRows(docs);
  let left = 0;
  if (kind === 'fast-prelabel') {
    // The fast pre-labeler learns from people only (accepted pre-labels would teach it its own
    // guesses), and never from the gold set, which the worker leaves out by id.
    const human = docs.filter(isHumanLabeled);
    labeled = human.map((d) => ({ id: d.id, text: d.text, labels: d.labels }));
    // Candidates beside naive Bayes; `scoredBy`: the model whose scores the documents carry (not scored again if chosen).
    const candidates = [
      ...(p.studentVersion ? [{ kind: 'student', version: p.studentVersion }] : []),
      ...(p.teacherVersion ? [{ kind: 'teacher', version: p.teacherVersion }] : []),
    ];
    const scoredBy = p.queueModel?.version ?? p.teacherVersion;
    options = {
      ...options,
      // Naive Bayes reads text as the project's models do: the text options the Train view saved.
      ...savedTextOptions(p.id),
      goldIds: human.filter(inGold).map((d) => d.id),
      ...(candidates.length ? { candidates } : {}),
      ...(scoredBy ? { scoredBy } : {}),
    };
  } else if (kind === 'simulate') {
    labeled = simulationDocs(docs);
    // The simulated models read text as the project's do: the text options the Train view saved.
    options = { ...options, ...savedTextOptions(p.id) };
  } else if (kind !== 'train-bert-teacher' && kind !== 'score' && kind !== 'audit') {
    // Student trainings weight each label by its source; the run records the weights with its options.
    options = { ...options, sourceWeights: { ...DEFAULT_SOURCE_WEIGHTS, ...p.sourceWeights } };
    // Distillations: accepted pre-labels train on the teacher's soft target only (α 1 per source; the run records it).
    if (kind === 'distill' || kind === 'alpha-sweep')
      options = { ...options, sourceAlpha: { ...DEFAULT_SOURCE_ALPHA, ...p.sourceAlpha } };
  }
  const req: JobRequest = { kind, projectId: p.id, task: p.task, labels, docs: { labeled }, options };
  if (kind === 'fast-prelabel') {
    req.docs.toScore = docs.filter((d) => !d.labels.length).map((d) => ({ id: d.id, text: d.text }));
  } else if (kind === 'train-student' || kind === 'train-bert-teacher' || kind === 'score') {
    // Every document is scored: pre-labels for the unlabeled, soft labels for distillation on all.
    req.docs.toScore = docs.map((d) => ({ id: d.id, text: d.text }));
    if (kind === 'score') req.modelVersion = p.teacherVersion;
  } else if (kind === 'distill' || kind === 'alpha-sweep') {
    const byId: Record<string, number[]> = {};
    for (const d of docs) if (d.probs && d.modelVersion === p.teacherVersion) byId[d.id] = d.probs;
    // Documents labeled after the teacher scored the corpus have no soft labels yet (re-score to include them).
    const before = labeled.length;
    labeled = labeled.filter((d) => byId[d.id] !== undefined);
    left = before - labeled.length;
    req.docs.labeled = labeled;
    req.teacher = {
      kind: 'probs',
      byId,
      name: p.teacherVersion ? teacherRecordName(p.teacherKind, p.teacherVersion) : 'teacher',
    };
    req.modelVersion = p.teacherVersion;
    // The unlabeled documents: data distillation learns from them, self-training pseudo-labels them.
    if (options.useUnlabeled || Number(options.selfTrain) > 0)
      req.docs.toScore = docs.filter((d) => !d.labels.length).map((d) => ({ id: d.id, text: d.text }));
  }
  const { id } = await api.jobs.start(req);
  const byId = new Map(docs.map((d) => [d.id, d]));
  const gold = labeled.filter((d) => d.gold).map((d) => byId.get(d.id)!);
  const testSet =
    gold.length && kind !== 'train-bert-teacher' && kind !== 'score' && kind !== 'simulate' && kind !== 'audit'
      ? { ...testSetSummary(gold), gold: true as const }
      : undefined;
  const row: JobRow = {
    id,
    projectId: p.id,
    kind,
    state: 'queued',
    options: plain(options),
    startedAt: new Date().toISOString(),
    curve: [],
    labeledCount: labeled.length,
    ...(testSet ? { testSet } : {}),
  };
  // The event may have beaten the reply: keep what it said.
  const early = jobsState.byId[id];
  const merged = early ? { ...row, ...early, options: row.options, projectId: p.id } : row;
  jobsState.byId[id] = merged;
  await saveJob(plain(merged));
  upsertRun(merged);
  return { ...merged, left };
}

export async function cancelJob(id: string): Promise<void> {
  await api.jobs.cancel(id);
}

/**
 * Issue #12's 10-class case through the app's job path (runJob: train-student teacher with the Train
 * view's teacher defaults, scoring every document, then distill with its student defaults): 3,000
 * synthetic Chinese reviews in 10 topics (labels '1'…'10'), 100 labeled. Prints each model's test
 * accuracy with n and the Wilson 95 % interval, and the teacher's agreement with the gold topic on
 * all 3,000. `string` as argument lists the project's labels in string order ('1', '10', '2', …).
 * Usage: npx tsx bench/ten-class-app-path.ts [string]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jobContext } from '../test/fixtures/job-context';
import { topicCorpus, TOPIC_LABELS } from '../test/fixtures/topic-corpus';
import type { Metrics } from '../src/shared/metrics';
import type { JobOptionsOf } from '../src/shared/job-options';
import { runJob } from '../src/worker/process/run-job';

const labels = process.argv[2] === 'string' ? [...TOPIC_LABELS].sort() : TOPIC_LABELS;
const docs = topicCorpus(3000, 7).map((d, i) => ({ id: `d${i}`, text: d.text, label: d.label }));
const labeled = docs.slice(0, 100).map((d) => ({ id: d.id, text: d.text, labels: [d.label] }));
const folder = mkdtempSync(path.join(os.tmpdir(), 'ten-class-'));
const { ctx } = jobContext(folder);
const show = (name: string, m: Metrics) =>
  console.log(`${name}: accuracy ${(100 * m.accuracy).toFixed(1)} % on n = ${m.n}, 95 % [${m.accuracy_ci.map((x) => (100 * x).toFixed(1)).join(', ')}]; macro-F1 ${(100 * m.macro_f1).toFixed(1)} % [${m.macro_f1_ci.map((x) => (100 * x).toFixed(1)).join(', ')}]`);
try {
  // TrainView's TEACHER_DEFAULTS and STUDENT_DEFAULTS.
  const teacherOpts: JobOptionsOf<'train-student'> = { model: 'bilstm', epochs: 10, batchSize: 16, learningRate: 0.003, patience: 3, maxLen: 64, tokens: 'char', hidden: 64, charts: false };
  const t = await runJob({ kind: 'train-student', projectId: 'p', task: 'multiclass', labels, docs: { labeled, toScore: docs.map((d) => ({ id: d.id, text: d.text })) }, options: teacherOpts }, ctx);
  show('teacher', t.metrics!);
  const agree = docs.filter((d) => {
    const p = t.scores![d.id];
    return labels[p.indexOf(Math.max(...p))] === d.label;
  }).length;
  console.log(`teacher vs the gold topic on all ${docs.length} documents: ${((100 * agree) / docs.length).toFixed(1)} %`);
  const studentOpts: JobOptionsOf<'distill'> = { model: 'textcnn', alpha: 0.5, temperature: 2, epochs: 10, batchSize: 16, patience: 3, useUnlabeled: false, maxLen: 64, tokens: 'char', charts: false };
  const s = await runJob({ kind: 'distill', projectId: 'p', task: 'multiclass', labels, docs: { labeled }, teacher: { kind: 'probs', byId: t.scores!, name: 'teacher' }, options: studentOpts }, ctx);
  show('distilled student', s.metrics!);
} finally {
  rmSync(folder, { recursive: true, force: true });
}

/**
 * Accuracy and macro-F1 of a teacher-outputs JSONL ({"id", "logits"|"probs"} per data row) on the test
 * rows of a seeded split — the rows `train --split-seed N` holds out — so an averaged teacher (e.g.
 * bench/average-teacher-outputs.mjs) can be compared with the models trained on that split.
 * Usage: npx tsx bench/score-teacher-outputs.ts DATA.csv SPLIT_SEED TEACHER.jsonl
 */
import { argmax, singleLabelMetrics } from '../src/shared/metrics';
import { readTeacherOutputs } from '../src/worker/jobs/teacher-outputs';
import { prepareData, TRAIN_DEFAULTS } from '../src/worker/jobs/train-job';

const [data, seed, file] = process.argv.slice(2);
const d = await prepareData({ ...TRAIN_DEFAULTS, data, seed: Number(seed), splitSeed: Number(seed) });
const labels = d.schema.labels;
const C = labels.length;
const t = await readTeacherOutputs(file, d.test, labels, false, d.test.length);
const yTrue = d.test.map((doc) => labels.indexOf(doc.labels[0]));
const yPred = d.test.map((_, i) => argmax(t.values.subarray(i * C, (i + 1) * C)));
const m = singleLabelMetrics(yTrue, yPred, labels);
console.log(JSON.stringify({ file, split_seed: Number(seed), test_rows: d.test.length, accuracy: m.accuracy, macro_f1: m.macro_f1 }));

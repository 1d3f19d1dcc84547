/**
 * Writes the test rows of a seeded split as CSV, so that `distillery eval` (or an ensemble:
 * several --model) scores exactly the rows `train --split-seed N` held out.
 * Usage: npx tsx bench/write-split.ts DATA.csv SPLIT_SEED OUT.csv [VALID=0.1] [TEST=0.1]
 */
import { writeFile } from 'node:fs/promises';
import Papa from 'papaparse';
import { prepareData, TRAIN_DEFAULTS } from '../src/worker/jobs/train-job';

const [data, seed, out, valid = String(TRAIN_DEFAULTS.validSplit), test = String(TRAIN_DEFAULTS.testSplit)] = process.argv.slice(2);
const d = await prepareData({ ...TRAIN_DEFAULTS, data, seed: Number(seed), splitSeed: Number(seed), validSplit: Number(valid), testSplit: Number(test) });
await writeFile(out, Papa.unparse(d.test.map((x) => ({ label: x.labels.join('|'), review: x.text }))));
console.log(`${d.test.length} test rows of split seed ${seed} → ${out}`);

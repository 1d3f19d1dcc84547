// Averages several teacher-outputs JSONL files ({"id", "logits"} or {"id", "probs"} per row, same ids
// in the same order) into one {"id", "probs"} file: the mean of the teachers' softmax probabilities.
// Usage: node bench/average-teacher-outputs.mjs OUT.jsonl "KIND" IN1.jsonl IN2.jsonl …
import { readFileSync, writeFileSync } from 'node:fs';

const [out, kind, ...inputs] = process.argv.slice(2);
if (!out || !kind || inputs.length < 2) {
  console.error('usage: node bench/average-teacher-outputs.mjs OUT.jsonl "KIND" IN1.jsonl IN2.jsonl …');
  process.exit(2);
}
const softmax = (z) => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const files = inputs.map((f) => readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l)));
const n = files[0].length;
for (const [i, rows] of files.entries()) if (rows.length !== n) throw new Error(`${inputs[i]} has ${rows.length} rows, ${inputs[0]} has ${n}`);
const lines = files[0].map((row, r) => {
  const probs = files.map((rows, i) => {
    if (rows[r].id !== row.id) throw new Error(`${inputs[i]} row ${r + 1}: id ${rows[r].id}, expected ${row.id}`);
    return rows[r].probs ?? softmax(rows[r].logits);
  });
  const mean = probs[0].map((_, c) => probs.reduce((s, p) => s + p[c], 0) / probs.length);
  return JSON.stringify({ id: row.id, probs: mean.map((v) => Number(v.toPrecision(7))) });
});
writeFileSync(out, lines.join('\n') + '\n');
writeFileSync(`${out}.teacher.json`, JSON.stringify({ kind, model: inputs.join(', ') }, null, 2) + '\n');
console.error(`averaged ${inputs.length} teachers over ${n} rows into ${out}`);

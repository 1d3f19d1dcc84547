/**
 * `distillery bench`'s prediction at corpus scale: docs/s and peak RSS of the real `predict` and
 * `teacher predict` commands (child processes, so that each size's peak RSS is its own) on N lines
 * made by cycling real reviews (../shared/data/waimai_10k.csv beside the checkout, where it exists)
 * or else the shipped sample corpus — to show how the cost grows from 10k to 1M documents
 * (time linear, memory flat). The student is an untrained BiLSTM or TextCNN of the bench config's
 * size over a vocabulary fitted on the sample texts; the teacher a tiny random BERT (speed and
 * memory do not depend on the weights). Numbers, not assertions.
 */
import { execFile } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readCorpus } from '../data/read-corpus';
import { closeStream } from '../data/batches';
import { exportStudentToOnnx } from '../export/onnx/export-student';
import { makeStudentConfig } from '../models/registry';
import { Student } from '../models/student';
import { saveHfFolder } from '../teacher/checkpoint/hf-folder';
import { randomBertWeights, tinyBertConfig, tinyVocab } from '../teacher/model/random-bert';
import { exportBertToOnnx } from '../teacher/onnx/export-bert';
import { TextPipeline } from '../text/pipeline';
import type { BenchConfig } from './bench';

const run = promisify(execFile);
const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface PredictScaleOptions {
  /** Documents per student run (default 10k and 100k; add 1,000,000 for the full curve). */
  studentSizes: number[];
  /** Documents per teacher run (default 10k). */
  teacherSizes: number[];
  arch?: 'bilstm' | 'textcnn';
  onStep?: (name: string) => void;
}

export const PREDICT_SCALE_DEFAULTS = { studentSizes: [10_000, 100_000], teacherSizes: [10_000] };

export interface ScalePoint {
  docs: number;
  seconds: number;
  docs_per_s: number;
  peak_rss_mb: number;
  /** CPU time (user + sys, every thread) per document, when the command reports it (student predict does). */
  cpu_us_per_doc?: number;
}

/** "predicted N documents in S s … peak RSS M MB" / "scored N rows … in S s … peak RSS M MB", from the command's stderr. */
export function parseRunLine(stderr: string): {
  docs: number;
  seconds: number;
  peakRssMb: number;
  cpuUsPerDoc?: number;
} {
  const m =
    /(?:predicted (\d+) documents|scored (\d+) rows)[^\n]*? in ([\d.]+) s[^\n]*?peak RSS (\d+) MB(?:; CPU (\d+) µs\/doc)?/.exec(
      stderr,
    );
  if (!m) throw new Error(`bench: no "predicted/scored … peak RSS" line in:\n${stderr.slice(-2000)}`);
  return {
    docs: Number(m[1] ?? m[2]),
    seconds: Number(m[3]),
    peakRssMb: Number(m[4]),
    ...(m[5] !== undefined ? { cpuUsPerDoc: Number(m[5]) } : {}),
  };
}

async function writeLines(file: string, texts: string[], n: number): Promise<void> {
  const w = createWriteStream(file);
  let chunk = '';
  for (let i = 0; i < n; i++) {
    chunk += texts[i % texts.length] + '\n';
    if (chunk.length > 1 << 16) {
      if (!w.write(chunk)) await once(w, 'drain');
      chunk = '';
    }
  }
  w.write(chunk);
  await closeStream(w);
}

async function cli(args: string[]): Promise<ScalePoint> {
  const { stderr } = await run(process.execPath, [path.join(ROOT, 'bin/distillery.mjs'), ...args], {
    cwd: ROOT,
    maxBuffer: 16 << 20,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const r = parseRunLine(stderr);
  return {
    docs: r.docs,
    seconds: r.seconds,
    docs_per_s: Math.round(r.docs / r.seconds),
    peak_rss_mb: r.peakRssMb,
    ...(r.cpuUsPerDoc !== undefined ? { cpu_us_per_doc: r.cpuUsPerDoc } : {}),
  };
}

export async function predictScale(c: BenchConfig, o: PredictScaleOptions): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'distillery-bench-predict-'));
  try {
    const waimai = path.join(ROOT, '../shared/data/waimai_10k.csv');
    const source = existsSync(waimai) ? waimai : path.join(ROOT, 'resources/models/sample-corpus.csv');
    // One document per line: a text's own line breaks become spaces.
    const texts = (await readCorpus(source, { dedupe: false })).docs.map((d) => d.text.replace(/\s*\n\s*/g, ' '));
    const arch = o.arch ?? 'bilstm';
    const pipeline = TextPipeline.fit(texts);
    const config = makeStudentConfig(
      arch,
      { vocabSize: pipeline.vocab.size, maxLen: pipeline.maxLen, numClasses: c.classes, multiLabel: false },
      {
        embedDim: c.embed,
        hidden: c.hidden,
        layers: c.layers,
        filterSizes: c.filters,
        numFilters: c.num_filters,
        dropout: 0,
      },
    );
    const s = Student.create(config, 1);
    const onnx = path.join(dir, 'model.onnx');
    writeFileSync(onnx, exportStudentToOnnx(s.config, s.toParams()));
    s.dispose();
    writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(pipeline.toJSON()));
    writeFileSync(path.join(dir, 'labels.json'), JSON.stringify(['0', '1']));

    const teacher = path.join(dir, 'teacher');
    const teacherShape = { layers: 2, hidden: 64, heads: 2, intermediate: 256, maxPositions: 64 };
    if (o.teacherSizes.length) {
      const vocab = tinyVocab([...new Set(texts.join(''))]);
      const config = tinyBertConfig(teacherShape, vocab.length);
      const weights = randomBertWeights(config, 1, { numLabels: 2 });
      await saveHfFolder(teacher, config, weights, vocab, { doLowerCase: true });
      writeFileSync(
        path.join(teacher, 'model.onnx'),
        exportBertToOnnx(config, weights, { numLabels: 2, multiLabel: false }),
      );
      writeFileSync(
        path.join(teacher, 'teacher.json'),
        JSON.stringify({
          kind: 'bench BERT (random weights)',
          labels: ['0', '1'],
          task: 'binary',
          maxLen: teacherShape.maxPositions,
        }),
      );
    }

    const out: Record<string, unknown> = {
      predict_scale_student: {
        arch,
        max_len: pipeline.maxLen,
        vocab: pipeline.vocab.size,
        embed: c.embed,
        hidden: c.hidden,
        layers: c.layers,
        batch: 256,
      },
      predict_scale_teacher: teacherShape,
      predict_scale_texts: `${path.relative(ROOT, source)} cycled (${texts.length} texts, mean ${(texts.reduce((a, t) => a + t.length, 0) / texts.length).toFixed(1)} chars)`,
    };
    const sizes = [...new Set([...o.studentSizes, ...o.teacherSizes])].sort((a, b) => a - b);
    for (const n of sizes) {
      const data = path.join(dir, `lines-${n}.txt`);
      await writeLines(data, texts, n);
      if (o.studentSizes.includes(n)) {
        o.onStep?.(`student predict, ${n} documents`);
        const p = await cli(['predict', '--model', onnx, '--data', data]);
        o.onStep?.(`student predict, ${n} documents: ${p.docs_per_s} docs/s, peak RSS ${p.peak_rss_mb} MB`);
        out[`student_predict_docs_per_s_${n}`] = p.docs_per_s;
        out[`student_predict_peak_rss_mb_${n}`] = p.peak_rss_mb;
        if (p.cpu_us_per_doc) {
          // Wall-clock docs/s is noise on a shared machine; CPU time per document is not, and with
          // both cores busy an idle 2-core machine would do 2·10^6 / (CPU-µs per doc) docs/s.
          out[`student_predict_cpu_us_per_doc_${n}`] = p.cpu_us_per_doc;
          out[`student_predict_idle_2core_docs_per_s_estimate_${n}`] = Math.round(2e6 / p.cpu_us_per_doc);
        }
      }
      if (o.teacherSizes.includes(n)) {
        o.onStep?.(`teacher predict, ${n} documents`);
        const p = await cli([
          'teacher',
          'predict',
          '--model',
          teacher,
          '--data',
          data,
          '--out',
          path.join(dir, `teacher-${n}.jsonl`),
        ]);
        o.onStep?.(`teacher predict, ${n} documents: ${p.docs_per_s} docs/s, peak RSS ${p.peak_rss_mb} MB`);
        out[`teacher_predict_docs_per_s_${n}`] = p.docs_per_s;
        out[`teacher_predict_peak_rss_mb_${n}`] = p.peak_rss_mb;
      }
      rmSync(data, { force: true });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

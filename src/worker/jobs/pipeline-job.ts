/**
 * `distillery pipeline`: teacher → pre-label → plain and distilled student → evaluate → report, in
 * one job, on ONE train/valid/test split (the split seed is passed to every stage, and the sizes are
 * checked), so that the teacher, the plain student and the distilled student are compared on the same
 * test rows. The teacher is one of
 *   - a local Hugging Face BERT folder, fine-tuned here (runTeacherTrain);
 *   - a small BERT pre-trained here by masked LM on the data's texts (test texts held out), then
 *     fine-tuned (runTeacherPretrain + runTeacherTrain);
 *   - an ensemble of K students (seeds 1..K), probabilities averaged;
 *   - an already-trained teacher folder (copied in).
 * Every model is then loaded back from its exported model.onnx and evaluated and timed through
 * onnxruntime-node in this process. Writes OUT/{pretrained,teacher,plain,distilled}/,
 * teacher-outputs.jsonl, prelabels.jsonl (rows without a label), report.json and report.md.
 */
import { defaultsOf, PIPELINE_OPTIONS } from '../../shared/job-options';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CancelledError, DistilleryError, ModelFolderError } from '../../shared/errors';
import { argmax, evidenceOf, isMultiLabelMetrics, type Metrics, type MetricsEvidence } from '../../shared/metrics';
import type { CancelToken, ProgressSink } from '../../shared/progress';
import type { LabelSchema, TaskType } from '../../shared/task';
import { studentArchTeacherName } from '../../shared/teacher-name';
import { initBackend } from '../backend/tfjs-backend';
import type { CorpusDoc } from '../data/read-corpus';
import { ARCH_IDS } from '../models/registry';
import { loadHfFolder } from '../teacher/hf-folder';
import type { EncodedSet } from '../train/trainer';
import { scoreProbs } from '../train/score';
import { labelIndexer } from './encode-docs';
import { measureLatency, openStudentScorer, WARMUP_CALLS, openTeacherScorer, scoreAll, teacherFolderKind, type EnsembleTeacherInfo, type TeacherFolderKind, type TextScorer } from './pipeline-models';
import { renderPipelineReport } from './pipeline-report';
import { runRepeated, type RepeatedRuns } from './repeated-runs';
import { readTeacherInfo, runTeacherPredict, runTeacherTrain, TEACHER_DEFAULTS, TEACHER_KIND } from './teacher-job';
import { PRETRAIN_DEFAULTS, PRETRAINED_HERE_KIND, runTeacherPretrain } from './teacher-pretrain-job';
import { readTeacherOutputs } from './teacher-outputs';
import { prepareData, runTrainJob, type PreparedData, type TrainJobOptions } from './train-job';

export type TeacherSource =
  /** Fine-tune this Hugging Face BERT folder. */
  | { kind: 'model-dir'; dir: string }
  /** Pre-train a small BERT by masked LM on the data's texts, then fine-tune it. */
  | { kind: 'pretrain' }
  /** K students of `arch` with seeds 1..K, probabilities averaged. */
  | { kind: 'ensemble'; size: number; arch: string; epochs?: number }
  /** An already-trained teacher folder: fine-tuned BERT, student model folder or ensemble folder. */
  | { kind: 'existing'; dir: string };

export interface TeacherTrainSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Default: min(128, the model's max_position_embeddings); with --pretrain also the pre-trained model's positions. */
  maxLen?: number;
  patience: number;
  /** Default: the student seed. */
  seed?: number;
}

export interface PretrainSettings {
  layers: number;
  hidden: number;
  heads: number;
  intermediate?: number;
  vocabSize: number;
  minFreq: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
}

export interface LatencySettings {
  /** Test documents timed per model (the first N of the test split). */
  docs: number;
  batchSizes: number[];
  /** onnxruntime intra-op threads (default: every core). */
  threads?: number;
}

/** The student options are train/distill's; `out` is the pipeline folder. */
export interface PipelineOptions extends Omit<TrainJobOptions, 'out' | 'teacherOutputs' | 'teacherName' | 'useUnlabeled' | 'alpha' | 'temperature'> {
  out: string;
  teacher: TeacherSource;
  teacherTrain: TeacherTrainSettings;
  pretrain: PretrainSettings;
  alpha: number;
  temperature: number;
  /** Distil on rows without a human label too, from the teacher's soft labels (default true). */
  useUnlabeled: boolean;
  /** Student seeds seed..seed+runs-1 (mean ± std); the first run's models are saved and timed. */
  runs: number;
  latency: LatencySettings;
}

const PLD = defaultsOf(PIPELINE_OPTIONS);
/** The option table's defaults (src/shared/job-options.ts). */
export const PIPELINE_DEFAULTS = {
  alpha: PLD.alpha,
  temperature: PLD.temperature,
  runs: PLD.runs,
  teacherArch: PLD.teacherArch as string,
  latencyDocs: PLD.latencyDocs,
  latencyBatchSizes: PLD.latencyBatch,
  teacherTrain: { epochs: TEACHER_DEFAULTS.epochs, batchSize: TEACHER_DEFAULTS.batchSize, learningRate: TEACHER_DEFAULTS.learningRate, patience: TEACHER_DEFAULTS.patience },
  pretrain: {
    layers: PRETRAIN_DEFAULTS.layers,
    hidden: PRETRAIN_DEFAULTS.hidden,
    heads: PRETRAIN_DEFAULTS.heads,
    vocabSize: PRETRAIN_DEFAULTS.vocabSize,
    minFreq: PRETRAIN_DEFAULTS.minFreq,
    epochs: PRETRAIN_DEFAULTS.epochs,
    batchSize: PRETRAIN_DEFAULTS.batchSize,
    learningRate: PRETRAIN_DEFAULTS.learningRate,
  },
};

export interface PipelineHooks {
  /** A stage starts (k of total). */
  onStage?(k: number, total: number, name: string): void;
  /** A progress sink for stage k (part: e.g. "member 2/5", "run 3/5"). */
  progress?(k: number, total: number, part?: string): ProgressSink | undefined;
  /** Lines worth showing: warnings, what a stage found. */
  log?(msg: string): void;
}

export type PipelineRole = 'teacher' | 'plain' | 'distilled';

export interface PipelineRow {
  role: PipelineRole;
  name: string;
  /** What the model is, e.g. the teacher's kind or the student architecture. */
  kind: string;
  /** Folder, relative to the pipeline folder. */
  dir: string;
  params: number;
  /** float32 parameters in MB (MiB), as train reports it. */
  size_mb: number;
  onnx_mb: number;
  /** Headline metrics on the evaluation rows, through onnxruntime: accuracy + macro_f1, or micro_f1 + macro_f1 (multi-label). */
  metrics: Record<string, number>;
  /** n, the 95 % intervals, the macro rule and warnings of those metrics. */
  evidence?: Partial<MetricsEvidence>;
  /** Over --runs seeds (students, runs > 1): mean ± std as the training code evaluated them. */
  runs?: Record<string, { mean: number; std: number; n: number }>;
  /** Milliseconds per document at each batch size ("1", "32"): tokenization + onnxruntime; median over calls. */
  latency_ms_per_doc: Record<string, number>;
  /** CPU milliseconds per document (this process, all threads) at each batch size: not disturbed by other processes. */
  cpu_ms_per_doc: Record<string, number>;
}

export interface PipelineReport {
  title: string;
  created_at: string;
  distillery: string;
  data: string;
  data_hash: string;
  test_data?: string;
  task: TaskType;
  labels: string[];
  teacher: {
    source: TeacherSource['kind'];
    kind: string;
    /** One plain sentence: which kind of teacher produced the soft labels. */
    description: string;
    dir: string;
    base?: string;
    seeds?: number[];
    /** Encoder shape for BERT teachers. */
    shape?: string;
    split_note?: string;
  };
  split: { seed: number; train: number; valid: number; test: number; evaluated_on: 'test' | 'valid'; evaluated_rows: number; unlabeled: number; unlabeled_used: number };
  seeds: { students: number[]; split: number; teacher: number | number[] };
  distillation: { alpha: number; temperature: number; use_unlabeled: boolean };
  config: Record<string, unknown>;
  backend: { training: string; inference: string; threads: number | 'all cores' };
  latency: { docs: number; batch_sizes: number[]; measures: string };
  rows: PipelineRow[];
  stages: { name: string; seconds: number }[];
  files: Record<string, string>;
  cancelled: boolean;
}

export interface PipelineResult {
  report: PipelineReport;
  reportJson: string;
  reportMd: string;
}

const STAGE_TEACHER: Record<TeacherSource['kind'], string> = {
  'model-dir': 'fine-tune teacher',
  pretrain: 'fine-tune teacher',
  ensemble: 'train teacher ensemble',
  existing: 'copy teacher',
};

export async function runPipeline(o: PipelineOptions, hooks: PipelineHooks = {}, cancel?: CancelToken): Promise<PipelineResult> {
  const log = (m: string) => hooks.log?.(m);
  checkOptions(o);
  const backend = await initBackend(o.backend);
  const createdAt = new Date().toISOString();
  const splitSeed = o.splitSeed ?? o.seed;
  const out = path.resolve(o.out);
  const dirs = {
    pretrained: path.join(out, 'pretrained'),
    teacher: path.join(out, 'teacher'),
    plain: path.join(out, 'plain'),
    distilled: path.join(out, 'distilled'),
  };
  const files = {
    teacherOutputs: path.join(out, 'teacher-outputs.jsonl'),
    prelabels: path.join(out, 'prelabels.jsonl'),
    pretrainTexts: path.join(out, 'pretrain-texts.jsonl'),
    json: path.join(out, 'report.json'),
    md: path.join(out, 'report.md'),
  };
  const { out: _out, teacher: source, teacherTrain, pretrain, runs, latency, alpha, temperature, useUnlabeled, ...studentOpts } = o;
  void _out;
  const base: TrainJobOptions = { ...studentOpts, splitSeed };
  const teacherSeed = teacherTrain.seed ?? o.seed;

  // Bad input fails here, before any long stage.
  const data = await prepareData(base);
  const { schema } = data;
  const evalDocs = data.test.length ? data.test : data.valid;
  if (!evalDocs.length) throw new DistilleryError('CONFIG', 'no test or validation rows to compare the models on; use --test-split or --valid-split above 0', { field: 'test-split' });
  let teacherMaxLen = teacherTrain.maxLen;
  let existingKind: TeacherFolderKind | undefined;
  if (source.kind === 'model-dir') {
    const folder = await loadHfFolder(source.dir, { configOnly: true });
    teacherMaxLen ??= Math.min(TEACHER_DEFAULTS.maxLen, folder.config.max_position_embeddings);
  } else if (source.kind === 'pretrain') {
    teacherMaxLen ??= TEACHER_DEFAULTS.maxLen;
  } else if (source.kind === 'existing') {
    existingKind = await teacherFolderKind(source.dir);
    await checkTeacherLabels(source.dir, existingKind, schema);
  }

  const stageNames = [
    ...(source.kind === 'pretrain' ? ['pre-train teacher (masked LM)'] : []),
    STAGE_TEACHER[source.kind],
    'pre-label with the teacher',
    'plain student',
    'distilled student',
    'evaluate the exported models (ONNX) and time them',
  ];
  const total = stageNames.length;
  const stages: { name: string; seconds: number }[] = [];
  let k = 0;
  const stage = async <T>(fn: (progress: ProgressSink | undefined, k: number) => Promise<T>): Promise<T> => {
    const name = stageNames[k];
    k++;
    hooks.onStage?.(k, total, name);
    const t0 = performance.now();
    const r = await fn(hooks.progress?.(k, total), k);
    stages.push({ name, seconds: Number(((performance.now() - t0) / 1000).toFixed(2)) });
    if (cancel?.cancelled) throw new CancelledError(`cancelled in stage ${k}/${total} (${name}); what finished so far is in ${out}`);
    return r;
  };

  await mkdir(out, { recursive: true });

  // 1. The teacher.
  let teacherKind: string;
  let teacherSeeds: number | number[] = teacherSeed;
  let teacherBase: string | undefined;
  let splitNote: string | undefined;
  if (source.kind === 'pretrain') {
    await stage(async (progress) => {
      // Masked LM on every text but the evaluation rows' (labels are not read).
      const held = new Set<CorpusDoc>(evalDocs);
      const texts = data.corpus.docs.filter((d) => !held.has(d)).map((d) => JSON.stringify({ text: d.text }));
      await writeFile(files.pretrainTexts, texts.join('\n') + '\n');
      log(`pre-training on ${texts.length} texts (the ${evalDocs.length} ${data.test.length ? 'test' : 'validation'} texts held out)`);
      const r = await runTeacherPretrain(
        {
          data: files.pretrainTexts,
          out: dirs.pretrained,
          ...pretrain,
          maxLen: teacherMaxLen!,
          seed: teacherSeed,
          backend: o.backend,
        },
        progress,
        cancel,
      );
      const last = r.history.at(-1);
      log(
        `pre-trained ${r.params} parameters, vocabulary ${r.vocab_size}${last && !Number.isNaN(last.validAccuracy) ? `, held-out masked-token accuracy ${(100 * last.validAccuracy).toFixed(2)}%` : ''}`,
      );
    });
  }
  if (source.kind === 'model-dir' || source.kind === 'pretrain') {
    const modelDir = source.kind === 'model-dir' ? source.dir : dirs.pretrained;
    const r = await stage((progress) =>
      runTeacherTrain(
        {
          modelDir,
          data: o.data,
          out: dirs.teacher,
          textCol: o.textCol,
          labelCol: o.labelCol,
          idCol: o.idCol,
          encoding: o.encoding,
          epochs: teacherTrain.epochs,
          batchSize: teacherTrain.batchSize,
          learningRate: teacherTrain.learningRate,
          maxLen: teacherMaxLen!,
          seed: teacherSeed,
          splitSeed,
          validSplit: o.validSplit,
          testSplit: o.testData ? 0 : o.testSplit,
          patience: teacherTrain.patience,
          threshold: o.threshold,
          backend: o.backend,
        },
        progress,
        cancel,
      ),
    );
    for (const w of r.warnings) log(`warning: ${w}`);
    const same = r.sizes.train === data.train.length && r.sizes.valid === data.valid.length && (o.testData !== undefined || r.sizes.test === data.test.length);
    if (!same) {
      throw new DistilleryError(
        'INTERNAL',
        `the teacher's split (train ${r.sizes.train}, valid ${r.sizes.valid}, test ${r.sizes.test}) differs from the students' (${data.train.length}, ${data.valid.length}, ${data.test.length})`,
      );
    }
    teacherKind = source.kind === 'pretrain' ? PRETRAINED_HERE_KIND : r.info.kind;
    teacherBase = r.info.base;
  } else if (source.kind === 'ensemble') {
    const seeds = Array.from({ length: source.size }, (_, i) => i + 1);
    teacherSeeds = seeds;
    teacherKind = studentArchTeacherName(`${source.arch} ensemble of ${source.size}`);
    await stage(async (_p, sk) => {
      await rm(dirs.teacher, { recursive: true, force: true });
      const members: string[] = [];
      const memberMetrics: Metrics[] = [];
      for (const seed of seeds) {
        if (cancel?.cancelled) break;
        const member = `member-${seed}`;
        const r = await runTrainJob(
          { ...base, model: source.arch, architecture: {}, epochs: source.epochs ?? o.epochs, seed, out: path.join(dirs.teacher, member), charts: false },
          hooks.progress?.(sk, total, `member ${seed}/${source.size}`),
          cancel,
          data,
        );
        members.push(member);
        memberMetrics.push(r.metrics);
        log(`teacher member ${seed}/${source.size} (${source.arch}, seed ${seed}): ${headlineText(r.metrics)}`);
      }
      const info: EnsembleTeacherInfo = {
        kind: teacherKind,
        members,
        arch: source.arch,
        seeds: seeds.slice(0, members.length),
        labels: schema.labels,
        task: schema.task,
        threshold: o.threshold ?? 0.5,
        split_seed: splitSeed,
        member_metrics: memberMetrics.map(headline),
        note: 'Probabilities of the member model folders are averaged; `distillery predict --model member-1 --model member-2 … --teacher-format` does the same.',
      };
      await writeFile(path.join(dirs.teacher, 'teacher.json'), JSON.stringify(info, null, 2) + '\n');
    });
  } else {
    const src = path.resolve(source.dir);
    teacherBase = src;
    await stage(async () => {
      if (src !== dirs.teacher) {
        await rm(dirs.teacher, { recursive: true, force: true });
        await cp(src, dirs.teacher, { recursive: true });
      }
    });
    const info = await readTeacherInfo(dirs.teacher);
    teacherKind = info.kind ?? (existingKind === 'student' ? studentArchTeacherName(`${await studentArch(dirs.teacher)}, a Distillery model folder`) : 'BERT (ONNX)');
    if (info.base) teacherBase = info.base;
    splitNote = `an existing teacher: its test score is only comparable if it was trained on this data with split seed ${splitSeed} (otherwise it may have seen the test rows)`;
    log(`note: ${splitNote}`);
  }
  const teacherShape = await bertShape(dirs.teacher);
  const teacherDescription = describeTeacherSource(source, teacherKind, teacherShape);

  // 2. Pre-label: the teacher's outputs for every row (the distilled student's soft labels), and
  //    a label suggestion for every row without a human label.
  await stage(async (progress) => {
    const kind = await teacherFolderKind(dirs.teacher);
    if (kind === 'bert') {
      await runTeacherPredict(
        { model: dirs.teacher, data: o.data, out: files.teacherOutputs, textCol: o.textCol, idCol: o.idCol, encoding: o.encoding, batchSize: 64, maxLen: teacherMaxLen },
        progress,
        cancel,
      );
    } else {
      const scorer = await openTeacherScorer(dirs.teacher, latency.threads);
      try {
        const docs = data.corpus.docs;
        const t0 = performance.now();
        const probs = await scoreAll(
          scorer,
          docs.map((d) => d.text),
          64,
          async (done) => {
            progress?.({ phase: 'teacher predict', done, total: docs.length, etaSeconds: ((performance.now() - t0) / 1000) * ((docs.length - done) / done) });
            await new Promise((r) => setImmediate(r));
          },
        );
        const C = schema.labels.length;
        // Keyed by label name, so that distillation maps the columns by name (teacher-outputs.ts).
        const lines = docs.map((d, i) => JSON.stringify({ id: d.id, probs: Object.fromEntries(scorer.labels.map((l, c) => [l, Number(probs[i * C + c].toPrecision(7))])) }));
        await writeFile(files.teacherOutputs, lines.join('\n') + '\n');
      } finally {
        await scorer.dispose();
      }
    }
    if (!cancel?.cancelled && data.unlabeled.length) {
      await writePrelabels(files.teacherOutputs, files.prelabels, data, o.threshold ?? 0.5);
      log(`pre-labeled ${data.unlabeled.length} rows without a label → ${path.basename(files.prelabels)}${useUnlabeled ? ' (the distilled student trains on their soft labels)' : ''}`);
    }
  });

  // 3. The students: same options, seeds and split; the distilled one also gets the soft labels.
  const distillData = await prepareData({ ...base, teacherOutputs: files.teacherOutputs });
  if (!sameDocs(distillData.train, data.train) || !sameDocs(distillData.valid, data.valid) || !sameDocs(distillData.test, data.test)) {
    throw new DistilleryError('INTERNAL', "the distilled student's split differs from the plain student's");
  }
  const runProgress = (sk: number) => (r: number) => hooks.progress?.(sk, total, runs > 1 ? `run ${r + 1}/${runs}` : undefined) ?? (() => {});
  const plain = await stage((_p, sk) => runRepeated({ ...base, out: dirs.plain }, runs, runProgress(sk), cancel, data));
  log(`plain student: ${headlineText(plain.first.metrics)}`);
  const distilled = await stage((_p, sk) =>
    runRepeated({ ...base, out: dirs.distilled, teacherOutputs: files.teacherOutputs, teacherName: teacherDescription, alpha, temperature, useUnlabeled }, runs, runProgress(sk), cancel, distillData),
  );
  log(`distilled student: ${headlineText(distilled.first.metrics)}`);

  // 4. Evaluate every exported model on the same rows through onnxruntime, and time it.
  const rows = await stage(async (progress) => {
    const models: { role: PipelineRole; name: string; kind: string; dir: string; open: () => Promise<TextScorer>; rep?: RepeatedRuns }[] = [
      { role: 'teacher', name: 'teacher', kind: teacherKind, dir: dirs.teacher, open: () => openTeacherScorer(dirs.teacher, latency.threads, teacherMaxLen) },
      { role: 'plain', name: 'plain student', kind: plain.first.config.arch, dir: dirs.plain, open: () => openStudentScorer(dirs.plain, latency.threads), rep: plain },
      {
        role: 'distilled',
        name: 'distilled student',
        kind: `${distilled.first.config.arch}, α = ${alpha}, ρ = ${temperature}`,
        dir: dirs.distilled,
        open: () => openStudentScorer(dirs.distilled, latency.threads),
        rep: distilled,
      },
    ];
    const texts = evalDocs.map((d) => d.text);
    const timed = texts.slice(0, latency.docs);
    const targets = targetsOf(evalDocs, schema, o.testData ?? o.data);
    const out: PipelineRow[] = [];
    for (const [i, m] of models.entries()) {
      const scorer = await m.open();
      try {
        if (scorer.labels.join('\u0000') !== schema.labels.join('\u0000')) {
          throw new ModelFolderError(`${m.dir}: labels (${scorer.labels.join(', ')}) differ from the data's (${schema.labels.join(', ')})`, { file: m.dir });
        }
        const metrics = scoreProbs(await scoreAll(scorer, texts, 64), targets, schema, scorer.threshold);
        const lat: Record<string, number> = {};
        const cpu: Record<string, number> = {};
        for (const b of latency.batchSizes) {
          const l = await measureLatency(scorer, timed, b);
          lat[String(b)] = Number(l.wallMs.toFixed(4));
          cpu[String(b)] = Number(l.cpuMs.toFixed(4));
        }
        out.push({
          role: m.role,
          name: m.name,
          kind: m.kind,
          dir: path.relative(o.out, m.dir) || '.',
          params: scorer.params,
          size_mb: Number(((scorer.params * 4) / (1024 * 1024)).toFixed(4)),
          onnx_mb: Number((scorer.onnxBytes / (1024 * 1024)).toFixed(4)),
          metrics: headline(metrics),
          evidence: evidenceOf(metrics),
          ...(m.rep && runs > 1 ? { runs: pickSummary(m.rep, Object.keys(headline(metrics))) } : {}),
          latency_ms_per_doc: lat,
          cpu_ms_per_doc: cpu,
        });
      } finally {
        await scorer.dispose();
      }
      progress?.({ phase: 'evaluate', done: i + 1, total: models.length });
    }
    return out;
  });

  const report: PipelineReport = {
    title: `Teacher vs students on ${path.basename(o.data)}`,
    created_at: createdAt,
    distillery: 'distillery 0.1.0',
    data: path.resolve(o.data),
    data_hash: data.dataHash,
    ...(o.testData ? { test_data: path.resolve(o.testData) } : {}),
    task: schema.task,
    labels: schema.labels,
    teacher: {
      source: source.kind,
      kind: teacherKind,
      description: teacherDescription,
      dir: 'teacher',
      ...(teacherBase ? { base: teacherBase } : {}),
      ...(Array.isArray(teacherSeeds) ? { seeds: teacherSeeds } : {}),
      ...(teacherShape ? { shape: teacherShape } : {}),
      ...(splitNote ? { split_note: splitNote } : {}),
    },
    split: {
      seed: splitSeed,
      train: data.train.length,
      valid: data.valid.length,
      test: data.test.length,
      evaluated_on: data.test.length ? 'test' : 'valid',
      evaluated_rows: evalDocs.length,
      unlabeled: data.unlabeled.length,
      unlabeled_used: distilled.first.sizes.unlabeledUsed,
    },
    seeds: { students: Array.from({ length: plain.runs.length }, (_, i) => o.seed + i), split: splitSeed, teacher: teacherSeeds },
    distillation: { alpha, temperature, use_unlabeled: useUnlabeled },
    config: {
      student: jsonCopy({ ...studentOpts, data: undefined }),
      student_architecture: plain.first.config,
      teacher: jsonCopy(
        source.kind === 'ensemble'
          ? { source: source.kind, arch: source.arch, size: source.size, epochs: source.epochs ?? o.epochs }
          : source.kind === 'existing'
            ? { source: source.kind, dir: path.resolve(source.dir) }
            : { source: source.kind, ...(source.kind === 'model-dir' ? { model_dir: path.resolve(source.dir) } : {}), ...teacherTrain, maxLen: teacherMaxLen, seed: teacherSeed },
      ),
      ...(source.kind === 'pretrain' ? { pretrain: jsonCopy({ ...pretrain, maxLen: teacherMaxLen, seed: teacherSeed }) } : {}),
      runs,
    },
    backend: { training: backend.name, inference: 'onnxruntime-node (CPU execution provider)', threads: latency.threads ?? 'all cores' },
    latency: {
      docs: Math.min(latency.docs, evalDocs.length),
      batch_sizes: latency.batchSizes,
      measures: `median over calls of wall-clock ms per document (tokenization + onnxruntime run), after ${WARMUP_CALLS} warm-up calls, in this process, models one after another`,
    },
    rows,
    stages,
    files: {
      teacher: 'teacher',
      plain: 'plain',
      distilled: 'distilled',
      teacher_outputs: path.basename(files.teacherOutputs),
      ...(data.unlabeled.length ? { prelabels: path.basename(files.prelabels) } : {}),
      ...(source.kind === 'pretrain' ? { pretrained: 'pretrained', pretrain_texts: path.basename(files.pretrainTexts) } : {}),
      report: 'report.md',
    },
    cancelled: false,
  };
  const reportMd = renderPipelineReport(report);
  await writeFile(files.json, JSON.stringify(report, null, 2) + '\n');
  await writeFile(files.md, reportMd);
  return { report, reportJson: files.json, reportMd: files.md };
}

function checkOptions(o: PipelineOptions): void {
  const bad = (field: string, msg: string) => {
    throw new DistilleryError('CONFIG', msg, { field });
  };
  if (!Number.isInteger(o.runs) || o.runs < 1) bad('runs', `--runs must be at least 1, got ${o.runs}`);
  if (!(o.alpha >= 0 && o.alpha <= 1)) bad('alpha', `--alpha must be in [0, 1], got ${o.alpha}`);
  if (!(o.temperature > 0)) bad('temperature', `--temperature must be above 0, got ${o.temperature}`);
  if (!Number.isInteger(o.latency.docs) || o.latency.docs < 1) bad('latency-docs', `--latency-docs must be at least 1, got ${o.latency.docs}`);
  if (!o.latency.batchSizes.length || o.latency.batchSizes.some((b) => !Number.isInteger(b) || b < 1))
    bad('latency-batch', `latency batch sizes must be integers ≥ 1, got ${o.latency.batchSizes.join(', ')}`);
  if (!ARCH_IDS.includes(o.model as (typeof ARCH_IDS)[number])) bad('model', `unknown model "${o.model}"; valid: ${ARCH_IDS.join(', ')}`);
  const t = o.teacher;
  if (t.kind === 'ensemble') {
    if (!Number.isInteger(t.size) || t.size < 1) bad('teacher-ensemble', `--teacher-ensemble must be at least 1, got ${t.size}`);
    if (!ARCH_IDS.includes(t.arch as (typeof ARCH_IDS)[number])) bad('teacher-arch', `unknown --teacher-arch "${t.arch}"; valid: ${ARCH_IDS.join(', ')}`);
  }
  if (t.kind === 'pretrain' && o.pretrain.hidden % o.pretrain.heads !== 0) bad('pretrain-heads', `--pretrain-hidden ${o.pretrain.hidden} is not a multiple of --pretrain-heads ${o.pretrain.heads}`);
}

/** The label check for a teacher folder that was not trained here. */
async function checkTeacherLabels(dir: string, kind: TeacherFolderKind, schema: LabelSchema): Promise<void> {
  let labels: string[] | undefined;
  if (kind === 'student') {
    const s = await openStudentScorer(dir, 1);
    labels = s.labels;
    await s.dispose();
  } else labels = (await readTeacherInfo(dir)).labels;
  if (labels && labels.join('\u0000') !== schema.labels.join('\u0000')) {
    throw new ModelFolderError(`teacher ${dir} has labels (${labels.join(', ')}) but the data has (${schema.labels.join(', ')})`, { file: dir, field: 'labels' });
  }
}

async function studentArch(dir: string): Promise<string> {
  const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as { student?: { arch?: string } };
  return config.student?.arch ?? 'a';
}

/** "4 layers, hidden 256, 4 heads" for a BERT folder; undefined otherwise. */
async function bertShape(dir: string): Promise<string | undefined> {
  if ((await teacherFolderKind(dir)) !== 'bert') return undefined;
  const c = (await loadHfFolder(dir, { configOnly: true })).config;
  return `${c.num_hidden_layers} layer${c.num_hidden_layers === 1 ? '' : 's'}, hidden ${c.hidden_size}, ${c.num_attention_heads} heads, vocabulary ${c.vocab_size}`;
}

function describeTeacherSource(source: TeacherSource, kind: string, shape: string | undefined): string {
  const s = shape ? ` (${shape})` : '';
  switch (source.kind) {
    case 'pretrain':
      return `${PRETRAINED_HERE_KIND}${s}`;
    case 'model-dir':
      return `${kind === TEACHER_KIND ? 'pre-trained BERT from ' + path.basename(path.resolve(source.dir)) + ', fine-tuned here' : kind}${s}`;
    case 'ensemble':
      return `${kind}, seeds 1..${source.size}, trained here, probabilities averaged`;
    case 'existing':
      return `${kind}${s}, trained earlier (${path.resolve(source.dir)})`;
  }
}

/** Accuracy + macro-F1, or micro-F1 + macro-F1 for multi-label. */
function headline(m: Metrics): Record<string, number> {
  return isMultiLabelMetrics(m) ? { micro_f1: m.micro_f1, macro_f1: m.macro_f1 } : { accuracy: m.accuracy, macro_f1: m.macro_f1 };
}

function headlineText(m: Metrics): string {
  return Object.entries(headline(m))
    .map(([k, v]) => `${k} ${(100 * v).toFixed(2)}`)
    .join(', ');
}

function pickSummary(rep: RepeatedRuns, keys: string[]): Record<string, { mean: number; std: number; n: number }> {
  return Object.fromEntries(keys.filter((k) => rep.summary[k]).map((k) => [k, rep.summary[k]]));
}

function sameDocs(a: CorpusDoc[], b: CorpusDoc[]): boolean {
  return a.length === b.length && a.every((d, i) => d.id === b[i].id);
}

/** Targets only (no ids): what scoreProbs reads. */
function targetsOf(docs: CorpusDoc[], schema: LabelSchema, file: string): EncodedSet {
  const C = schema.labels.length;
  const idx = labelIndexer(schema, file);
  const multi = schema.task === 'multilabel';
  const hard = multi ? new Float32Array(docs.length * C) : new Int32Array(docs.length);
  docs.forEach((d, i) => {
    if (multi) for (const l of d.labels) hard[i * C + idx(l, d)] = 1;
    else hard[i] = idx(d.labels[0], d);
  });
  return { ids: new Int32Array(0), n: docs.length, T: 0, hard };
}

/** prelabels.jsonl: the teacher's suggestion for every row without a human label. */
async function writePrelabels(outputsFile: string, file: string, data: PreparedData, threshold: number): Promise<void> {
  const { labels, task } = data.schema;
  const multi = task === 'multilabel';
  const C = labels.length;
  const totalRows = data.corpus.docs.length + data.corpus.duplicatesRemoved + data.corpus.skippedEmpty;
  const t = await readTeacherOutputs(outputsFile, data.unlabeled, labels, multi, totalRows);
  const lines = data.unlabeled.map((d, i) => {
    const v = t.values.subarray(i * C, (i + 1) * C);
    let probs: number[];
    if (multi) probs = Array.from(v);
    else {
      const m = Math.max(...v);
      const e = Array.from(v, (z) => Math.exp(z - m));
      const s = e.reduce((a, b) => a + b, 0);
      probs = e.map((x) => x / s);
    }
    const label = multi ? labels.filter((_, c) => probs[c] >= threshold) : labels[argmax(probs)];
    const confidence = multi ? Math.min(...probs.map((p) => Math.max(p, 1 - p))) : Math.max(...probs);
    return JSON.stringify({
      id: d.id,
      text: d.text,
      label,
      confidence: Number(confidence.toFixed(6)),
      probs: Object.fromEntries(labels.map((l, c) => [l, Number(probs[c].toFixed(6))])),
      source: 'teacher',
    });
  });
  await writeFile(file, lines.join('\n') + '\n');
}

function jsonCopy(x: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(x)) as Record<string, unknown>;
}

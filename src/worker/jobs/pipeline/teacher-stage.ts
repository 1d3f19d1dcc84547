/**
 * The first stage of `distillery pipeline` (the first two with --pretrain): the teacher, in
 * OUT/teacher. A Hugging Face BERT folder fine-tuned here, a small BERT pre-trained here by masked LM
 * and then fine-tuned, an ensemble of students, or an existing teacher folder copied in.
 */
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DistilleryError, ModelFolderError } from '../../../shared/errors';
import type { Metrics } from '../../../shared/metrics';
import type { LabelSchema } from '../../../shared/task';
import { studentArchTeacherName } from '../../../shared/teacher-name';
import type { CorpusDoc } from '../../data/read-corpus';
import { loadHfFolder } from '../../teacher/checkpoint/hf-folder';
import {
  openStudentScorer,
  teacherFolderKind,
  type EnsembleTeacherInfo,
  type TeacherFolderKind,
} from '../pipeline-models';
import { readTeacherInfo, runTeacherTrain, TEACHER_KIND } from '../teacher-job';
import { toSimplified } from '../../text/normalize';
import { PRETRAINED_HERE_KIND, runTeacherPretrain } from '../teacher-pretrain-job';
import { runTrainJob } from '../train-job';
import { headline, headlineText } from './headline';
import type { PipelineRun } from './run';
import type { TeacherSource } from './types';

/** The teacher stage's name, by where the teacher comes from. */
export const STAGE_TEACHER: Record<TeacherSource['kind'], string> = {
  'model-dir': 'fine-tune teacher',
  pretrain: 'fine-tune teacher',
  ensemble: 'train teacher ensemble',
  existing: 'copy teacher',
};

export interface PipelineTeacher {
  /** What the teacher is (teacher.json's kind, or a student architecture's teacher name). */
  kind: string;
  seeds: number | number[];
  base?: string;
  /** Why an existing teacher's score may not be comparable. */
  splitNote?: string;
  /** The encoder's shape, for a BERT teacher. */
  shape?: string;
  /** One plain sentence: which kind of teacher produced the soft labels. */
  description: string;
}

/** `existingKind`: what an existing teacher folder holds (checked before any stage ran). */
export async function runTeacherStage(
  run: PipelineRun,
  existingKind: TeacherFolderKind | undefined,
): Promise<PipelineTeacher> {
  const {
    o,
    base,
    data,
    evalDocs,
    splitSeed,
    teacherSeed,
    teacherMaxLen,
    dirs,
    files,
    hooks,
    cancel,
    log,
    stage,
    total,
  } = run;
  const { teacher: source, teacherTrain, pretrain } = o;
  const { schema } = data;
  let teacherKind: string;
  let teacherSeeds: number | number[] = teacherSeed;
  let teacherBase: string | undefined;
  let splitNote: string | undefined;
  if (source.kind === 'pretrain') {
    await stage(async (progress) => {
      // Masked LM on every text but the evaluation rows' (labels are not read).
      const held = new Set<CorpusDoc>(evalDocs);
      // With --t2s the vocabulary is built from the simplified texts fine-tuning will read.
      const texts = data.corpus.docs
        .filter((d) => !held.has(d))
        .map((d) => JSON.stringify({ text: o.t2s ? toSimplified(d.text) : d.text }));
      await writeFile(files.pretrainTexts, texts.join('\n') + '\n');
      log(
        `pre-training on ${texts.length} texts (the ${evalDocs.length} ${data.test.length ? 'test' : 'validation'} texts held out)`,
      );
      const r = await runTeacherPretrain(
        {
          data: files.pretrainTexts,
          out: dirs.pretrained,
          ...pretrain,
          maxLen: teacherMaxLen!,
          seed: teacherSeed,
          backend: o.backend,
          t2s: o.t2s,
          truncate: o.truncate,
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
          // The teacher reads text as the students do (t2s; head+tail unless --truncate head).
          t2s: o.t2s,
          truncate: o.truncate,
        },
        progress,
        cancel,
      ),
    );
    for (const w of r.warnings) log(`warning: ${w}`);
    const same =
      r.sizes.train === data.train.length &&
      r.sizes.valid === data.valid.length &&
      (o.testData !== undefined || r.sizes.test === data.test.length);
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
          {
            ...base,
            model: source.arch,
            architecture: {},
            epochs: source.epochs ?? o.epochs,
            seed,
            out: path.join(dirs.teacher, member),
            charts: false,
          },
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
    teacherKind =
      info.kind ??
      (existingKind === 'student'
        ? studentArchTeacherName(`${await studentArch(dirs.teacher)}, a Distillery model folder`)
        : 'BERT (ONNX)');
    if (info.base) teacherBase = info.base;
    splitNote = `an existing teacher: its test score is only comparable if it was trained on this data with split seed ${splitSeed} (otherwise it may have seen the test rows)`;
    log(`note: ${splitNote}`);
  }
  const teacherShape = await bertShape(dirs.teacher);
  const teacherDescription = describeTeacherSource(source, teacherKind, teacherShape);
  return {
    kind: teacherKind,
    seeds: teacherSeeds,
    base: teacherBase,
    splitNote,
    shape: teacherShape,
    description: teacherDescription,
  };
}

/** The label check for a teacher folder that was not trained here. */
export async function checkTeacherLabels(dir: string, kind: TeacherFolderKind, schema: LabelSchema): Promise<void> {
  let labels: string[] | undefined;
  if (kind === 'student') {
    const s = await openStudentScorer(dir, 1);
    labels = s.labels;
    await s.dispose();
  } else labels = (await readTeacherInfo(dir)).labels;
  if (labels && labels.join('\u0000') !== schema.labels.join('\u0000')) {
    throw new ModelFolderError(
      `teacher ${dir} has labels (${labels.join(', ')}) but the data has (${schema.labels.join(', ')})`,
      { file: dir, field: 'labels' },
    );
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

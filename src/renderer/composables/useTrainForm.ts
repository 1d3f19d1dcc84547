/**
 * The Train view's form state, shared by its sections (components/train/): the teacher, student, α
 * sweep, BERT, binary-relevance, pre-training and text options forms, kept per project in
 * localStorage under trainFormKey (state/text-options.ts reads the text options from there); what
 * each form sends as job options; and starting a job (the label check first, the blocked notice
 * after). The view provides it once; its sections inject it instead of taking a dozen refs as props.
 */
import { computed, inject, provide, reactive, ref, watch, type InjectionKey } from 'vue';
import { useI18n } from 'vue-i18n';
import type { JobKind } from '../../shared/api';
import {
  ALPHA_SWEEP_OPTIONS,
  APP_FORM_PRESETS,
  BERT_TEACHER_OPTIONS,
  defaultsOf,
  DISTILL_OPTIONS,
  RECURRENT_ARCHITECTURES,
  STUDENT_OPTIONS,
  TEXT_OPTIONS,
  whyBadOption,
  type Architecture,
  type JobOptionsOf,
  type TokenMode,
  type TruncateMode,
} from '../../shared/job-options';
import { MAX_SWEEP_ALPHAS, parseAlphaList, whyBadSweep, type BertTeacherSource } from '../../shared/worker-protocol';
import { trainBlocker, type LabelProgress, type TrainBlocker } from '../db/logic';
import type { JobRow } from '../db/types';
import { errorText } from '../i18n';
import { currentProject, state, toast } from '../state/app';
import { jobsState, startJob } from '../state/jobs';
import { labelProgress } from '../state/label-progress';
import { backendPreset, presetFormValues, type StudentPresetName } from '../state/student-preset';
import { teacherKindsFor, teacherOfRun, teacherText, type TeacherFormKind } from '../state/teacher-kind';
import { trainFormKey } from '../state/text-options';

/** Architectures whose width the form asks for (hidden units). */
export const RECURRENT = new Set<string>(RECURRENT_ARCHITECTURES);

// The forms start at the option table's defaults (src/shared/job-options.ts), the app's presets where it has them.
const S = defaultsOf(STUDENT_OPTIONS);
const DD = defaultsOf(DISTILL_OPTIONS);
const B = defaultsOf(BERT_TEACHER_OPTIONS);
const PRESET = APP_FORM_PRESETS;
const TEACHER_DEFAULTS = { ...PRESET.teacher, model: PRESET.teacher.model as string, tokens: S.tokens as string };
/** Text options (TEXT_OPTIONS, and the students' two files): one set for the teacher and the student. */
const TX = defaultsOf(TEXT_OPTIONS);
const TEXT_DEFAULTS = { t2s: TX.t2s, truncate: TX.truncate as string, userDict: '', stopwords: '' };
const SWEEP_DEFAULTS = { alphas: PRESET.sweep.alphas.join(', '), seeds: defaultsOf(ALPHA_SWEEP_OPTIONS).seeds };
/** BERT teachers: a Hugging Face folder fine-tuned as digest A (fewer epochs: a CPU is slow), or a small BERT pre-trained here. */
const BERT_DEFAULTS = {
  modelDir: '',
  epochs: B.epochs,
  learningRate: B.learningRate,
  maxLen: B.maxLen,
  batchSize: B.batchSize,
};
/** The binary-relevance teacher's class-weight grid, as the user types it. */
const BR_DEFAULTS = { weights: B.brWeights.join(', '), base: 'model-dir' as BertTeacherSource };
const PRETRAIN_DEFAULTS = {
  layers: B.layers,
  hidden: B.hidden,
  pretrainEpochs: B.pretrainEpochs,
  epochs: B.epochs,
  learningRate: B.learningRate,
  maxLen: B.maxLen,
  batchSize: B.batchSize,
};

/** The student form's defaults: the preset of this machine's backend (as the CLI's `--preset auto`) sets its model and epochs. */
function studentDefaults(backend: string | undefined) {
  const preset = backendPreset(backend);
  return {
    ...PRESET.student,
    ...presetFormValues(preset),
    preset: preset as StudentPresetName,
    alpha: DD.alpha,
    temperature: DD.temperature,
    useUnlabeled: DD.useUnlabeled,
    selfTrain: DD.selfTrain,
    confidence: DD.confidence,
    finalFinetune: DD.finalFinetune,
    finetuneEpochs: DD.finetuneEpochs,
    /** Empty: the worker's default, a tenth of the training rate. */
    finetuneLr: '' as number | '',
  };
}

interface SavedForm {
  teacher?: Partial<typeof TEACHER_DEFAULTS>;
  student?: Partial<ReturnType<typeof studentDefaults>>;
  sweep?: Partial<typeof SWEEP_DEFAULTS>;
  teacherSource?: TeacherFormKind;
  bert?: Partial<typeof BERT_DEFAULTS>;
  br?: Partial<typeof BR_DEFAULTS>;
  pretrain?: Partial<typeof PRETRAIN_DEFAULTS>;
  text?: Partial<typeof TEXT_DEFAULTS>;
}

/** The form as the user left it for this project (kept in localStorage across views and reloads). */
function savedForm(key: string): SavedForm {
  try {
    return JSON.parse(localStorage.getItem(key) ?? '{}') as SavedForm;
  } catch {
    return {};
  }
}

function createTrainForm() {
  const { t } = useI18n();
  const p = currentProject;
  const FORM_KEY = trainFormKey(p.value?.id ?? '');
  /** Teacher kinds: binary relevance only for a multi-label project. */
  const teacherSources = computed(() => teacherKindsFor(p.value?.task ?? ''));
  const saved = savedForm(FORM_KEY);
  const teacher = reactive({ ...TEACHER_DEFAULTS, ...saved.teacher });
  const student = reactive({ ...studentDefaults(state.info?.backend), ...saved.student });
  const sweep = reactive({ ...SWEEP_DEFAULTS, ...saved.sweep });
  const teacherSource = ref<TeacherFormKind>(
    teacherSources.value.includes(saved.teacherSource as TeacherFormKind) ? saved.teacherSource! : 'student',
  );
  const bert = reactive({ ...BERT_DEFAULTS, ...saved.bert });
  const br = reactive({ ...BR_DEFAULTS, ...saved.br });
  const pretrain = reactive({ ...PRETRAIN_DEFAULTS, ...saved.pretrain });
  const text = reactive({ ...TEXT_DEFAULTS, ...saved.text });
  watch([teacher, student, sweep, teacherSource, bert, br, pretrain, text], () => {
    try {
      localStorage.setItem(
        FORM_KEY,
        JSON.stringify({ teacher, student, sweep, teacherSource: teacherSource.value, bert, br, pretrain, text }),
      );
    } catch {
      /* private mode */
    }
  });

  const counts = ref<LabelProgress | null>(null);
  const starting = ref(false);
  const blockedShown = ref<TrainBlocker | null>(null);
  const blocker = computed(() => (counts.value && p.value ? trainBlocker(counts.value, p.value.task) : null));
  const active = computed<JobRow | undefined>(() =>
    jobsState.runs.find((j) => j.state === 'queued' || j.state === 'running'),
  );

  /** The α values of the sweep field, and what is wrong with them ('' when nothing). */
  const sweepAlphas = computed(() => parseAlphaList(String(sweep.alphas ?? '')));
  const sweepProblem = computed(() =>
    !sweepAlphas.value || whyBadSweep(sweepAlphas.value, sweep.seeds)
      ? t('train.sweepBad', { max: MAX_SWEEP_ALPHAS })
      : '',
  );
  const brWeights = computed(() => parseAlphaList(String(br.weights ?? '')));
  /** A binary-relevance teacher's base: a local folder (the BERT form) or a small BERT pre-trained here (the pre-training form). */
  const brFromFolder = computed(() => teacherSource.value === 'binary-relevance' && br.base !== 'pretrain');
  const bertProblem = computed(() => {
    const kind = teacherSource.value;
    if ((kind === 'model-dir' || brFromFolder.value) && !String(bert.modelDir ?? '').trim())
      return t('train.bertNeedDir');
    if (
      kind === 'binary-relevance' &&
      (!brWeights.value || whyBadOption('brWeights', BERT_TEACHER_OPTIONS.brWeights, brWeights.value))
    )
      return t('train.br.weightsBad');
    return '';
  });
  /** The teacher whose soft labels the student will learn from, named as the UI names teachers. */
  const currentTeacher = computed(() => {
    const proj = p.value;
    if (!proj?.teacherVersion) return '';
    const d =
      proj.teacherKind ??
      teacherOfRun(
        jobsState.runs.find((r) => r.state === 'done' && r.result?.modelVersion === proj.teacherVersion) ?? {
          kind: 'score',
          options: {},
        },
      );
    return d ? teacherText(d, t) : proj.teacherVersion;
  });
  /** Self-training is for single-label projects (the worker refuses multi-label ones). */
  const canSelfTrain = computed(() => p.value?.task !== 'multilabel');
  /** Whether the distillation runs self-training rounds. */
  const selfTraining = computed(() => canSelfTrain.value && Number(student.selfTrain) > 0);

  /** The text options as job options: t2s and truncation for every model; the two files (left out when empty) for students. */
  function textOptions(withFiles: boolean): JobOptionsOf<'train-student'> {
    const file = (v: string) => String(v ?? '').trim() || undefined;
    return {
      t2s: text.t2s,
      truncate: text.truncate as TruncateMode,
      ...(withFiles ? { userDict: file(text.userDict), stopwords: file(text.stopwords) } : {}),
    };
  }

  /** The BERT teacher form as job options (see BertTeacherOptions). */
  function bertOptions(): JobOptionsOf<'train-bert-teacher'> {
    const kind = teacherSource.value;
    const brOptions =
      kind === 'binary-relevance' ? { binaryRelevance: true, brWeights: brWeights.value ?? undefined } : {};
    if (kind === 'model-dir' || brFromFolder.value) {
      return {
        source: 'model-dir' as const,
        modelDir: String(bert.modelDir ?? '').trim(),
        epochs: bert.epochs,
        learningRate: bert.learningRate,
        maxLen: bert.maxLen,
        batchSize: bert.batchSize,
        ...textOptions(false),
        ...brOptions,
      };
    }
    const o = pretrain;
    return {
      source: 'pretrain',
      layers: o.layers,
      hidden: o.hidden,
      pretrainEpochs: o.pretrainEpochs,
      epochs: o.epochs,
      learningRate: o.learningRate,
      maxLen: o.maxLen,
      batchSize: o.batchSize,
      ...textOptions(false),
      ...brOptions,
    };
  }

  /** The student form as job options (distill and α sweep). */
  function studentOptions(): JobOptionsOf<'distill'> {
    return {
      model: student.model as Architecture,
      alpha: student.alpha,
      temperature: student.temperature,
      epochs: student.epochs,
      batchSize: student.batchSize,
      patience: student.patience,
      preset: student.preset,
      // Self-training picks the unlabeled documents it uses itself (the worker refuses both).
      useUnlabeled: selfTraining.value ? false : student.useUnlabeled,
      ...(selfTraining.value
        ? {
            selfTrain: student.selfTrain,
            confidence: student.confidence,
            finalFinetune: student.finalFinetune,
            ...(student.finalFinetune ? { finetuneEpochs: student.finetuneEpochs } : {}),
            ...(student.finalFinetune && student.finetuneLr !== '' ? { finetuneLr: student.finetuneLr } : {}),
          }
        : {}),
      // han sizes its sentence grid from the data instead of a flat length.
      maxLen: student.model === 'han' ? undefined : teacher.maxLen,
      tokens: teacher.tokens as TokenMode,
      ...textOptions(true),
      ...(RECURRENT.has(student.model) ? { hidden: student.hidden } : {}),
    };
  }

  /** Refreshes the label counts the blocked notice reads. */
  async function loadCounts(): Promise<void> {
    if (p.value) counts.value = await labelProgress(p.value);
  }

  async function start(kind: Exclude<JobKind, 'score'>) {
    if (teacherSource.value === 'binary-relevance' && !teacherSources.value.includes('binary-relevance'))
      teacherSource.value = 'student';
    const proj = p.value;
    if (!proj) return;
    counts.value = await labelProgress(proj);
    if (blocker.value) {
      blockedShown.value = blocker.value;
      return;
    }
    blockedShown.value = null;
    if (kind === 'alpha-sweep' && sweepProblem.value) return;
    if (kind === 'train-bert-teacher' && bertProblem.value) return;
    starting.value = true;
    try {
      const { hidden, ...rest } = teacher;
      let options: Record<string, unknown>;
      if (kind === 'train-student')
        options = { ...rest, ...textOptions(true), ...(RECURRENT.has(teacher.model) ? { hidden } : {}) };
      else if (kind === 'train-bert-teacher') options = bertOptions();
      else if (kind === 'distill') options = studentOptions();
      else {
        // The sweep sets α itself and runs no self-training rounds.
        const { alpha, selfTrain, confidence, finalFinetune, finetuneEpochs, finetuneLr, ...others } = studentOptions();
        void [alpha, selfTrain, confidence, finalFinetune, finetuneEpochs, finetuneLr];
        options = { ...others, alphas: sweepAlphas.value, seeds: sweep.seeds };
      }
      const job = await startJob(proj, kind, JSON.parse(JSON.stringify(options)) as Record<string, unknown>);
      if (job.left > 0) toast('info', t('train.leftOut', { n: job.left }));
      toast('info', t('train.started', { kind: t(`train.kinds.${kind}`) }));
    } catch (e) {
      toast('error', errorText(e));
    } finally {
      starting.value = false;
    }
  }

  async function rescore() {
    const proj = p.value;
    if (!proj?.teacherVersion) return;
    starting.value = true;
    try {
      await startJob(proj, 'score', {});
      toast('info', t('train.started', { kind: t('train.kinds.score') }));
    } catch (e) {
      toast('error', errorText(e));
    } finally {
      starting.value = false;
    }
  }

  return {
    teacherSources,
    teacher,
    student,
    sweep,
    teacherSource,
    bert,
    br,
    pretrain,
    text,
    starting,
    active,
    blocker,
    blockedShown,
    sweepProblem,
    brFromFolder,
    bertProblem,
    currentTeacher,
    canSelfTrain,
    selfTraining,
    loadCounts,
    start,
    rescore,
  };
}

export type TrainForm = ReturnType<typeof createTrainForm>;
const TRAIN_FORM: InjectionKey<TrainForm> = Symbol('train-form');

/** The Train view's call: makes the form for the current project and hands it to the sections below. */
export function provideTrainForm(): TrainForm {
  const form = createTrainForm();
  provide(TRAIN_FORM, form);
  return form;
}

/** A Train view section's call: the form its view provided. */
export function useTrainForm(): TrainForm {
  const form = inject(TRAIN_FORM);
  if (!form) throw new Error('useTrainForm: no Train view above this component (provideTrainForm)');
  return form;
}

import { Command } from 'commander';
import { ALPHA_SWEEP_OPTIONS, DISTILL_OPTIONS } from '../../shared/job-options';
import { runAlphaSweep } from '../../worker/jobs/alpha-sweep';
import { DistilleryError } from '../../shared/errors';
import { runRepeated } from '../../worker/jobs/repeated-runs';
import { checkSelfTrainOptions, runSelfTraining, type SelfTrainResult } from '../../worker/jobs/self-train';
import {
  describeTeacherOutputs,
  readTeacherOutputsMeta,
  teacherOutputsNameLabels,
} from '../../worker/jobs/teacher-outputs';
import { announceBackend } from '../backend-info';
import { sigintCancel } from '../cancel';
import {
  addTrainOptions,
  applyStudentDefaults,
  int,
  presetOption,
  sourceAlphaOptions,
  tableOption,
  trainJobOptions,
} from '../options';
import { info, stderrProgress } from '../progress';
import { printTrainSummary } from './train-summary';

const LOSS_HELP = `
Loss (single-label): L = α · ρ² · KL(softmax(z_T/ρ) ‖ softmax(z_S/ρ)) + (1 − α) · CE(y, z_S)
  α weights the DISTILLATION (KL) term; 1 − α weights cross-entropy with the human labels.
  ρ is the temperature; ρ² keeps the soft term's gradients on the same scale for every ρ.
  (Digest A's prose reads α = 0.2 as "80 % distillation", which contradicts its own formula;
  Distillery follows the formula.)
Loss (multi-label): L = α · BCE(σ(z_S), p_T) + (1 − α) · BCE(σ(z_S), y)   (digest B: α = 1).
Per-source α (--source-col, --source-alpha): each row's α is its label source's, and its hard term is
  also multiplied by the source's weight w_s (--source-weights):  α_s·ρ²·KL + (1 − α_s)·w_s·CE.
  Accepted model pre-labels (teacher, student) default to α = 1: the label is the model's own guess,
  so the row trains on the teacher's soft target only. Other sources take the global --alpha.
Teacher outputs: JSONL, one line per data row: {"id": …, "logits": [...]} or {"id": …, "probs": [...]}
  (or a bare array of logits); aligned by "id" when every line has one, else by row order.
  Columns are matched to the data's labels by name: values keyed by label ({"probs": {"a": 0.9, …}}) or
  arrays in the order of the "labels" of <file>.teacher.json; a teacher with other labels is refused.
  Arrays with no sidecar are taken in the data's label order (numbers by value, then the rest), unchecked.
  \`distillery predict --model A --model B … --teacher-format\` writes such a file from one model or an ensemble.`;

export function distillCommand(): Command {
  return addTrainOptions(
    new Command('distill')
      .description("Train a student on a teacher's soft labels plus the human labels (knowledge distillation).")
      .requiredOption('--data <file>', 'corpus: labeled rows, and unlabeled rows for --use-unlabeled')
      .option(
        '--teacher-outputs <file>',
        "teacher logits or probabilities per data row (JSONL); optional with --self-train (round 0's student is then the first teacher)",
      )
      .option('--out <dir>', 'model folder (or sweep folder with --alpha-sweep)', 'runs/distilled')
      .addOption(tableOption(DISTILL_OPTIONS, 'alpha'))
      .addOption(tableOption(DISTILL_OPTIONS, 'sourceAlpha'))
      .addOption(tableOption(DISTILL_OPTIONS, 'temperature'))
      .option('--teacher-name <text>', DISTILL_OPTIONS.teacherName.help)
      .addOption(tableOption(DISTILL_OPTIONS, 'useUnlabeled'))
      .addOption(tableOption(DISTILL_OPTIONS, 'selfTrain'))
      .addOption(tableOption(DISTILL_OPTIONS, 'confidence'))
      .addOption(tableOption(DISTILL_OPTIONS, 'unlabeledFrac'))
      .addOption(tableOption(DISTILL_OPTIONS, 'finalFinetune'))
      .addOption(tableOption(DISTILL_OPTIONS, 'finetuneEpochs'))
      .addOption(tableOption(DISTILL_OPTIONS, 'finetuneLr'))
      .option('--runs <n>', 'repeat with seeds seed..seed+n-1 on the same split; report mean ± std', int('--runs'), 1)
      .option('--alpha-sweep', 'train for each α in --alphas and write a table and chart (digest A)')
      .addOption(tableOption(ALPHA_SWEEP_OPTIONS, 'alphas'))
      .addOption(presetOption())
      .addHelpText('after', LOSS_HELP),
  ).action(async (o, cmd: Command) => {
    if (o.selfTrain > 0) return selfTrain(o, cmd);
    if (o.finalFinetune)
      throw new DistilleryError(
        'CONFIG',
        '--final-finetune fine-tunes the last self-training round on the human labels: give --self-train 1 or more',
        { field: 'finalFinetune' },
      );
    if (!o.teacherOutputs)
      throw new DistilleryError(
        'CONFIG',
        "required option '--teacher-outputs <file>' not specified (it is optional with --self-train only)",
        { field: 'teacherOutputs' },
      );
    const meta = await readTeacherOutputsMeta(o.teacherOutputs);
    const teacherName = (o.teacherName as string | undefined) ?? (meta ? describeTeacherOutputs(meta) : undefined);
    info(
      `teacher: ${teacherName ?? `not named (soft labels from ${o.teacherOutputs}; --teacher-name names it in the model card)`}`,
    );
    if (!(await teacherOutputsNameLabels(o.teacherOutputs))) {
      info(
        `warning: ${o.teacherOutputs} names no labels (no "labels" in its .teacher.json, values not keyed by label): its columns are taken in the data's label order, unchecked`,
      );
    }
    const opts = {
      ...trainJobOptions(o),
      teacherOutputs: o.teacherOutputs as string,
      teacherName,
      alpha: o.alpha as number,
      ...sourceAlphaOptions(o),
      temperature: o.temperature as number,
      useUnlabeled: Boolean(o.useUnlabeled),
    };
    const cancel = sigintCancel();
    try {
      const defaults = applyStudentDefaults(opts, cmd, (await announceBackend(opts.backend)).name);
      if (defaults) info(defaults);
      if (o.alphaSweep) {
        info(
          `distillery distill --alpha-sweep: ${o.alphas.length} α values × ${o.runs} seed(s) at ρ = ${opts.temperature}`,
        );
        const sweep = await runAlphaSweep(opts, o.alphas, o.runs, o.out, (label) => stderrProgress(label), cancel);
        process.stdout.write(
          JSON.stringify({ temperature: opts.temperature, rows: sweep.rows, best: sweep.best, files: sweep.files }) +
            '\n',
        );
        for (const r of sweep.rows)
          info(`α=${r.alpha.toFixed(2)}  accuracy ${(100 * r.mean).toFixed(2)} ± ${(100 * r.std).toFixed(2)}`);
        return;
      }
      info(
        `distillery distill: ${opts.model} on ${opts.data}, α=${opts.alpha} (distillation weight), ρ=${opts.temperature}`,
      );
      const rep = await runRepeated(
        opts,
        o.runs,
        (r) => stderrProgress(o.runs > 1 ? `[run ${r + 1}/${o.runs}] ` : ''),
        cancel,
      );
      printTrainSummary(rep, opts, {
        alpha: opts.alpha,
        temperature: opts.temperature,
        teacher_outputs: opts.teacherOutputs,
      });
    } finally {
      cancel.dispose();
    }
  });
}

/** `distill --self-train ROUNDS`: rounds of pseudo-labeling (src/worker/jobs/self-train.ts), one seed per --runs. */
async function selfTrain(
  o: Record<string, unknown> & {
    selfTrain: number;
    confidence: number;
    unlabeledFrac: number;
    finalFinetune?: boolean;
    finetuneEpochs?: number;
    finetuneLr?: number;
    runs: number;
  },
  cmd: Command,
): Promise<void> {
  if (o.alphaSweep)
    throw new DistilleryError('CONFIG', '--self-train and --alpha-sweep are separate experiments: give one', {
      field: 'selfTrain',
    });
  const opts = {
    ...trainJobOptions(o),
    teacherOutputs: o.teacherOutputs as string | undefined,
    teacherName: o.teacherName as string | undefined,
    alpha: o.alpha as number,
    ...sourceAlphaOptions(o),
    temperature: o.temperature as number,
    useUnlabeled: Boolean(o.useUnlabeled),
  };
  const s = {
    rounds: o.selfTrain,
    confidence: o.confidence,
    unlabeledFrac: o.unlabeledFrac,
    finalFinetune: Boolean(o.finalFinetune),
    finetuneEpochs: o.finetuneEpochs,
    finetuneLr: o.finetuneLr,
  };
  checkSelfTrainOptions(opts, s);
  const cancel = sigintCancel();
  try {
    const defaults = applyStudentDefaults(opts, cmd, (await announceBackend(opts.backend)).name);
    if (defaults) info(defaults);
    info(
      `distillery distill --self-train ${s.rounds}: ${opts.model} on ${opts.data}, confidence ≥ ${s.confidence}, first teacher: ${opts.teacherOutputs ?? 'the round-0 student'}`,
    );
    const results: SelfTrainResult[] = [];
    for (let r = 0; r < o.runs && !cancel.cancelled; r++) {
      const seed = opts.seed + r;
      const res = await runSelfTraining(
        { ...opts, seed, splitSeed: opts.splitSeed ?? opts.seed, out: r === 0 ? (o.out as string) : undefined },
        s,
        (round) => stderrProgress(`[seed ${seed} round ${round}] `),
        cancel,
      );
      for (const x of res.rounds)
        info(
          `seed ${seed} round ${x.round}: accuracy ${(100 * (x.metrics.accuracy ?? NaN)).toFixed(2)} %${x.pseudo ? `, ${x.pseudo.keptTotal} pseudo-labels, precision ${x.pseudo.precision === null ? '—' : (100 * x.pseudo.precision).toFixed(2) + ' %'}` : ''}`,
        );
      const ft = res.finalFinetune;
      if (ft)
        info(
          `seed ${seed} final fine-tune on ${ft.rows} human labels (${ft.epochs} epochs, lr ${ft.learningRate}): accuracy ${(100 * (ft.before.accuracy ?? NaN)).toFixed(2)} → ${(100 * (ft.after.accuracy ?? NaN)).toFixed(2)} %`,
        );
      results.push(res);
    }
    process.stdout.write(JSON.stringify({ selfTraining: results }) + '\n');
  } finally {
    cancel.dispose();
  }
}

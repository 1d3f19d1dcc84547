/**
 * A job's progress as the UI shows it. The worker names its phase in a fixed English vocabulary
 * ("epoch 3/10", "scoring", "α = 0.5 (2/5) · epoch 1/8", "2/3 fine-tune …" for a BERT teacher's
 * stages); here it becomes message keys (so zh-CN gets Chinese), and the phase tells what `done /
 * total` counts: training counts batches over all epochs, scoring counts documents. Pure (no Vue).
 */
/** What `done / total` counts; 'steps' for a phase not known here; 'none' where the count means nothing (a one-step phase). */
export type ProgressUnit = 'batches' | 'documents' | 'models' | 'rounds' | 'steps' | 'none';

/** One piece of the phase: a message key under `train.phases` and its parameters, or text as the worker sent it. */
export type PhasePart = { key: string; params: Record<string, string | number> } | { raw: string };

export interface PhaseText {
  parts: PhasePart[];
  unit: ProgressUnit;
}

const EPOCH = /^(teacher |pretrain )?epoch (\d+)\/(\d+)( done)?$/;
const SWEEP = /^α = (\S+) \((\d+)\/(\d+)(?:, seed (\d+)\/(\d+))?\)$/;
const STAGE = /^(\d+)\/(\d+) (.+)$/;
/** A binary-relevance teacher's runs (worker/teacher/train/binary-relevance.ts): "label 2/3 price", "weight 1/7 (0.05)". */
const BR_LABEL = /^label (\d+)\/(\d+) (.+)$/;
const BR_WEIGHT = /^weight (\d+)\/(\d+) \((\S+)\)$/;
/** Self-training's rounds (worker/process/run-job.ts): "round 1/3". */
const ROUND = /^round (\d+)\/(\d+)$/;
/** The labeling-budget simulator's rounds (worker/jobs/simulate-job.ts): "run 1/3 full data", "run 1/3 entropy 40 labels". */
const SIM = /^run (\d+)\/(\d+) (?:full data|(\S+) (\d+) labels)$/;
const SIMPLE: Record<string, { key: string; unit: ProgressUnit }> = {
  starting: { key: 'starting', unit: 'none' },
  done: { key: 'done', unit: 'none' },
  latency: { key: 'latency', unit: 'none' },
  scoring: { key: 'scoring', unit: 'documents' },
  'teacher predict': { key: 'predicting', unit: 'documents' },
  evaluate: { key: 'evaluate', unit: 'models' },
  /** Self-training's last phase (worker/jobs/train-job.ts FineTunePhase): "final fine-tune · epoch 1/2". */
  'final fine-tune': { key: 'finalFinetune', unit: 'none' },
};

/** Splits and names the worker's phase text. Unknown text stays as it is (its count then has no unit). */
export function phaseText(phase: string): PhaseText {
  const parts: PhasePart[] = [];
  let unit: ProgressUnit | undefined;
  for (const segment of phase.split(' · ')) {
    let s = segment.trim();
    const stage = STAGE.exec(s);
    if (stage) {
      parts.push({ key: 'stage', params: { i: Number(stage[1]), n: Number(stage[2]) } });
      s = stage[3];
    }
    const epoch = EPOCH.exec(s);
    const sweep = SWEEP.exec(s);
    const simple = Object.hasOwn(SIMPLE, s) ? SIMPLE[s] : undefined;
    const sim = SIM.exec(s);
    const brLabel = BR_LABEL.exec(s);
    const brWeight = BR_WEIGHT.exec(s);
    const round = ROUND.exec(s);
    if (brLabel) {
      parts.push({ key: 'brLabel', params: { i: Number(brLabel[1]), n: Number(brLabel[2]), label: brLabel[3] } });
    } else if (brWeight) {
      parts.push({ key: 'brWeight', params: { i: Number(brWeight[1]), n: Number(brWeight[2]), weight: brWeight[3] } });
    } else if (round) {
      parts.push({ key: 'selfTrainRound', params: { i: Number(round[1]), n: Number(round[2]) } });
    } else if (sim) {
      const run = { i: Number(sim[1]), n: Number(sim[2]) };
      parts.push(
        sim[3]
          ? { key: 'simRound', params: { ...run, strategy: sim[3], labels: Number(sim[4]) } }
          : { key: 'simRunFull', params: run },
      );
      unit = 'rounds';
    } else if (epoch) {
      const kind =
        epoch[1]?.trim() === 'teacher' ? 'teacherEpoch' : epoch[1]?.trim() === 'pretrain' ? 'pretrainEpoch' : 'epoch';
      parts.push({
        key: epoch[4] ? `${kind}Done` : kind,
        params: { epoch: Number(epoch[2]), epochs: Number(epoch[3]) },
      });
      unit = 'batches';
    } else if (sweep) {
      parts.push({ key: 'sweepAlpha', params: { alpha: sweep[1], i: Number(sweep[2]), n: Number(sweep[3]) } });
      if (sweep[4]) parts.push({ key: 'seed', params: { i: Number(sweep[4]), n: Number(sweep[5]) } });
    } else if (simple) {
      parts.push({ key: simple.key, params: {} });
      unit = simple.unit;
    } else if (s) {
      parts.push({ raw: s });
    }
  }
  return { parts, unit: unit ?? (parts.some((p) => 'raw' in p) ? 'steps' : 'none') };
}

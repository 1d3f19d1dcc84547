/**
 * The live loop (issue #12 item 5): every N new human labels the worker's 'fast-prelabel' job
 * retrains naive Bayes, scores it, the latest student and the teacher on the gold set, and the best
 * re-orders the queue. Pure: the setting with its defaults, when a retrain is due, and the record of
 * which model ordered the queue.
 */
import { passedOver, type GoldScore, type QueueChoice, type QueueModelKind } from '../../shared/queue-model-choice';
import { MIN_LABELED } from '../../shared/worker-protocol';

export interface LiveLoopSetting {
  enabled: boolean;
  /** New human labels between two automatic retrains. */
  every: number;
}

export const LIVE_LOOP_DEFAULT: LiveLoopSetting = { enabled: true, every: 20 };
export const LIVE_LOOP_EVERY = { min: 1, max: 10_000 } as const;

/** Which model's scores ordered the queue last: naive Bayes, the student or the teacher (chosen on the gold set, trained or re-scored). */
export interface QueueModel {
  kind: QueueModelKind;
  version: string;
  /** Labeled documents when it was chosen or trained (human labels for the live loop). */
  labels: number;
  /** Its score on the gold set when the live loop chose it (absent before the project had a gold set). */
  gold?: GoldScore;
  /** When its scores reached the database (ISO time). */
  at: string;
  /** Costlier models that scored higher on the gold set but not by more than the noise, so the cheaper one kept the queue. */
  over?: QueueModelKind[];
}

/** The record of the model the live loop's job chose (naive Bayes when the job reported no choice). */
export function queueModelOfChoice(
  c: QueueChoice | undefined,
  version: string,
  labels: number,
  at: string,
): QueueModel {
  const chosen = c?.candidates[c.chosen];
  const over = c ? passedOver(c) : [];
  return {
    kind: chosen?.kind ?? 'nb',
    version,
    labels,
    at,
    ...(chosen?.gold ? { gold: chosen.gold } : {}),
    ...(over.length ? { over } : {}),
  };
}

/** The project's setting, defaults filled in and `every` kept in range. */
export function liveLoopOf(p: { liveLoop?: Partial<LiveLoopSetting> }): LiveLoopSetting {
  const every = Number(p.liveLoop?.every);
  return {
    enabled: p.liveLoop?.enabled ?? LIVE_LOOP_DEFAULT.enabled,
    every: Number.isInteger(every)
      ? Math.min(LIVE_LOOP_EVERY.max, Math.max(LIVE_LOOP_EVERY.min, every))
      : LIVE_LOOP_DEFAULT.every,
  };
}

/**
 * Whether to start the live loop's job now: on, not already running, enough labels to train at all,
 * and at least `every` human labels more than when the queue was last ordered (or a retrain last
 * tried). A project with a teacher keeps retraining: the job compares the teacher with naive Bayes
 * on the gold set and the better one orders the queue.
 */
export function retrainDue(s: LiveLoopSetting, humanLabels: number, since: number, busy: boolean): boolean {
  return s.enabled && !busy && humanLabels >= MIN_LABELED && humanLabels - since >= s.every;
}

/** "14:03" in the UI's locale (24-hour clock). */
export function clockTime(iso: string, locale: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? ''
    : d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', hour12: false });
}

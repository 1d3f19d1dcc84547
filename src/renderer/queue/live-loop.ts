/**
 * The live loop (issue #12 item 5): the fast model (naive Bayes, the worker's 'fast-prelabel' job)
 * is retrained every N new human labels and re-orders the queue. Pure: the setting with its
 * defaults, when a retrain is due, and the record of which model ordered the queue.
 */
import { MIN_LABELED } from '../../shared/worker-protocol';

export interface LiveLoopSetting {
  enabled: boolean;
  /** New human labels between two automatic retrains. */
  every: number;
}

export const LIVE_LOOP_DEFAULT: LiveLoopSetting = { enabled: true, every: 20 };
export const LIVE_LOOP_EVERY = { min: 1, max: 10_000 } as const;

/** Which model's scores ordered the queue last: the fast naive Bayes or a teacher (trained or re-scored). */
export interface QueueModel {
  kind: 'nb' | 'teacher';
  version: string;
  /** Labeled documents the model was trained on (human labels for naive Bayes). */
  labels: number;
  /** When its scores reached the database (ISO time). */
  at: string;
}

/** The project's setting, defaults filled in and `every` kept in range. */
export function liveLoopOf(p: { liveLoop?: Partial<LiveLoopSetting> }): LiveLoopSetting {
  const every = Number(p.liveLoop?.every);
  return {
    enabled: p.liveLoop?.enabled ?? LIVE_LOOP_DEFAULT.enabled,
    every: Number.isInteger(every) ? Math.min(LIVE_LOOP_EVERY.max, Math.max(LIVE_LOOP_EVERY.min, every)) : LIVE_LOOP_DEFAULT.every,
  };
}

/**
 * Whether to start the fast model now: on, not already training, no teacher's scores in the documents,
 * enough labels to train at all, and at least `every` human labels more than when the queue was last
 * ordered (or a retrain last tried). A teacher's scores are the soft labels distillation learns from;
 * documents hold one set of scores, so naive Bayes would overwrite them: the loop pauses instead.
 */
export function retrainDue(s: LiveLoopSetting, humanLabels: number, since: number, busy: boolean, teacherScored = false): boolean {
  return s.enabled && !busy && !teacherScored && humanLabels >= MIN_LABELED && humanLabels - since >= s.every;
}

/** "14:03" in the UI's locale (24-hour clock). */
export function clockTime(iso: string, locale: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', hour12: false });
}

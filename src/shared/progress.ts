/** Progress of a long job, streamed to the CLI (stderr) or the UI. */
export interface Progress {
  phase: string;
  done: number;
  total: number;
  /** Seconds left, estimated from the rate so far. */
  etaSeconds?: number;
  /** Live metrics, e.g. {loss: 0.41, val_accuracy: 0.87}. */
  metrics?: Record<string, number>;
}

export type ProgressSink = (p: Progress) => void;

/** Cancellation: checked by long loops after every batch. */
export interface CancelToken {
  readonly cancelled: boolean;
}

export function etaSeconds(startMs: number, nowMs: number, done: number, total: number): number | undefined {
  if (done <= 0 || done >= total) return done >= total ? 0 : undefined;
  return ((nowMs - startMs) / 1000) * ((total - done) / done);
}

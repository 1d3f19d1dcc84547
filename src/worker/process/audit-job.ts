/**
 * The label-noise audit as an app job ('audit', issue #10 item 6): the project's final labels
 * (`docs.labeled`) go through the same code as `distillery audit` (worker/audit/label-audit.ts:
 * K-fold naive Bayes out-of-fold probabilities, confident learning); the suspects come back in the
 * result for the Adjudicate view's review queue. Nothing is written to the project folder.
 * The folds run synchronously: progress after each fold, a cancel takes effect at the next fold.
 */
import type { JobRequest, JobResult } from '../../shared/api';
import { AUDIT_OPTIONS, defaultsOf, validateJobOptions } from '../../shared/job-options';
import { auditLabels } from '../audit/label-audit';
import type { JobContext } from './job-context';

export async function runAuditJob(r: JobRequest, ctx: JobContext): Promise<JobResult> {
  const o = { ...defaultsOf(AUDIT_OPTIONS), ...validateJobOptions('audit', r.options) };
  ctx.onProgress({ phase: 'audit', done: 0, total: o.folds });
  const res = auditLabels(r.docs.labeled, {
    folds: o.folds,
    seed: o.seed,
    multiLabel: r.task === 'multilabel',
    labels: r.labels,
    cancel: ctx.cancel,
    onProgress: (done, total) => ctx.onProgress({ phase: 'audit', done, total }),
  });
  return {
    modelVersion: '',
    audit: { n: res.n, folds: res.folds, oof_accuracy: res.oof_accuracy, suspects: res.suspects },
  };
}

/** The pipeline's own options, checked before any stage runs (the data and student options are checked by prepareData). */
import { DistilleryError } from '../../../shared/errors';
import { ARCH_IDS } from '../../models/registry';
import type { PipelineOptions } from './types';

export function checkOptions(o: PipelineOptions): void {
  const bad = (field: string, msg: string) => {
    throw new DistilleryError('CONFIG', msg, { field });
  };
  if (!Number.isInteger(o.runs) || o.runs < 1) bad('runs', `--runs must be at least 1, got ${o.runs}`);
  if (!(o.alpha >= 0 && o.alpha <= 1)) bad('alpha', `--alpha must be in [0, 1], got ${o.alpha}`);
  if (!(o.temperature > 0)) bad('temperature', `--temperature must be above 0, got ${o.temperature}`);
  if (!Number.isInteger(o.latency.docs) || o.latency.docs < 1)
    bad('latency-docs', `--latency-docs must be at least 1, got ${o.latency.docs}`);
  if (!o.latency.batchSizes.length || o.latency.batchSizes.some((b) => !Number.isInteger(b) || b < 1))
    bad('latency-batch', `latency batch sizes must be integers ≥ 1, got ${o.latency.batchSizes.join(', ')}`);
  if (!ARCH_IDS.includes(o.model as (typeof ARCH_IDS)[number]))
    bad('model', `unknown model "${o.model}"; valid: ${ARCH_IDS.join(', ')}`);
  const t = o.teacher;
  if (t.kind === 'ensemble') {
    if (!Number.isInteger(t.size) || t.size < 1)
      bad('teacher-ensemble', `--teacher-ensemble must be at least 1, got ${t.size}`);
    if (!ARCH_IDS.includes(t.arch as (typeof ARCH_IDS)[number]))
      bad('teacher-arch', `unknown --teacher-arch "${t.arch}"; valid: ${ARCH_IDS.join(', ')}`);
  }
  if (t.kind === 'pretrain' && o.pretrain.hidden % o.pretrain.heads !== 0)
    bad(
      'pretrain-heads',
      `--pretrain-hidden ${o.pretrain.hidden} is not a multiple of --pretrain-heads ${o.pretrain.heads}`,
    );
}

/**
 * What a run's accuracy stands on, for the runs table (pure): the number of test documents and the
 * Wilson 95 % interval under the number, the full sentence (intervals, macro rule) as its tooltip,
 * and whether the test set is below the minimum size. Runs from before these fields have none.
 */
import { MIN_TEST_DOCS, type Metrics } from '../../shared/metrics';
import { formatPercent } from '../db/logic';

type Translate = (key: string, values: Record<string, unknown>) => string;

export interface AccuracyEvidence {
  /** "n = 10 · 16.8–68.7" */
  short: string;
  title: string;
  small: boolean;
}

export function accuracyEvidence(
  m: Metrics | undefined,
  labelCount: number,
  t: Translate,
): AccuracyEvidence | undefined {
  if (!m || typeof m.n !== 'number' || !m.accuracy_ci) return undefined;
  const [lo, hi] = m.accuracy_ci.map((x) => formatPercent(x));
  const small = m.n < MIN_TEST_DOCS;
  const lines = [t('train.evidenceAccuracy', { n: m.n, lo, hi })];
  if (m.macro_f1_ci)
    lines.push(t('train.evidenceMacro', { lo: formatPercent(m.macro_f1_ci[0]), hi: formatPercent(m.macro_f1_ci[1]) }));
  if (m.macro_over) lines.push(t('train.evidenceRule', { k: m.macro_over.length, total: labelCount }));
  if (small) lines.push(t('train.smallTest', { n: m.n, min: MIN_TEST_DOCS }));
  return { short: t('train.evidenceShort', { n: m.n, lo, hi }), title: lines.join('\n'), small };
}

/** The headline metrics the pipeline logs and reports for each model. */
import { isMultiLabelMetrics, type Metrics } from '../../../shared/metrics';

/** Accuracy + macro-F1, or micro-F1 + macro-F1 for multi-label. */
export function headline(m: Metrics): Record<string, number> {
  return isMultiLabelMetrics(m)
    ? { micro_f1: m.micro_f1, macro_f1: m.macro_f1 }
    : { accuracy: m.accuracy, macro_f1: m.macro_f1 };
}

export function headlineText(m: Metrics): string {
  return Object.entries(headline(m))
    .map(([k, v]) => `${k} ${(100 * v).toFixed(2)}`)
    .join(', ');
}

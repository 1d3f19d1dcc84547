/**
 * Words the Train view's run sections share: a worker metric's name, a duration and a run's error,
 * in the UI language.
 */
import { useI18n } from 'vue-i18n';
import { fromWire } from '../../../shared/errors';
import { durationParts } from '../../db/logic';
import type { JobRow } from '../../db/types';
import { errorText } from '../../i18n';

export function useRunText() {
  const { t, te } = useI18n();
  /** A metric key of the worker ('loss', 'val_metric', 'lr'…) in the UI language. */
  function metricName(k: string): string {
    return te(`train.metricNames.${k}`) ? t(`train.metricNames.${k}`) : k;
  }
  /** "1h 03m" / "1 小时 03 分": the units in the UI language. */
  function durationText(seconds: number | undefined): string {
    const d = durationParts(seconds);
    return d ? t(`common.duration.${d.key}`, d) : '–';
  }
  function errorOf(r: JobRow): string {
    return r.error ? errorText(fromWire(r.error)) : '';
  }
  return { metricName, durationText, errorOf };
}

import { describe, expect, it } from 'vitest';
import { curveSeries, historySeries } from './chart-series';

describe('chart series', () => {
  it('splits a job curve into one series per metric, losses on the left axis', () => {
    const s = curveSeries([
      { x: 1, metrics: { loss: 0.9, val_accuracy: 0.6 } },
      { x: 2, metrics: { loss: 0.5, val_accuracy: 0.7, lr: 3 } },
    ]);
    expect(s.map((x) => [x.name, !!x.right, x.points.length])).toEqual([
      ['loss', false, 2],
      ['val_accuracy', true, 2],
      ['lr', false, 1],
    ]);
  });
  it('turns a training history into loss and validation series', () => {
    const s = historySeries([{ epoch: 1, loss: 1, valMetric: 0.5 }]);
    expect(s[0].points).toEqual([{ x: 1, y: 1 }]);
    expect(s[1]).toMatchObject({ name: 'validation', right: true });
  });
});

import { describe, expect, it } from 'vitest';
import { curveSeries, historySeries, simulationSeries, sweepSeries } from './chart-series';

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
  it('turns an α sweep into percent against α: the metric, macro-F1, and ± std bounds with several seeds', () => {
    const names = { main: 'accuracy', macroF1: 'macro F1', std: 'std' };
    const sweep = {
      temperature: 2,
      metric: 'accuracy' as const,
      seeds: 1,
      best: 0.5,
      folder: '/p/sweeps/s',
      points: [
        { alpha: 1, mean: 0.8, std: 0, n: 1, macroF1: { mean: 0.75, std: 0 } },
        { alpha: 0, mean: 0.81234, std: 0, n: 1, macroF1: { mean: 0.8, std: 0 } },
      ],
    };
    const s = sweepSeries(sweep, names);
    expect(s.map((x) => x.name)).toEqual(['accuracy', 'macro F1']);
    expect(s[0].points).toEqual([
      { x: 0, y: 81.23 },
      { x: 1, y: 80 },
    ]);
    expect(s[1].points.map((p) => p.y)).toEqual([80, 75]);
    const seeded = sweepSeries(
      { ...sweep, seeds: 3, points: sweep.points.map((p) => ({ ...p, n: 3, std: 0.02, macroF1: undefined })) },
      names,
    );
    expect(seeded.map((x) => [x.name, !!x.band])).toEqual([
      ['accuracy', false],
      ['accuracy − std', true],
      ['accuracy + std', true],
    ]);
    expect(seeded[2].points[0].y).toBeCloseTo(83.23, 6);
  });
  it('turns a simulation into one accuracy-in-percent series per strategy against labels', () => {
    const point = (labels: number, accuracy: number) => ({ labels, accuracy, macro_f1: accuracy, accuracy_std: 0 });
    const s = simulationSeries({
      docs: 100,
      pool_size: 80,
      test_size: 20,
      model: 'nb',
      runs: 1,
      full_data: { accuracy: 0.9, macro_f1: 0.9 },
      folder: '/p/simulations/s',
      strategies: {
        random: { curve: [point(10, 0.6), point(30, 0.7)], aulc: 0.65, aulc_std: 0, labels_to_95: null },
        entropy: { curve: [point(10, 0.6), point(30, 0.855)], aulc: 0.73, aulc_std: 0, labels_to_95: 30 },
      },
    });
    expect(s).toEqual([
      {
        name: 'random',
        points: [
          { x: 10, y: 60 },
          { x: 30, y: 70 },
        ],
      },
      {
        name: 'entropy',
        points: [
          { x: 10, y: 60 },
          { x: 30, y: 85.5 },
        ],
      },
    ]);
  });
});

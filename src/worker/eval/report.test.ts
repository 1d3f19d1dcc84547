import { describe, it, expect } from 'vitest';
import { multiLabelMetrics, singleLabelMetrics } from '../../shared/metrics';
import {
  escapeCell,
  formatAlphaSweepTable,
  formatComparisonTable,
  formatParams,
  formatPercent,
  formatRate,
  renderMarkdownReport,
  type EvalReport,
} from './report';

const repro = { seed: 42, config: { alpha: 0.2, temperature: 3 }, dataHash: 'sha256:abc123', backend: 'wasm' };

describe('number formatting', () => {
  it('prints percent with two decimals and mean ± std', () => {
    expect(formatPercent(0.8072)).toBe('80.72');
    expect(formatPercent(1)).toBe('100.00');
    expect(formatPercent(undefined)).toBe('—');
    expect(formatRate({ mean: 0.8072, std: 0.0041 })).toBe('80.72 ± 0.41');
    expect(() => formatPercent(80.72)).toThrow(/fractions/);
  });

  it('prints parameter counts and escapes table cells', () => {
    expect(formatParams(110_000_000)).toBe('110.00M');
    expect(formatParams(2400)).toBe('2.4k');
    expect(escapeCell('a|b\nc')).toBe('a\\|b c');
  });
});

describe('formatComparisonTable', () => {
  // Digest A's results table (mean of 5 runs, %) and model sizes.
  const rows = [
    { name: 'BERT', sizeMB: 102.27, accuracy: 0.8176, precision: 0.793, recall: 0.8377, f1: 0.8148 },
    { name: 'BiLSTM', sizeMB: 8.04, accuracy: 0.7852, precision: 0.6667, recall: 0.7143, f1: 0.6897 },
    {
      name: 'Distill-BiLSTM',
      sizeMB: 8.04,
      accuracy: { mean: 0.8072, std: 0.0041 },
      precision: 0.7333,
      recall: 0.7857,
      f1: 0.7586,
    },
  ];
  const md = formatComparisonTable(rows);

  it('shows only filled columns, best value bold', () => {
    const lines = md.split('\n');
    expect(lines[0]).toBe('| Model | Size (MB) | Accuracy | Precision | Recall | F1 |');
    expect(lines[1]).toBe('| --- | ---: | ---: | ---: | ---: | ---: |');
    expect(lines[2]).toBe('| BERT | 102.27 | **81.76** | **79.30** | **83.77** | **81.48** |');
    expect(lines[4]).toBe('| Distill-BiLSTM | 8.04 | 80.72 ± 0.41 | 73.33 | 78.57 | 75.86 |');
    expect(md).not.toContain('Latency');
  });

  it('adds latency, params and multi-label columns when present', () => {
    const t = formatComparisonTable([
      { name: 'HAN student', params: 1_234_567, micro_f1: 0.7754, macro_f1: 0.71, latencyMs: 1.234 },
      { name: 'HAN teacher', micro_f1: 0.7573, macro_f1: 0.6936 },
    ]);
    expect(t.split('\n')[0]).toBe('| Model | Params | Micro-F1 | Macro-F1 | Latency (ms/doc) |');
    expect(t).toContain('| HAN student | 1.23M | **77.54** | **71.00** | 1.23 |');
    expect(t).toContain('| HAN teacher | — | 75.73 | 69.36 | — |');
  });
});

describe('formatAlphaSweepTable', () => {
  it('sorts by α and bolds the best mean (digest A: α = 0.2 at T = 3)', () => {
    const digest = [0.7894, 0.7898, 0.8072, 0.7842, 0.7822, 0.7842, 0.7806, 0.7789, 0.7733, 0.7704];
    const rows = digest.map((mean, i) => ({ alpha: i / 10, temperature: 3, mean, std: 0.004 })).reverse();
    const lines = formatAlphaSweepTable(rows).split('\n');
    expect(lines[2]).toBe('| 0 | 3 | 78.94 ± 0.40 |');
    expect(lines[4]).toBe('| 0.2 | 3 | **80.72 ± 0.40** |');
    expect(lines.filter((l) => l.includes('**'))).toHaveLength(1);
    expect(formatAlphaSweepTable([{ alpha: 0.1 + 0.2, temperature: 3, mean: 0.5, std: 0 }])).toContain('| 0.3 | 3 |');
  });
});

describe('renderMarkdownReport', () => {
  const labels = ['负面', '正面'];
  const yTrue = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0];
  const yPred = [1, 1, 1, 0, 1, 1, 0, 0, 0, 0];
  const metrics = singleLabelMetrics(yTrue, yPred, labels);
  // Three seeds whose accuracies are 80.72 ∓ 0.41: sample std of (m − d, m, m + d) is d.
  const runs = [0.8031, 0.8072, 0.8113].map((accuracy, i) => ({ seed: i, metrics: { ...metrics, accuracy } }));

  const report: EvalReport = {
    title: 'Distill-BiLSTM on waimai',
    task: 'binary',
    labels,
    metrics,
    runs,
    comparison: [{ name: 'Distill-BiLSTM', accuracy: 0.8072 }],
    alphaSweep: [{ alpha: 0.2, temperature: 3, mean: 0.8072, std: 0.0041, n: 5 }],
    charts: [{ title: 'α sweep', path: 'charts/alpha sweep.png' }],
    reproducibility: repro,
  };
  const md = renderMarkdownReport(report);

  it('has the headline metrics of the positive class', () => {
    expect(md.startsWith('# Distill-BiLSTM on waimai\n')).toBe(true);
    expect(md).toContain('| Accuracy | 70.00 |');
    expect(md).toContain('| Precision (positive: 正面) | 60.00 |');
    expect(md).toContain('| F1 (positive: 正面) | 66.67 |');
    expect(md).toContain('| Weighted-F1 | 70.30 |');
  });

  it('has per-class and confusion tables', () => {
    expect(md).toContain('| 负面 | 80.00 | 66.67 | 72.73 | 6 |');
    expect(md).toContain('| true \\ predicted | 负面 | 正面 |');
    expect(md).toContain('| 负面 | 4 | 2 |');
    expect(md).toContain('| 正面 | 1 | 3 |');
  });

  it('summarizes runs as mean ± std', () => {
    expect(md).toContain('| Seed | Accuracy | Precision | Recall | F1 | Macro-F1 |');
    expect(md).toContain('| 1 | 80.72 | 60.00 | 75.00 | 66.67 | 69.70 |');
    expect(md).toContain('| **mean ± std** (n = 3) | 80.72 ± 0.41 | 60.00 ± 0.00 |');
  });

  it('includes comparison, sweep, charts and reproducibility', () => {
    expect(md).toContain('## Model comparison');
    expect(md).toContain('| 0.2 | 3 | **80.72 ± 0.41** | 5 |');
    expect(md).toContain('α weighs the distillation term');
    expect(md).toContain('![α sweep](charts/alpha%20sweep.png)');
    expect(md).toContain('- Seed: 42');
    expect(md).toContain('- Data hash: `sha256:abc123`');
    expect(md).toContain('"temperature": 3');
  });

  it('renders multi-label reports without a confusion matrix', () => {
    const ml = multiLabelMetrics(
      [
        [1, 0],
        [0, 1],
      ],
      [
        [1, 0],
        [1, 1],
      ],
      ['饮食', 'a|b'],
    );
    const out = renderMarkdownReport({
      title: 'ML',
      task: 'multilabel',
      labels: ['饮食', 'a|b'],
      metrics: ml,
      reproducibility: repro,
      runs: [{ seed: 1, metrics: ml }],
    });
    expect(out).toContain('| Subset accuracy | 50.00 |');
    expect(out).toContain('| Hamming loss | 25.00 |');
    expect(out).toContain('| 饮食 | 50.00 | 100.00 | 66.67 | 1 |');
    expect(out).toContain('| a\\|b | 100.00 | 100.00 | 100.00 | 1 |');
    expect(out).toContain('| Seed | Micro-F1 | Macro-F1 | Weighted-F1 | Subset acc. |');
    expect(out).not.toContain('Confusion');
  });

  it('says macro for multi-class P/R/F1', () => {
    const m3 = singleLabelMetrics([0, 1, 2], [0, 1, 1], ['a', 'b', 'c']);
    const out = renderMarkdownReport({
      title: 'T',
      task: 'multiclass',
      labels: ['a', 'b', 'c'],
      metrics: m3,
      reproducibility: repro,
    });
    expect(out).toContain('| F1 (macro) | 55.56 |');
  });
});

describe('what the metrics stand on (issue #12)', () => {
  it('the report states n, the Wilson and bootstrap intervals, the macro rule and a small-test warning', () => {
    // 8 of 10 right; label c never in the gold labels. Wilson 95 % for 8/10: [49.02, 94.33] %.
    const m = singleLabelMetrics([0, 0, 0, 0, 0, 1, 1, 1, 1, 1], [0, 0, 0, 0, 1, 1, 1, 1, 1, 2], ['a', 'b', 'c']);
    const md = renderMarkdownReport({
      title: 'T',
      task: 'multiclass',
      labels: ['a', 'b', 'c'],
      metrics: m,
      reproducibility: repro,
    });
    expect(md).toContain('- Accuracy 80.00 % on 10 test documents, 95 % interval 49.02–94.33 % (Wilson).');
    expect(md).toMatch(/- Macro-F1 \d+\.\d\d %, 95 % interval \d+\.\d\d–\d+\.\d\d % \(bootstrap over documents\)\./);
    expect(md).toContain(
      '- Macro averages are over the classes present in the gold labels of the test set (2 of 3 labels): a, b.',
    );
    expect(md).toContain(
      '- **Warning: only 10 test documents (fewer than 30): these metrics are rough; read the intervals.**',
    );
  });
});

/**
 * Chart images for evaluation reports: Vega-Lite spec → Vega view → SVG (headless, renderer
 * 'none'), then SVG → PNG with resvg. Each chart writes `<name>.svg` (for the UI and browsers) and
 * `<name>.png` (for Markdown reports and model cards).
 *
 * Fonts. resvg draws text with the fonts it can find: the system's (fontconfig folders such as
 * /usr/share/fonts, scanned recursively), plus files named in `RenderOptions.fontFiles` or in the
 * DISTILLERY_FONT_FILES environment variable (path-delimited). Charts ask for a CJK-capable
 * family first (Noto Sans CJK, WenQuanYi, …) and DejaVu/Arial after it; resvg also falls back per
 * character to any loaded font that has the glyph. Where no loaded font has CJK glyphs, resvg
 * draws empty boxes: the PNG is still written, the SVG keeps the real text (a browser renders it
 * with its own fonts), and the result carries a warning saying how to fix it.
 */
import type { TopLevelSpec } from 'vega-lite';
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { delimiter, dirname } from 'node:path';
import { shortLabel } from '../../shared/label-limits';

export interface ChartFiles {
  svg: string;
  png: string;
  /** Problems that did not stop rendering, e.g. CJK text with no CJK font for the PNG. */
  warnings: string[];
}

export interface RenderOptions {
  /** Extra font files (TTF/OTF/TTC) for the PNG, e.g. a CJK font on a machine without one. */
  fontFiles?: string[];
  /** PNG pixels per SVG pixel (default 2, for sharp images in reports). */
  scale?: number;
}

export interface LineSeries {
  name: string;
  points: { x: number; y: number }[];
}

export interface LineChartInput {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
}

export interface AlphaSweepPoint {
  alpha: number;
  /** Accuracy over runs, fractions in [0, 1]. */
  mean: number;
  std: number;
}

/** CJK families first so that a face covering both scripts wins; Latin-only faces after them. */
export const FONT_STACK =
  '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", ' +
  '"Droid Sans Fallback", "Microsoft YaHei", "SimHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC", ' +
  '"DejaVu Sans", "Helvetica Neue", Arial, sans-serif';

const CJK_RE =
  /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u;

export function hasCjk(s: string): boolean {
  return CJK_RE.test(s);
}

/** Rough advance width in em of one character in DejaVu Sans / a CJK face. */
function charEm(ch: string): number {
  if (CJK_RE.test(ch)) return 1;
  if (ch === ' ') return 0.32;
  if (/[A-Z]/.test(ch)) return 0.7;
  if (/[0-9]/.test(ch)) return 0.64;
  return 0.58;
}

type TextItem = { text?: unknown; fontSize?: number };
type TextMetrics = { width: (item: TextItem, text?: unknown) => number; estimateWidth: unknown };

/**
 * Without node-canvas, Vega lays text out with a width estimate of 0.8 em per character, which is
 * too narrow for CJK (1 em) and makes CJK axis labels collide with axis titles. Vega lets a host
 * replace `textMetrics.width` (vl-convert does the same); we do so only while it is the estimate.
 */
function installTextEstimate(vega: unknown): void {
  const tm = (vega as { textMetrics?: TextMetrics }).textMetrics;
  if (!tm || tm.width !== tm.estimateWidth) return;
  tm.width = (item, text) => {
    const t = text ?? item.text;
    const lines = Array.isArray(t) ? t.map(String) : t == null ? [''] : [String(t)];
    const size = item.fontSize ?? 11;
    return Math.max(...lines.map((l) => Math.ceil([...l].reduce((s, ch) => s + charEm(ch), 0) * size)));
  };
}

function fontFilesFor(opts: RenderOptions): string[] {
  const fromEnv = (process.env.DISTILLERY_FONT_FILES ?? '').split(delimiter).filter(Boolean);
  return [...(opts.fontFiles ?? []), ...fromEnv].filter((f) => existsSync(f));
}

function resvgOptions(fontFiles: string[], zoom: number): ResvgRenderOptions {
  return {
    background: 'white',
    fitTo: { mode: 'zoom', value: zoom },
    font: { loadSystemFonts: true, fontFiles, sansSerifFamily: 'DejaVu Sans', defaultFontFamily: 'DejaVu Sans' },
  };
}

/**
 * Largest PNG side in pixels. A chart's SVG grows with its labels and classes; past this the PNG is
 * drawn at a smaller zoom instead of allocating width × height × 4 bytes without bound.
 */
export const MAX_PNG_SIDE = 4096;

/** Characters of a label shown on a chart axis or legend; the full names are in labels.json. */
export const CHART_LABEL_CHARS = 32;

/** Classes drawn one by one in a confusion matrix; the rest are summed into one "other" row and column. */
export const MAX_CHART_CLASSES = 30;

/** Zoom that keeps the PNG of an SVG within MAX_PNG_SIDE on its longer side. */
export function pngZoom(svg: string, scale: number): number {
  const m = /<svg[^>]*\swidth="(\d+(?:\.\d+)?)"[^>]*\sheight="(\d+(?:\.\d+)?)"/.exec(svg.slice(0, 4096));
  const side = m ? Math.max(Number(m[1]), Number(m[2])) : 0;
  return side * scale > MAX_PNG_SIDE ? MAX_PNG_SIDE / side : scale;
}

/**
 * Labels shortened for an axis or legend, kept distinct: two names that shorten to the same text
 * get their class number appended.
 */
export function chartLabels(labels: string[], max = CHART_LABEL_CHARS): string[] {
  const short = labels.map((l) => shortLabel(l, max));
  const count = new Map<string, number>();
  for (const s of short) count.set(s, (count.get(s) ?? 0) + 1);
  const out = short.map((s, i) => (count.get(s)! > 1 ? `${s} #${i + 1}` : s));
  // Appending a number can only collide with a label that already ended in one; fall back to the index.
  return new Set(out).size === out.length ? out : out.map((s, i) => `${s} [${i + 1}]`);
}

/**
 * A confusion matrix cut to at most `maxClasses` rows and columns: the classes with the most true
 * documents (support) stay, in their original order, and the rest are summed into a last class.
 */
export function capConfusion(
  labels: string[],
  matrix: number[][],
  maxClasses = MAX_CHART_CLASSES,
): { labels: string[]; matrix: number[][]; folded: number } {
  const K = labels.length;
  if (K <= maxClasses) return { labels, matrix, folded: 0 };
  const support = matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const kept = [...Array(K).keys()]
    .sort((a, b) => support[b]! - support[a]! || a - b)
    .slice(0, maxClasses - 1)
    .sort((a, b) => a - b);
  const folded = K - kept.length;
  const slot = new Array<number>(K).fill(kept.length);
  kept.forEach((k, i) => (slot[k] = i));
  const out = Array.from({ length: kept.length + 1 }, () => new Array<number>(kept.length + 1).fill(0));
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) out[slot[i]!]![slot[j]!]! += matrix[i]![j]!;
  return { labels: [...kept.map((k) => labels[k]!), `other (${folded} labels)`], matrix: out, folded };
}

const cjkCache = new Map<string, boolean>();

/**
 * Whether resvg, with the system fonts plus `fontFiles`, draws real CJK glyphs. A missing glyph is
 * drawn as the same .notdef box for every character, so two different ideographs rendering to
 * identical pixels means there is no CJK font.
 */
export function cjkFontAvailable(fontFiles: string[] = fontFilesFor({})): boolean {
  const key = fontFiles.join(delimiter);
  const cached = cjkCache.get(key);
  if (cached !== undefined) return cached;
  const draw = (ch: string) =>
    new Resvg(
      `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">` +
        `<text x="4" y="32" font-size="30" font-family='${FONT_STACK}'>${ch}</text></svg>`,
      resvgOptions(fontFiles, 1),
    ).render().pixels;
  const ok = !draw('中').equals(draw('文'));
  cjkCache.set(key, ok);
  return ok;
}

/** Renders a Vega-Lite spec to `<outPathNoExt>.svg` and `.png`. `texts`: strings shown, for the font check. */
export async function renderVegaLite(
  outPathNoExt: string,
  spec: TopLevelSpec,
  texts: string[],
  opts: RenderOptions = {},
): Promise<ChartFiles> {
  // Loaded on first use: vega costs ~0.6 s to import, and most commands draw no chart.
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  installTextEstimate(vega);
  const withFont = { ...spec, config: { font: FONT_STACK, ...(spec.config ?? {}) } } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(withFont).spec), { renderer: 'none' });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  const fontFiles = fontFilesFor(opts);
  const warnings: string[] = [];
  if (texts.some(hasCjk) && !cjkFontAvailable(fontFiles)) {
    warnings.push(
      'No font with CJK glyphs was found, so CJK text shows as boxes in the PNG (the SVG keeps it). ' +
        'Install one (e.g. Debian fonts-noto-cjk or fonts-wqy-microhei) or set DISTILLERY_FONT_FILES to a TTF/OTF/TTC file.',
    );
  }
  const png = new Resvg(svg, resvgOptions(fontFiles, pngZoom(svg, opts.scale ?? 2))).render().asPng();
  const files = { svg: `${outPathNoExt}.svg`, png: `${outPathNoExt}.png` };
  await mkdir(dirname(files.svg), { recursive: true });
  await Promise.all([writeFile(files.svg, svg, 'utf8'), writeFile(files.png, png)]);
  return { ...files, warnings };
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Learning curves: one line per series (e.g. train loss, val accuracy) over epochs. */
export function lineChart(outPathNoExt: string, raw: LineChartInput, opts: RenderOptions = {}): Promise<ChartFiles> {
  // Texts are shortened so that no caller-supplied name can make the chart (and its PNG) grow.
  const names = chartLabels(raw.series.map((s) => s.name));
  const input: LineChartInput = {
    title: shortLabel(raw.title, 120),
    xLabel: shortLabel(raw.xLabel, 80),
    yLabel: shortLabel(raw.yLabel, 80),
    series: raw.series.map((s, i) => ({ name: names[i]!, points: s.points })),
  };
  const values = input.series.flatMap((s) => s.points.map((p) => ({ series: s.name, x: p.x, y: p.y })));
  const integerX = values.length > 0 && values.every((v) => Number.isInteger(v.x));
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    title: input.title,
    width: 480,
    height: 280,
    data: { values },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      // Epochs are integers: no 0.5 ticks.
      x: {
        field: 'x',
        type: 'quantitative',
        title: input.xLabel,
        axis: integerX ? { tickMinStep: 1, format: 'd' } : {},
      },
      y: { field: 'y', type: 'quantitative', title: input.yLabel, scale: { zero: false } },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        sort: input.series.map((s) => s.name),
        legend: input.series.length > 1 ? { orient: 'bottom' } : null,
      },
    },
  };
  return renderVegaLite(
    outPathNoExt,
    spec,
    [input.title, input.xLabel, input.yLabel, ...input.series.map((s) => s.name)],
    opts,
  );
}

/**
 * Student accuracy against the distillation weight α (digest A's sweep), with ±1 std error bars
 * and the best α marked and labelled.
 */
export function alphaSweepChart(
  outPathNoExt: string,
  rows: AlphaSweepPoint[],
  params: { temperature: number; title?: string },
  opts: RenderOptions = {},
): Promise<ChartFiles> {
  if (rows.length === 0) throw new RangeError('alpha sweep has no rows');
  const sorted = [...rows].sort((a, b) => a.alpha - b.alpha);
  const values = sorted.map((r) => ({
    alpha: r.alpha,
    acc: r.mean * 100,
    lo: (r.mean - r.std) * 100,
    hi: (r.mean + r.std) * 100,
    label: (r.mean * 100).toFixed(2),
  }));
  const bestAcc = Math.max(...values.map((v) => v.acc));
  const best = values.filter((v) => v.acc === bestAcc).slice(0, 1);
  const title = params.title ?? `Student accuracy vs α (temperature ${params.temperature})`;
  // Explicit y domain with headroom above the highest error bar for the best-value label.
  const lo = Math.min(...values.map((v) => v.lo));
  const hi = Math.max(...values.map((v) => v.hi));
  const pad = Math.max(hi - lo, 0.5) * 0.1;
  const y = { scale: { zero: false, nice: false, domain: [lo - pad, hi + 2.5 * pad] } };
  const xTitle = 'α (weight of the KL distillation term)';
  const yTitle = 'Accuracy (%)';
  const subtitle = 'L = α·KL + (1 − α)·CE; mean ± 1 std over runs';
  const x = {
    field: 'alpha',
    type: 'quantitative' as const,
    title: xTitle,
    // Ticks at the swept values when there are few of them, so each point has its α under it.
    axis: values.length <= 12 ? { values: values.map((v) => v.alpha), format: '~g' } : { format: '~g' },
    scale: { nice: false, padding: 12 },
  };
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    title: { text: title, subtitle },
    width: 480,
    height: 280,
    data: { values },
    layer: [
      {
        mark: { type: 'errorbar', color: '#666', ticks: { width: 8, color: '#666' } },
        encoding: { x, y: { field: 'lo', type: 'quantitative', title: yTitle, ...y }, y2: { field: 'hi' } },
      },
      {
        mark: { type: 'line', point: { filled: true, size: 50 }, strokeWidth: 2 },
        encoding: { x, y: { field: 'acc', type: 'quantitative', title: yTitle, ...y } },
      },
      {
        data: { values: best },
        mark: { type: 'point', filled: true, size: 140, opacity: 1, color: '#e45756' },
        encoding: { x, y: { field: 'acc', type: 'quantitative', ...y } },
      },
      {
        data: { values: best },
        mark: { type: 'text', dy: -14, fontWeight: 'bold', color: '#e45756' },
        // Above the upper error bar's cap, not on it.
        encoding: { x, y: { field: 'hi', type: 'quantitative', ...y }, text: { field: 'label' } },
      },
    ],
  };
  return renderVegaLite(outPathNoExt, spec, [title, xTitle, yTitle, subtitle], opts);
}

/**
 * Heat map of confusion[true][pred] with the count in each cell. Bounded whatever the labels: names
 * are shortened to CHART_LABEL_CHARS and beyond MAX_CHART_CLASSES classes the smaller ones are
 * summed into "other".
 */
export function confusionMatrixChart(
  outPathNoExt: string,
  allLabels: string[],
  fullMatrix: number[][],
  opts: RenderOptions & { title?: string } = {},
): Promise<ChartFiles> {
  const K0 = allLabels.length;
  if (fullMatrix.length !== K0 || fullMatrix.some((r) => r.length !== K0)) {
    throw new RangeError(`confusion matrix must be ${K0}×${K0} for ${K0} labels`);
  }
  if (new Set(allLabels).size !== K0) throw new RangeError('label names must be unique');
  const capped = capConfusion(allLabels, fullMatrix);
  const labels = chartLabels(capped.labels);
  const matrix = capped.matrix;
  const K = labels.length;
  const values = matrix.flatMap((row, i) => row.map((count, j) => ({ truth: labels[i], pred: labels[j], count })));
  const max = Math.max(1, ...values.map((v) => v.count));
  // Cells big enough for a 5-digit count; fewer, bigger cells for small label sets.
  const step = K <= 4 ? 72 : K <= 10 ? 52 : 36;
  const longest = Math.max(...labels.map((l) => [...l].reduce((s, ch) => s + charEm(ch), 0) * 11));
  const title =
    shortLabel(opts.title ?? 'Confusion matrix', 120) + (capped.folded ? ` (${K - 1} largest of ${K0} classes)` : '');
  const xTitle = 'Predicted label';
  const yTitle = 'True label';
  const axis = { labelLimit: 160, domain: false, ticks: false };
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    title,
    width: { step },
    height: { step },
    data: { values },
    encoding: {
      x: {
        field: 'pred',
        type: 'nominal',
        sort: labels,
        title: xTitle,
        axis: { ...axis, labelAngle: longest > step - 6 ? -40 : 0 },
      },
      y: { field: 'truth', type: 'nominal', sort: labels, title: yTitle, axis },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          color: { field: 'count', type: 'quantitative', title: 'Count', scale: { scheme: 'blues', domain: [0, max] } },
        },
      },
      {
        mark: { type: 'text', fontSize: K <= 10 ? 13 : 10 },
        encoding: {
          text: { field: 'count', type: 'quantitative', format: ',d' },
          // Light text on dark cells, dark text on light ones.
          color: { condition: { test: `datum.count > ${max / 2}`, value: 'white' }, value: '#222' },
        },
      },
    ],
  };
  return renderVegaLite(outPathNoExt, spec, [title, xTitle, yTitle, ...labels], opts);
}

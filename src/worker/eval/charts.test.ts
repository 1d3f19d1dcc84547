import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  alphaSweepChart,
  capConfusion,
  chartLabels,
  cjkFontAvailable,
  confusionMatrixChart,
  lineChart,
  MAX_PNG_SIDE,
} from './charts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'distillery-charts-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Checks the PNG signature and reads width/height from the IHDR chunk. */
function pngInfo(path: string): { width: number; height: number; bytes: number } {
  const b = readFileSync(path);
  expect([...b.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(b.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), bytes: statSync(path).size };
}

function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*\swidth="(\d+(?:\.\d+)?)"[^>]*\sheight="(\d+(?:\.\d+)?)"/.exec(svg);
  expect(m).not.toBeNull();
  return { width: Number(m![1]), height: Number(m![2]) };
}

function expectValidPng(path: string, svg: string): void {
  const info = pngInfo(path);
  expect(info.width).toBeGreaterThan(0);
  expect(info.height).toBeGreaterThan(0);
  expect(info.bytes).toBeGreaterThan(1024);
  // Rendered at 2× the SVG's size by default.
  const s = svgSize(svg);
  expect(info.width).toBe(Math.ceil(s.width * 2));
}

describe('charts', () => {
  it('lineChart writes an SVG with the axis titles and a PNG', async () => {
    const epochs = [1, 2, 3, 4, 5];
    const out = await lineChart(join(dir, 'curves'), {
      title: 'Learning curves',
      xLabel: 'Epoch',
      yLabel: 'Loss / accuracy',
      series: [
        { name: 'train loss', points: epochs.map((x) => ({ x, y: 1 / x })) },
        { name: 'val accuracy', points: epochs.map((x) => ({ x, y: 0.7 + x / 100 })) },
      ],
    });
    expect(out.svg).toBe(join(dir, 'curves.svg'));
    expect(out.png).toBe(join(dir, 'curves.png'));
    const svg = readFileSync(out.svg, 'utf8');
    for (const t of ['Learning curves', 'Epoch', 'Loss / accuracy', 'val accuracy']) expect(svg).toContain(t);
    expectValidPng(out.png, svg);
    expect(out.warnings).toEqual([]);
  });

  it('alphaSweepChart plots accuracy (%) against α and labels the best α', async () => {
    const digest = [0.7894, 0.7898, 0.8072, 0.7842, 0.7822, 0.7842, 0.7806, 0.7789, 0.7733, 0.7704];
    const out = await alphaSweepChart(
      join(dir, 'sweep'),
      digest.map((mean, i) => ({ alpha: i / 10, mean, std: 0.004 })),
      { temperature: 3 },
    );
    const svg = readFileSync(out.svg, 'utf8');
    expect(svg).toContain('α (weight of the KL distillation term)');
    expect(svg).toContain('Accuracy (%)');
    expect(svg).toContain('temperature 3');
    expect(svg).toContain('>80.72<');
    expectValidPng(out.png, svg);
  });

  it('confusionMatrixChart draws counts and CJK labels', async () => {
    const labels = ['负面', '正面', '中性'];
    const out = await confusionMatrixChart(join(dir, 'sub', 'cm'), labels, [
      [1320, 182, 40],
      [205, 1237, 60],
      [30, 41, 9],
    ]);
    const svg = readFileSync(out.svg, 'utf8');
    for (const t of ['Predicted label', 'True label', '负面', '中性', '>1,320<', '>9<']) expect(svg).toContain(t);
    expectValidPng(out.png, svg);
    // Without a CJK font the PNG cannot show the labels; the caller must be told.
    if (!cjkFontAvailable([])) expect(out.warnings.join(' ')).toMatch(/CJK/);
    else expect(out.warnings).toEqual([]);
  });

  it('confusionMatrixChart stays small with 100,000-character labels (names shortened, full names nowhere)', async () => {
    const labels = ['a'.repeat(100_000), 'b'.repeat(100_000)];
    const out = await confusionMatrixChart(join(dir, 'long'), labels, [
      [12, 3],
      [4, 21],
    ]);
    const svg = readFileSync(out.svg, 'utf8');
    expect(svg.length).toBeLessThan(50_000);
    expect(svg).toContain('a'.repeat(31) + '…');
    expect(svg).not.toContain('a'.repeat(33));
    const png = pngInfo(out.png);
    expect(Math.max(png.width, png.height)).toBeLessThanOrEqual(MAX_PNG_SIDE);
  });

  it('confusionMatrixChart with 1,000 classes draws the 29 largest and sums the rest into "other"', async () => {
    const K = 1000;
    const labels = Array.from({ length: K }, (_, i) => `class-${i}`);
    // Class i has i + 1 documents, all predicted right except one predicted as class 0.
    const matrix = labels.map((_, i) => labels.map((__, j) => (i === j ? i : 0) + (j === 0 ? 1 : 0)));
    const out = await confusionMatrixChart(join(dir, 'many'), labels, matrix);
    const svg = readFileSync(out.svg, 'utf8');
    expect(svg).toContain('other (971 labels)');
    expect(svg).toContain('class-999');
    expect(svg).not.toContain('class-970<');
    const png = pngInfo(out.png);
    expect(Math.max(png.width, png.height)).toBeLessThanOrEqual(MAX_PNG_SIDE);
  });

  it('capConfusion keeps every count and chartLabels keeps names distinct', () => {
    const m = [
      [5, 1, 0, 2],
      [0, 1, 0, 0],
      [1, 0, 7, 0],
      [0, 0, 1, 0],
    ];
    const c = capConfusion(['w', 'x', 'y', 'z'], m, 3);
    expect(c.labels).toEqual(['w', 'y', 'other (2 labels)']);
    expect(c.matrix).toEqual([
      [5, 0, 3],
      [1, 7, 0],
      [0, 1, 1],
    ]);
    expect(c.matrix.flat().reduce((a, b) => a + b)).toBe(m.flat().reduce((a, b) => a + b));
    const names = chartLabels(['x'.repeat(50) + '1', 'x'.repeat(50) + '2', 'short']);
    expect(new Set(names).size).toBe(3);
    expect(names[2]).toBe('short');
    expect(Math.max(...names.map((n) => n.length))).toBeLessThan(40);
  });

  it('lineChart shortens a 100,000-character series name', async () => {
    const out = await lineChart(join(dir, 'long-series'), {
      title: 'Learning curve',
      xLabel: 'epoch',
      yLabel: 'value',
      series: [
        {
          name: 'z'.repeat(100_000),
          points: [
            { x: 1, y: 0.5 },
            { x: 2, y: 0.4 },
          ],
        },
        {
          name: 'valid accuracy',
          points: [
            { x: 1, y: 0.6 },
            { x: 2, y: 0.7 },
          ],
        },
      ],
    });
    const svg = readFileSync(out.svg, 'utf8');
    expect(svg.length).toBeLessThan(50_000);
    expect(svg).not.toContain('z'.repeat(33));
    expect(Math.max(pngInfo(out.png).width, pngInfo(out.png).height)).toBeLessThanOrEqual(MAX_PNG_SIDE);
  });

  it('confusionMatrixChart refuses a matrix that does not fit the labels', () => {
    expect(() => confusionMatrixChart(join(dir, 'bad'), ['a', 'b'], [[1, 2]])).toThrow(/2×2/);
  });

  it('uses a font file given in options for CJK glyphs (per-character fallback)', async () => {
    // No CJK font may be installed here, so make one: a TrueType font whose only glyphs are
    // 中 (a square) and 文 (a triangle), under a family name no chart asks for by name.
    const font = join(dir, 'tiny-cjk.ttf');
    writeFileSync(font, tinyCjkFont());
    expect(cjkFontAvailable([font])).toBe(true);
    const out = await confusionMatrixChart(
      join(dir, 'cm-font'),
      ['中', '文'],
      [
        [3, 1],
        [0, 4],
      ],
      { fontFiles: [font] },
    );
    expect(out.warnings).toEqual([]);
    expectValidPng(out.png, readFileSync(out.svg, 'utf8'));
  });
});

/** A minimal TrueType font (cmap, glyf, head, hhea, hmtx, loca, maxp, name, post) mapping 中 and 文. */
function tinyCjkFont(): Buffer {
  const be = (parts: [string, number][]): Buffer => {
    const size = parts.reduce((s, [t]) => s + (t === 'u32' || t === 'i32' ? 4 : 2), 0);
    const b = Buffer.alloc(size);
    let o = 0;
    for (const [t, v] of parts) {
      if (t === 'u32') o = b.writeUInt32BE(v >>> 0, o);
      else if (t === 'i32') o = b.writeInt32BE(v, o);
      else if (t === 'u16') o = b.writeUInt16BE(v & 0xffff, o);
      else o = b.writeInt16BE(v, o);
    }
    return b;
  };
  const u16 = (v: number): [string, number] => ['u16', v];
  const i16 = (v: number): [string, number] => ['i16', v];
  const u32 = (v: number): [string, number] => ['u32', v];

  // One closed polygon per glyph, on-curve points, coordinates as int16 deltas.
  const glyph = (pts: [number, number][]): Buffer => {
    const xs = pts.map((p) => p[0]);
    const ys = pts.map((p) => p[1]);
    const head = be([
      i16(1),
      i16(Math.min(...xs)),
      i16(Math.min(...ys)),
      i16(Math.max(...xs)),
      i16(Math.max(...ys)),
      u16(pts.length - 1),
      u16(0),
    ]);
    const flags = Buffer.alloc(pts.length, 0x01);
    const dx = be(pts.map((p, i) => i16(p[0] - (i ? pts[i - 1][0] : 0))));
    const dy = be(pts.map((p, i) => i16(p[1] - (i ? pts[i - 1][1] : 0))));
    const g = Buffer.concat([head, flags, dx, dy]);
    return Buffer.concat([g, Buffer.alloc((4 - (g.length % 4)) % 4)]);
  };
  const g1 = glyph([
    [100, 0],
    [100, 700],
    [900, 700],
    [900, 0],
  ]);
  const g2 = glyph([
    [100, 0],
    [500, 700],
    [900, 0],
  ]);

  const names: [number, string][] = [
    [1, 'Distillery Test Glyphs'],
    [2, 'Regular'],
    [4, 'Distillery Test Glyphs'],
    [6, 'DistilleryTestGlyphs'],
  ];
  const strings = names.map(([, s]) => Buffer.from(s, 'utf16le').swap16());
  let off = 0;
  const records = names.map(([id], i) => {
    const r = [u16(3), u16(1), u16(0x409), u16(id), u16(strings[i].length), u16(off)] as [string, number][];
    off += strings[i].length;
    return r;
  });
  const seg = [0x4e2d, 0x6587, 0xffff];
  const tables: Record<string, Buffer> = {
    cmap: Buffer.concat([
      be([u16(0), u16(1), u16(3), u16(1), u32(12)]),
      be([u16(4), u16(16 + 8 * seg.length), u16(0), u16(2 * seg.length), u16(4), u16(1), u16(2)]),
      be(seg.map(u16)),
      be([u16(0)]),
      be(seg.map(u16)),
      be([u16(1 - 0x4e2d), u16(2 - 0x6587), u16(1)]),
      be(seg.map(() => u16(0))),
    ]),
    glyf: Buffer.concat([g1, g2]),
    head: be([
      u32(0x00010000),
      u32(0x00010000),
      u32(0),
      u32(0x5f0f3cf5),
      u16(3),
      u16(1000),
      u32(0),
      u32(0),
      u32(0),
      u32(0),
      i16(0),
      i16(0),
      i16(1000),
      i16(800),
      u16(0),
      u16(8),
      i16(2),
      i16(0),
      i16(0),
    ]),
    hhea: be([
      u32(0x00010000),
      i16(880),
      i16(-120),
      i16(0),
      u16(1000),
      i16(0),
      i16(0),
      i16(900),
      i16(1),
      i16(0),
      i16(0),
      i16(0),
      i16(0),
      i16(0),
      i16(0),
      i16(0),
      u16(3),
    ]),
    hmtx: be([u16(500), i16(0), u16(1000), i16(100), u16(1000), i16(100)]),
    loca: be([u16(0), u16(0), u16(g1.length / 2), u16((g1.length + g2.length) / 2)]),
    maxp: be([u32(0x00010000), u16(3), u16(4), u16(1), ...Array.from({ length: 11 }, () => u16(0))]),
    name: Buffer.concat([be([u16(0), u16(names.length), u16(6 + 12 * names.length)]), ...records.map(be), ...strings]),
    post: be([u32(0x00030000), u32(0), i16(-100), i16(50), u32(0), u32(0), u32(0), u32(0), u32(0)]),
  };
  const tags = Object.keys(tables).sort();
  const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
  const checksum = (b: Buffer) => {
    const p = pad(b);
    let s = 0;
    for (let i = 0; i < p.length; i += 4) s = (s + p.readUInt32BE(i)) >>> 0;
    return s;
  };
  let offset = 12 + 16 * tags.length;
  const dirEntries: Buffer[] = [];
  const bodies: Buffer[] = [];
  for (const tag of tags) {
    const t = tables[tag];
    dirEntries.push(Buffer.concat([Buffer.from(tag, 'latin1'), be([u32(checksum(t)), u32(offset), u32(t.length)])]));
    bodies.push(pad(t));
    offset += pad(t).length;
  }
  const n = tags.length;
  const sr = 16 * 2 ** Math.floor(Math.log2(n));
  const header = be([u32(0x00010000), u16(n), u16(sr), u16(Math.floor(Math.log2(n))), u16(n * 16 - sr)]);
  return Buffer.concat([header, ...dirEntries, ...bodies]);
}

/**
 * The audit as an app job: the request's labels through the same audit as `distillery audit`; the
 * suspects (with the suggested label) come back in result.audit; progress per fold; bad options are
 * CONFIG errors naming the option; the table's defaults are the CLI's.
 */
import { describe, expect, it } from 'vitest';
import { jobContext } from '../../../test/fixtures/job-context';
import { generateCorpus, uniqueDocs } from '../../../test/fixtures/synthetic-corpus';
import type { JobRequestOf } from '../../shared/api';
import { AUDIT_OPTIONS, defaultsOf } from '../../shared/job-options';
import { AUDIT_DEFAULTS } from '../audit/label-audit';
import { runJob } from './run-job';

const docs = uniqueDocs(generateCorpus(300, 5, 'binary'))
  .slice(0, 240)
  .map((d, i) => ({ id: `d${i}`, text: d.text, labels: [d.label] }));
// Every tenth label flipped: the audit should find many of them.
const flipped = new Set(docs.filter((_, i) => i % 10 === 3).map((d) => d.id));
const labeled = docs.map((d) => (flipped.has(d.id) ? { ...d, labels: [d.labels[0] === '1' ? '0' : '1'] } : d));
const request = (options: JobRequestOf<'audit'>['options'] = {}): JobRequestOf<'audit'> => ({
  kind: 'audit',
  projectId: 'p',
  task: 'binary',
  labels: ['0', '1'],
  docs: { labeled },
  options,
});

describe('audit job', () => {
  it('returns the suspects ranked by score with the suggested label; progress per fold', async () => {
    const { ctx, seen } = jobContext('/nonexistent-project-folder');
    const r = await runJob(request({ folds: 4 }), ctx);
    const a = r.audit!;
    expect(a.n).toBe(labeled.length);
    expect(a.folds).toBe(4);
    expect(a.suspects.length).toBeGreaterThan(0);
    const scores = a.suspects.map((s) => s.score);
    expect(scores).toEqual([...scores].sort((x, y) => x - y));
    for (const s of a.suspects) expect(s.suggested).not.toBe(s.label);
    const hits = a.suspects.filter((s) => flipped.has(s.id)).length;
    // At least half of the 24 flips are found (the corpus's own ~5 % wrong labels are flagged too, so no precision check here).
    expect(hits).toBeGreaterThanOrEqual(12);
    expect(seen.filter((p) => p.phase === 'audit').map((p) => p.done)).toEqual([0, 1, 2, 3, 4]);
  });

  it('refuses bad options naming them; its defaults are the CLI’s', async () => {
    const { ctx } = jobContext('/nonexistent-project-folder');
    await expect(runJob(request({ folds: 1 }), ctx)).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringMatching(/"folds" must be in \[2, 50\]/),
    });
    expect(defaultsOf(AUDIT_OPTIONS)).toEqual({ folds: AUDIT_DEFAULTS.folds, seed: AUDIT_DEFAULTS.seed });
  });
});

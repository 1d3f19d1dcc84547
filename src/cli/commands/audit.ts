import { Command, Option } from 'commander';
import { etaSeconds } from '../../shared/progress';
import { InputError } from '../../shared/errors';
import { auditLabels, AUDIT_DEFAULTS, type AuditResult } from '../../worker/audit/label-audit';
import { readCorpus, type ReadCorpusOptions } from '../../worker/data/read-corpus';
import { addDataOptions, int, positiveInt } from '../options';
import { info, stderrProgress } from '../progress';
import { textTable } from '../text-table';

export function auditCommand(): Command {
  return addDataOptions(
    new Command('audit')
      .description(
        'Label-noise audit: out-of-fold naive Bayes probabilities → confident learning; prints the documents whose label looks wrong, most suspect first.',
      )
      .addHelpText(
        'after',
        '\nEach labeled document is scored by a naive Bayes model (character 1–2-grams) trained on the other folds; one temperature calibrates\n' +
          'the scores; confident learning (Northcutt et al. 2021, as cleanlab) flags documents confidently in another class. Multi-label data: one-vs-rest per label.\n' +
          'score: the label quality of the given label in [0, 1] (lower = more likely wrong). id: the id column (--id-col, or a column named "id"), else the 1-based data row.',
      )
      .requiredOption('--data <file>', 'labeled corpus: CSV, TSV, JSONL')
      .option('--folds <k>', 'K of the K-fold out-of-fold predictions', positiveInt('--folds'), AUDIT_DEFAULTS.folds)
      .option('--seed <n>', 'seed of the fold assignment', int('--seed'), AUDIT_DEFAULTS.seed)
      .addOption(
        new Option('--rank-by <score>', 'label quality score')
          .choices(['self_confidence', 'normalized_margin'])
          .default(AUDIT_DEFAULTS.rankBy),
      )
      .addOption(
        new Option('--filter <method>', "which documents are issues (cleanlab's filter_by)")
          .choices(['confident_learning', 'prune_by_noise_rate'])
          .default(AUDIT_DEFAULTS.filter),
      )
      .option('--top <n>', 'print only the n most suspect documents (default: all)', positiveInt('--top'))
      .option('--json', 'print one JSON object {"suspects": [{"id", "label", "suggested", "score"}], …}'),
  ).action(async (o) => {
    const corpus = await readWithIds(o.data, {
      textCol: o.textCol,
      labelCol: o.labelCol,
      idCol: o.idCol,
      encoding: o.encoding,
      requireLabels: true,
    });
    const start = Date.now();
    const progress = stderrProgress('audit: ');
    const result = auditLabels(corpus.docs, {
      multiLabel: corpus.multiLabel,
      labels: corpus.labels,
      folds: o.folds,
      seed: o.seed,
      rankBy: o.rankBy,
      filter: o.filter,
      onProgress: (done, total) =>
        progress({ phase: 'fold', done, total, etaSeconds: etaSeconds(start, Date.now(), done, total) }),
    });
    progress.done();
    const shown = o.top ? { ...result, suspects: result.suspects.slice(0, o.top) } : result;
    if (o.json) process.stdout.write(JSON.stringify(shown) + '\n');
    else process.stdout.write(renderAudit(shown, result.suspects.length, corpus.docs.length));
    info(
      `audit: ${result.suspects.length} of ${result.n} labeled documents flagged (${o.filter}, ${result.folds}-fold, out-of-fold accuracy ${result.oof_accuracy.toFixed(3)}, temperature ${result.temperature.toFixed(2)})`,
    );
  });
}

/** readCorpus, taking a column named "id" as the document id when the file has one and --id-col is not given. */
async function readWithIds(file: string, o: ReadCorpusOptions) {
  if (o.idCol !== undefined) return readCorpus(file, o);
  try {
    return await readCorpus(file, { ...o, idCol: 'id' });
  } catch (e) {
    const available = e instanceof InputError && e.code === 'INPUT_COLUMN' ? e.details.available : undefined;
    if (Array.isArray(available) && !available.some((c) => String(c).trim().toLowerCase() === 'id'))
      return readCorpus(file, o);
    throw e;
  }
}

const cell = (l: string | string[]) => (Array.isArray(l) ? l.join('|') || '(none)' : l);

/** The suspects as a table, for a terminal. */
export function renderAudit(r: AuditResult, suspects: number, documents: number): string {
  const rows = r.suspects.map((s, i) => [
    String(i + 1),
    s.id,
    cell(s.label),
    cell(s.suggested),
    s.score < 1e-4 ? s.score.toExponential(2) : s.score.toFixed(4),
  ]);
  const shown = r.suspects.length < suspects ? ` (the first ${r.suspects.length} shown)` : '';
  return [
    ...textTable(['#', 'id', 'label', 'suggested', `score (${r.rank_by})`], rows),
    '',
    `${suspects} suspect(s)${shown} among ${r.n} labeled of ${documents} documents.`,
    '',
  ].join('\n');
}

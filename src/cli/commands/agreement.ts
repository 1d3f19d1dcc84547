import { Command, Option } from 'commander';
import { agreementReport, type AgreementReport } from '../../shared/agreement-report';
import { DistilleryError } from '../../shared/errors';
import { readRatings } from '../../worker/data/read-ratings';
import { textTable } from '../text-table';

export function agreementCommand(): Command {
  return new Command('agreement')
    .description(
      "Inter-annotator agreement: Krippendorff's α, Fleiss' κ, Cohen's κ (two annotators), per annotator pair, per label and per annotator.",
    )
    .addHelpText(
      'after',
      '\nInput: CSV, TSV or JSONL with one row per annotator label: columns id (the item), annotator, label; multi-label cells as a|b or ["a","b"].\n' +
        "Items rated by one annotator only are counted but left out of every statistic. Fleiss' κ needs the same number of ratings on every item: where\n" +
        "items have different numbers it is null (fleiss_kappa_note says why) and Krippendorff's α, which allows any number, is the one to read.\n" +
        'Multi-label: α uses the MASI distance between label sets (--set-distance jaccard for Jaccard); the κs count exact set matches;\n' +
        'the per-label table gives one-vs-rest agreement on each label.',
    )
    .requiredOption('--data <file>', 'annotations: CSV, TSV or JSONL')
    .option('--id-col <name>', 'item id column (default: id, item, doc_id, …)')
    .option('--annotator-col <name>', 'annotator column (default: annotator, rater, coder, user, …)')
    .option('--label-col <name>', 'label column (default: label, labels, category, …)')
    .option('--encoding <name>', 'input encoding, e.g. utf-8, gb18030 (default: detected)')
    .addOption(
      new Option('--set-distance <name>', "multi-label: distance between label sets for Krippendorff's α")
        .choices(['masi', 'jaccard'])
        .default('masi'),
    )
    .option('--json', 'print one JSON object instead of the tables')
    .action(async (o) => {
      const file = await readRatings(o.data, {
        idCol: o.idCol,
        annotatorCol: o.annotatorCol,
        labelCol: o.labelCol,
        encoding: o.encoding,
      });
      let report: AgreementReport;
      try {
        report = agreementReport(file.ratings, {
          multiLabel: file.multiLabel,
          labels: file.labels,
          setDistance: o.setDistance,
        });
      } catch (e) {
        // The reader already refuses repeated (item, annotator) rows with their lines; anything else is a bug.
        throw new DistilleryError('INTERNAL', `${o.data}: ${(e as Error).message}`, { file: o.data });
      }
      if (o.json) process.stdout.write(JSON.stringify(report) + '\n');
      else process.stdout.write(renderAgreement(report));
    });
}

const f3 = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(3));
const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)} %`);

/** Summary and the per-pair, per-label and per-annotator tables, for a terminal. */
export function renderAgreement(r: AgreementReport): string {
  const out = [
    `${r.n_items} items rated by two or more of ${r.n_annotators} annotators (${r.n_ratings} ratings; ${r.n_items_single} items with a single rating left out)${r.multi_label ? ', multi-label' : ''}`,
    `Krippendorff's α (${r.alpha_distance}): ${f3(r.krippendorff_alpha)}`,
    `Fleiss' κ: ${f3(r.fleiss_kappa)}${r.fleiss_kappa_note ? ` (${r.fleiss_kappa_note})` : ''}`,
    ...(r.cohen_kappa !== undefined ? [`Cohen's κ: ${f3(r.cohen_kappa)}`] : []),
    `Observed agreement: ${pct(r.observed_agreement)}`,
    '',
    'Annotator pairs',
    ...textTable(
      ['A', 'B', 'Items', 'Agreement', "Cohen's κ", "Krippendorff's α"],
      r.pairs.map((p) => [p.a, p.b, String(p.n_items), pct(p.agreement), f3(p.cohen_kappa), f3(p.krippendorff_alpha)]),
    ),
    '',
    'Per label (one-vs-rest)',
    ...textTable(
      ['Label', 'Items', 'With label', "Krippendorff's α", "Fleiss' κ", ...(r.n_annotators === 2 ? ["Cohen's κ"] : [])],
      r.labels.map((l) => [
        l.label,
        String(l.n_items),
        String(l.n_positive),
        f3(l.krippendorff_alpha),
        f3(l.fleiss_kappa),
        ...(r.n_annotators === 2 ? [f3(l.cohen_kappa)] : []),
      ]),
    ),
    '',
    'Per annotator (against the others, pairs pooled)',
    ...textTable(
      ['Annotator', 'Ratings', 'Shared items', 'Pairs', 'Agreement', "Cohen's κ"],
      r.annotators.map((a) => [
        a.annotator,
        String(a.n_ratings),
        String(a.n_items),
        String(a.n_pairs),
        pct(a.agreement),
        f3(a.cohen_kappa),
      ]),
    ),
    '',
  ];
  return out.join('\n');
}

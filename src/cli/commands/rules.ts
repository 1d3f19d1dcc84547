import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { DistilleryError } from '../../shared/errors';
import {
  matchRules,
  readRules,
  resolvePreLabels,
  ruleName,
  rulesReport,
  type RulesReport,
} from '../../worker/active/rules';
import { readCorpus } from '../../worker/data/read-corpus';
import { addDataOptions } from '../options';
import { info } from '../progress';
import { textTable } from '../text-table';

export function rulesCommand(): Command {
  return addDataOptions(
    new Command('rules')
      .description(
        "Apply keyword / regex / jieba-token rules: each rule's coverage and its precision on the labeled documents; rule pre-labels as JSONL.",
      )
      .addHelpText(
        'after',
        '\nRules file (JSON): [{"label": "negative", "any": ["难吃", "太慢"], "regex": "不.{0,2}好", "tokens": ["差评"], "name": "complaints"}]\n' +
          '  any: substrings (case- and width-insensitive); regex: a pattern or a list (JavaScript, Unicode); tokens: whole jieba words.\n' +
          'A rule fires when any of its patterns matches. Rules of different labels on one document: the label with more firing rules wins; a tie gives no pre-label.',
      )
      .requiredOption('--data <file>', 'corpus: CSV, TSV, JSONL (labels, where present, measure precision)')
      .requiredOption('--rules <file>', 'rules (JSON array)')
      .option(
        '--out <file>',
        'write the rule pre-labels here (JSONL: id, text, label(s), source "rule", rules, conflict)',
      )
      .option('--json', 'print one JSON object as the last line of stdout instead of the table'),
  ).action(async (o) => {
    if (o.out && path.resolve(o.out) === path.resolve(o.data))
      throw new DistilleryError(
        'CONFIG',
        `--out ${o.out} is the --data file; choose another file so the corpus is not overwritten`,
        { field: '--out' },
      );
    const rules = await readRules(o.rules);
    const corpus = await readCorpus(o.data, {
      textCol: o.textCol,
      labelCol: o.labelCol,
      idCol: o.idCol,
      encoding: o.encoding,
    });
    const known = new Set(corpus.labels);
    if (known.size > 0) {
      rules.forEach((r, i) => {
        if (!known.has(r.label))
          info(
            `warning: ${o.rules}: rule ${i + 1} (${ruleName(r, i)}): label "${r.label}" is on no labeled document of ${o.data} (labels: ${corpus.labels.join(', ')}); its precision cannot be measured`,
          );
      });
    }
    const fired = matchRules(
      corpus.docs.map((d) => d.text),
      rules,
    );
    const pre = resolvePreLabels(fired, rules, corpus.multiLabel);
    const report = rulesReport(
      fired,
      pre,
      rules,
      corpus.docs.map((d) => d.labels),
    );
    let written = 0;
    if (o.out) {
      const lines: string[] = [];
      corpus.docs.forEach((d, i) => {
        const p = pre[i];
        if (!p) return;
        const label = corpus.multiLabel ? { labels: p.labels } : { label: p.labels[0] };
        lines.push(
          JSON.stringify({
            id: d.id,
            text: d.text,
            ...label,
            source: 'rule',
            rules: fired[i]!.map((j) => ruleName(rules[j]!, j)),
            conflict: p.conflict,
          }),
        );
      });
      await writeFile(o.out, lines.length ? lines.join('\n') + '\n' : '');
      written = lines.length;
    }
    if (o.json) process.stdout.write(JSON.stringify({ ...report, ...(o.out ? { out: o.out, written } : {}) }) + '\n');
    else {
      process.stdout.write(renderRulesTable(report));
      if (o.out) info(`wrote ${written} rule pre-labels to ${o.out}`);
    }
  });
}

const pct = (x: number) => (100 * x).toFixed(1);

/** The coverage / precision table and a summary line, for a terminal. */
export function renderRulesTable(r: RulesReport): string {
  const rows = r.rules.map((s) => [
    s.name,
    s.label,
    `${s.coverage} (${pct(s.coverage_share)} %)`,
    String(s.conflicts),
    s.precision === null
      ? '— (n = 0)'
      : `${pct(s.precision)} % [${pct(s.precision_ci![0])}, ${pct(s.precision_ci![1])}] (${s.correct}/${s.n})`,
  ]);
  const head = ['Rule', 'Label', 'Coverage', 'Conflicts', 'Precision on labeled, 95 % CI (correct/n)'];
  const prec =
    r.prelabel_precision === null
      ? 'no labeled document to check them on'
      : `precision ${pct(r.prelabel_precision)} % [${pct(r.prelabel_precision_ci![0])}, ${pct(r.prelabel_precision_ci![1])}] on ${r.prelabel_n} labeled`;
  return [
    ...textTable(head, rows),
    '',
    `${r.documents} documents (${r.labeled} labeled): rules fire on ${r.covered}; ${r.prelabeled} pre-labeled (${prec}); ` +
      `conflicts: ${r.conflicts_resolved} settled by majority, ${r.conflicts_unresolved} ties left unlabeled.`,
    '',
  ].join('\n');
}

/**
 * Exports into `<project>/exports/`:
 *
 * Datasets (rows come from the UI's database):
 *   csv           id,text,label,source,who,at,model_version[,probs_model_version,prob_<label>…]; multi-label
 *                 cells `a|b` (the importer reads it back as is)
 *   jsonl         {"id","text","label"(single-label tasks),"labels":[…],"provenance":{source,who,at,modelVersion},
 *                  "soft_labels":{<label>: p},"soft_labels_model_version"} per line
 * model_version / provenance.modelVersion is the label's (the model whose pre-label was accepted; none
 * for a person's label); the soft labels' model is named apart, as it may have scored the document later.
 *   label-studio  a JSON task list: labels as annotations (an accepted pre-label's annotation names its source
 *                 and model in `meta`), model labels and probabilities as predictions (choices "label" →
 *                 "text"); the labeling config is written beside it
 *                 as `<file>.config.xml`
 *   doccano       JSONL {"text","label":[…],"doc_id",…} (text classification import)
 * Documents with several annotators' labels add each one's labels and the rule of the final label:
 * see exports-by-annotator.ts (a doccano export is then a zip, doccano's per-user layout).
 * Models (a version folder `<project>/models/<version>`), written by the worker and zipped for download:
 *   onnx          `<version>-onnx/<version>.onnx` + tokenizer.json + labels.json (what `distillery predict` takes)
 *   tfjs          `<version>-tfjs/` (TensorFlow.js model.json + weights) + tokenizer.json + labels.json
 *   folder        `<version>-folder/`, a copy of the whole model folder
 * Every file is written atomically; a full disk is a DISK_FULL error and leaves nothing behind.
 */
import path from 'node:path';
import type { ExportedFile, ExportRequest, ProjectMeta } from '../shared/api';
import { DistilleryError } from '../shared/errors';
import { MODEL_VERSION_RE, PROJECT_LAYOUT, type WorkerMethods } from '../shared/worker-protocol';
import {
  annotatorsOf,
  doccanoPerUser,
  hasAnnotators,
  labelsBy,
  userFileName,
  validateAnnotatorFields,
} from './exports-by-annotator';
import { nodeFs, writeFileAtomic, type HostFs } from './fs-util';
import { zipBytes, zipFolder } from './zip';

export type ExportRow = ExportRequest['rows'][number];
export type DatasetFormat = ExportRequest['format'];

export interface ExportResult {
  file: string;
  downloadUrl?: string;
}

export interface ExportsDeps {
  project(projectId: string): Promise<ProjectMeta>;
  /** The worker's export-model call. */
  exportModel(p: WorkerMethods['export-model']['params']): Promise<WorkerMethods['export-model']['result']>;
  /** Serve mode: the URL that downloads a file of the project's exports folder. */
  downloadUrl?(projectId: string, name: string): string;
  fs?: HostFs;
  now?: () => Date;
}

const FORMATS: Record<DatasetFormat, string> = {
  csv: 'csv',
  jsonl: 'jsonl',
  'label-studio': 'label-studio.json',
  doccano: 'doccano.jsonl',
};

export class Exports {
  private readonly fs: HostFs;

  constructor(private readonly deps: ExportsDeps) {
    this.fs = deps.fs ?? nodeFs;
  }

  async dataset(r: ExportRequest): Promise<ExportResult> {
    if (!r || typeof r !== 'object') throw new DistilleryError('CONFIG', 'exports.dataset needs a request', {});
    const project = await this.deps.project(r.projectId);
    if (!Object.hasOwn(FORMATS, r.format))
      throw new DistilleryError(
        'CONFIG',
        `unknown dataset format ${JSON.stringify(r.format)}; valid: ${Object.keys(FORMATS).join(', ')}`,
        { field: 'format' },
      );
    const labels =
      Array.isArray(r.labels) && r.labels.length ? r.labels.map(String) : project.labels.map((l) => l.name);
    const rows = validateRows(r.rows, labels.length);
    const multi = project.task === 'multilabel';
    const dir = path.join(project.folder, PROJECT_LAYOUT.exports);
    await this.fs.mkdir(dir, { recursive: true });
    // doccano's per-user export is a zip of one file per annotator.
    const perUser = r.format === 'doccano' && hasAnnotators(rows);
    const name = await this.freeName(
      dir,
      `dataset-${stamp(this.now())}`,
      perUser ? '.doccano.zip' : `.${FORMATS[r.format]}`,
    );
    const file = path.join(dir, name);
    const what = `the ${r.format} export`;
    if (perUser) await writeFileAtomic(this.fs, file, datasetDoccanoPerUser(rows, this.now()), what);
    else if (r.format === 'csv') await writeFileAtomic(this.fs, file, datasetCsv(rows, labels), what);
    else if (r.format === 'jsonl') await writeFileAtomic(this.fs, file, datasetJsonl(rows, labels, multi), what);
    else if (r.format === 'doccano') await writeFileAtomic(this.fs, file, datasetDoccano(rows), what);
    else {
      await writeFileAtomic(this.fs, file, datasetLabelStudio(rows, labels, multi), what);
      try {
        await writeFileAtomic(this.fs, `${file}.config.xml`, labelStudioConfig(labels, multi), what);
      } catch (e) {
        await this.fs.rm(file, { force: true });
        throw e;
      }
    }
    return { file, ...(this.deps.downloadUrl ? { downloadUrl: this.deps.downloadUrl(project.id, name) } : {}) };
  }

  async model(projectId: string, modelVersion: string, format: 'onnx' | 'tfjs' | 'folder'): Promise<ExportResult> {
    const project = await this.deps.project(projectId);
    if (typeof modelVersion !== 'string' || !MODEL_VERSION_RE.test(modelVersion)) {
      throw new DistilleryError('CONFIG', `not a model version: ${JSON.stringify(modelVersion)}`, {
        field: 'modelVersion',
      });
    }
    if (!['onnx', 'tfjs', 'folder'].includes(format))
      throw new DistilleryError('CONFIG', `unknown model format ${JSON.stringify(format)}; valid: onnx, tfjs, folder`, {
        field: 'format',
      });
    const modelDir = path.join(project.folder, PROJECT_LAYOUT.models, modelVersion);
    // A model folder has config.json; a binary-relevance teacher only teacher.json (its models are in label-<i>/).
    const has = (f: string) =>
      this.fs.stat(path.join(modelDir, f)).then(
        () => true,
        () => false,
      );
    if (!(await has('config.json')) && !(await has('teacher.json'))) {
      throw new DistilleryError(
        'NOT_FOUND',
        `model version "${modelVersion}" does not exist in project "${project.name}"`,
        { field: 'modelVersion' },
      );
    }
    const exportsDir = path.join(project.folder, PROJECT_LAYOUT.exports);
    await this.fs.mkdir(exportsDir, { recursive: true });
    const base = `${modelVersion}-${format}`;
    const outDir = path.join(exportsDir, base);
    const res = await this.deps.exportModel({ modelDir, outDir, format, baseName: modelVersion });
    const zipName = `${base}.zip`;
    await zipFolder(outDir, path.join(exportsDir, zipName), base, this.fs);
    return {
      file: res.file,
      ...(this.deps.downloadUrl ? { downloadUrl: this.deps.downloadUrl(project.id, zipName) } : {}),
    };
  }

  /**
   * The files in the project's exports folder, newest first: datasets and the zips of model exports
   * (a model export's folder is listed through its zip). Hidden names are files being written.
   */
  async list(projectId: string): Promise<ExportedFile[]> {
    const project = await this.deps.project(projectId);
    const dir = path.join(project.folder, PROJECT_LAYOUT.exports);
    const names = await this.fs.readdir(dir).catch(() => [] as string[]);
    const out: ExportedFile[] = [];
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const file = path.join(dir, name);
      const st = await this.fs.stat(file).catch(() => undefined);
      if (!st?.isFile()) continue;
      out.push({
        name,
        file,
        bytes: st.size,
        at: new Date(st.mtimeMs ?? 0).toISOString(),
        ...(this.deps.downloadUrl ? { downloadUrl: this.deps.downloadUrl(project.id, name) } : {}),
      });
    }
    return out.sort((a, b) => b.at.localeCompare(a.at) || a.name.localeCompare(b.name));
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private async freeName(dir: string, base: string, ext: string): Promise<string> {
    const taken = new Set(await this.fs.readdir(dir).catch(() => [] as string[]));
    for (let k = 1; ; k++) {
      const name = k === 1 ? `${base}${ext}` : `${base}-${k}${ext}`;
      if (!taken.has(name)) return name;
    }
  }
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

function validateRows(rows: unknown, C: number): ExportRow[] {
  if (!Array.isArray(rows)) throw new DistilleryError('CONFIG', 'exports.dataset needs rows', { field: 'rows' });
  const opt = (v: unknown) => v === undefined || v === null || typeof v === 'string';
  rows.forEach((r: ExportRow, i) => {
    const bad = (f: string, why: string) =>
      new DistilleryError('CONFIG', `row ${i + 1}: ${f} ${why}`, { field: `rows[${i}].${f}` });
    if (!r || typeof r !== 'object') throw bad('row', 'is not an object');
    if (typeof r.id !== 'string' && typeof r.id !== 'number') throw bad('id', 'must be a string');
    if (typeof r.text !== 'string') throw bad('text', 'must be a string');
    if (!Array.isArray(r.labels) || r.labels.some((l) => typeof l !== 'string'))
      throw bad('labels', 'must be a list of label names');
    for (const f of ['source', 'who', 'at', 'modelVersion', 'probsModelVersion'] as const)
      if (!opt(r[f])) throw bad(f, 'must be a string');
    if (r.probs !== undefined && r.probs !== null) {
      if (!Array.isArray(r.probs) || r.probs.length !== C || r.probs.some((p) => typeof p !== 'number'))
        throw bad('probs', `must be ${C} numbers (one per label)`);
    }
    validateAnnotatorFields(r, i);
  });
  return rows as ExportRow[];
}

/** RFC 4180 field. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function datasetCsv(rows: ExportRow[], labels: string[]): string {
  const withProbs = rows.some((r) => r.probs);
  const team = hasAnnotators(rows);
  const header = [
    'id',
    'text',
    'label',
    'source',
    'who',
    'at',
    'model_version',
    ...(team ? ['label_rule', 'labels_by'] : []),
    ...(withProbs ? ['probs_model_version', ...labels.map((l) => `prob_${l}`)] : []),
  ];
  const lines = [header.map(csvField).join(',')];
  for (const r of rows) {
    const cells = [
      String(r.id),
      r.text,
      r.labels.join('|'),
      r.source ?? '',
      r.who ?? '',
      r.at ?? '',
      r.modelVersion ?? '',
    ];
    if (team) cells.push(r.rule ?? '', r.byAnnotator ? JSON.stringify(labelsBy(r)) : '');
    if (withProbs)
      cells.push(
        r.probs ? (r.probsModelVersion ?? '') : '',
        ...labels.map((_, c) => (r.probs ? String(r.probs[c]) : '')),
      );
    lines.push(cells.map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}

function provenance(r: ExportRow): Record<string, string> | undefined {
  const p: Record<string, string> = {};
  for (const f of ['source', 'who', 'at', 'modelVersion'] as const)
    if (typeof r[f] === 'string' && r[f] !== '') p[f] = r[f]!;
  return Object.keys(p).length ? p : undefined;
}

export function datasetJsonl(rows: ExportRow[], labels: string[], multi: boolean): string {
  return rows
    .map((r) => {
      const prov = provenance(r);
      return JSON.stringify({
        id: String(r.id),
        text: r.text,
        ...(multi ? {} : { label: r.labels[0] ?? null }),
        labels: r.labels,
        ...(prov ? { provenance: prov } : {}),
        ...(r.rule ? { label_rule: r.rule } : {}),
        ...(r.byAnnotator ? { labels_by: labelsBy(r) } : {}),
        ...(r.probs ? { soft_labels: Object.fromEntries(labels.map((l, c) => [l, r.probs![c]])) } : {}),
        ...(r.probs && r.probsModelVersion ? { soft_labels_model_version: r.probsModelVersion } : {}),
      });
    })
    .map((l) => l + '\n')
    .join('');
}

export function datasetDoccano(rows: ExportRow[]): string {
  return rows
    .map(
      (r) =>
        JSON.stringify({
          text: r.text,
          label: r.labels,
          doc_id: String(r.id),
          ...(provenance(r) ?? {}),
          ...(r.rule ? { label_rule: r.rule } : {}),
        }) + '\n',
    )
    .join('');
}

/** doccano's per-user export: a zip of `<annotator>.jsonl` per annotator and `all.jsonl` with the final labels. */
export function datasetDoccanoPerUser(rows: ExportRow[], now: Date): Buffer {
  const taken = new Set<string>();
  const files = [{ name: 'all.jsonl', data: Buffer.from(datasetDoccano(rows), 'utf8'), mtime: now }];
  for (const [who, text] of doccanoPerUser(rows))
    files.push({ name: userFileName(who, taken), data: Buffer.from(text, 'utf8'), mtime: now });
  return zipBytes(files);
}

const MODEL_SOURCES = new Set(['teacher', 'student', 'rule']);

export function datasetLabelStudio(rows: ExportRow[], labels: string[], multi: boolean): string {
  const choices = (ls: string[]) => [{ from_name: 'label', to_name: 'text', type: 'choices', value: { choices: ls } }];
  const tasks = rows.map((r) => {
    const task: Record<string, unknown> = { data: { text: r.text, doc_id: String(r.id) } };
    const fromModel = MODEL_SOURCES.has(r.source ?? '');
    const people = annotatorsOf(r);
    if (people.length) task.annotations = teamAnnotations(r, people, choices);
    else if (r.labels.length) {
      // An accepted pre-label is an annotation too (a person accepted it); meta records its model, so an import restores the source.
      const meta = {
        ...(r.who ? { who: r.who } : {}),
        ...(fromModel ? { source: r.source, ...(r.modelVersion ? { model_version: r.modelVersion } : {}) } : {}),
      };
      task.annotations = [
        {
          result: choices(r.labels),
          ...(r.at ? { created_at: r.at } : {}),
          ...(Object.keys(meta).length ? { meta } : {}),
        },
      ];
    }
    const predictions: Record<string, unknown>[] = [];
    if (r.probs) {
      const predicted = multi
        ? labels.filter((_, c) => r.probs![c] >= 0.5)
        : [labels[r.probs.indexOf(Math.max(...r.probs))]];
      predictions.push({
        model_version: r.probsModelVersion ?? r.modelVersion ?? 'distillery',
        score: Math.max(...r.probs),
        result: choices(predicted),
      });
    } else if (r.labels.length && fromModel) {
      predictions.push({ model_version: r.modelVersion ?? r.source, result: choices(r.labels) });
    }
    if (predictions.length) task.predictions = predictions;
    return task;
  });
  return JSON.stringify(tasks, null, 1) + '\n';
}

/**
 * One annotation per annotator (completed_by = the name), then a reviewer's decision as its own
 * annotation (meta.rule 'adjudicated'); `ground_truth` marks the annotation whose labels are final.
 */
function teamAnnotations(
  r: ExportRow,
  people: ReturnType<typeof annotatorsOf>,
  choices: (ls: string[]) => unknown[],
): Record<string, unknown>[] {
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((l) => b.includes(l));
  const decided = r.rule === 'adjudicated' && r.labels.length > 0;
  // The final labels' annotator: the row's `who` where that person holds them, else the latest who does.
  const finalWho = decided
    ? undefined
    : (people.find(([w, a]) => w === r.who && same(a.labels, r.labels)) ??
        [...people].reverse().find(([, a]) => same(a.labels, r.labels)))?.[0];
  const out: Record<string, unknown>[] = people.map(([who, a]) => {
    const fromModel = MODEL_SOURCES.has(a.source ?? '');
    return {
      completed_by: who,
      result: choices(a.labels),
      ...(a.at ? { created_at: a.at } : {}),
      ground_truth: who === finalWho,
      meta: {
        who,
        ...(fromModel ? { source: a.source } : {}),
        ...(who === finalWho && r.rule ? { rule: r.rule } : {}),
      },
    };
  });
  if (decided)
    out.push({
      completed_by: r.who ?? 'reviewer',
      result: choices(r.labels),
      ...(r.at ? { created_at: r.at } : {}),
      ground_truth: true,
      meta: { who: r.who ?? 'reviewer', rule: 'adjudicated' },
    });
  return out;
}

const xmlAttr = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function labelStudioConfig(labels: string[], multi: boolean): string {
  return [
    '<View>',
    '  <Text name="text" value="$text"/>',
    `  <Choices name="label" toName="text" choice="${multi ? 'multiple' : 'single'}" showInline="true">`,
    ...labels.map((l) => `    <Choice value="${xmlAttr(l)}"/>`),
    '  </Choices>',
    '</View>',
    '',
  ].join('\n');
}

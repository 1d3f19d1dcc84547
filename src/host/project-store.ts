/**
 * Projects as folders under a root directory:
 *
 *   <root>/<id>/project.json        ProjectMeta (without `folder`, which is where it lies)
 *   <root>/<id>/models/<version>/   model versions written by the worker
 *   <root>/<id>/datasets/           the labeled snapshot each model version was trained on
 *   <root>/<id>/exports/            datasets and models exported for other tools
 *   <root>/<id>/journal.jsonl       every label event (see journal.ts)
 *
 * Ids are `<slug>-<8 hex>`; every id that comes from a caller is checked against ID_RE before it
 * touches a path, so that no request can reach outside the root.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { LabelDef, ProjectMeta } from '../shared/api';
import { DistilleryError } from '../shared/errors';
import { validateOverlap } from '../shared/routing';
import { TASK_TYPES, type TaskType } from '../shared/task';
import { PROJECT_LAYOUT } from '../shared/worker-protocol';
import { isErrno, KeyedMutex, nodeFs, writeFileAtomic, type HostFs } from './fs-util';

export const PROJECT_ID_RE = /^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$/;
const TASKS: readonly TaskType[] = TASK_TYPES;
const HOTKEY_RE = /^[1-9a-z]$/i;

export type NewProject = Omit<ProjectMeta, 'id' | 'createdAt' | 'folder'>;

const configError = (field: string, message: string) => new DistilleryError('CONFIG', message, { field });

export class ProjectStore {
  private readonly lock = new KeyedMutex();

  constructor(
    readonly root: string,
    private readonly fs: HostFs = nodeFs,
  ) {
    this.root = path.resolve(root);
  }

  /** The project's folder; NOT_FOUND for an unknown id, CONFIG for one that is not an id. */
  async folder(id: unknown): Promise<string> {
    if (typeof id !== 'string' || !PROJECT_ID_RE.test(id))
      throw configError('projectId', `not a project id: ${JSON.stringify(id)}`);
    const dir = path.join(this.root, id);
    try {
      await this.fs.stat(path.join(dir, PROJECT_LAYOUT.meta));
    } catch (e) {
      if (isErrno(e, 'ENOENT')) throw new DistilleryError('NOT_FOUND', `no project "${id}"`, { field: 'projectId' });
      throw e;
    }
    return dir;
  }

  async get(id: string): Promise<ProjectMeta> {
    const dir = await this.folder(id);
    return this.read(dir, id);
  }

  async list(): Promise<ProjectMeta[]> {
    let names: string[];
    try {
      names = await this.fs.readdir(this.root);
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return [];
      throw e;
    }
    const out: ProjectMeta[] = [];
    for (const name of names) {
      if (!PROJECT_ID_RE.test(name)) continue;
      try {
        out.push(await this.read(path.join(this.root, name), name));
      } catch {
        // A folder without a readable project.json is not a project (or a damaged one): skip it.
      }
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async create(p: NewProject): Promise<ProjectMeta> {
    const clean = validateProject(p);
    await this.fs.mkdir(this.root, { recursive: true });
    const id = `${slug(clean.name)}-${randomBytes(4).toString('hex')}`;
    const dir = path.join(this.root, id);
    const meta: ProjectMeta = { ...clean, id, createdAt: new Date().toISOString(), folder: dir };
    await this.fs.mkdir(dir, { recursive: true });
    try {
      for (const sub of [PROJECT_LAYOUT.models, PROJECT_LAYOUT.exports, PROJECT_LAYOUT.datasets])
        await this.fs.mkdir(path.join(dir, sub), { recursive: true });
      await writeFileAtomic(this.fs, path.join(dir, PROJECT_LAYOUT.meta), serialize(meta), 'the project');
    } catch (e) {
      await this.fs.rm(dir, { recursive: true, force: true }).catch(() => {});
      throw e;
    }
    return meta;
  }

  /** Updates name, task, labels, guidelines and team routing (overlap); id, createdAt and folder stay as they are. */
  async update(p: ProjectMeta): Promise<ProjectMeta> {
    if (!p || typeof p !== 'object') throw configError('project', 'expected a project');
    const dir = await this.folder(p.id);
    return this.lock.run(p.id, async () => {
      const old = await this.read(dir, p.id);
      const { sample, ...clean } = validateProject(p);
      void sample;
      // Being the sample is set at creation and stays: an update neither sets nor clears it.
      const meta: ProjectMeta = {
        ...clean,
        ...(old.sample ? { sample: true } : {}),
        id: old.id,
        createdAt: old.createdAt,
        folder: dir,
      };
      await writeFileAtomic(this.fs, path.join(dir, PROJECT_LAYOUT.meta), serialize(meta), 'the project');
      return meta;
    });
  }

  private async read(dir: string, id: string): Promise<ProjectMeta> {
    const raw = JSON.parse(await this.fs.readFile(path.join(dir, PROJECT_LAYOUT.meta), 'utf8')) as ProjectMeta;
    return { ...raw, id, folder: dir };
  }
}

function serialize(meta: ProjectMeta): string {
  const { folder, ...rest } = meta;
  void folder;
  return JSON.stringify(rest, null, 2) + '\n';
}

function slug(name: string): string {
  const s = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return s || 'project';
}

export function validateProject(p: NewProject): NewProject {
  if (!p || typeof p !== 'object') throw configError('project', 'expected a project');
  if (typeof p.name !== 'string' || p.name.trim() === '') throw configError('name', 'the project needs a name');
  if (p.name.length > 200) throw configError('name', 'the project name is longer than 200 characters');
  if (!TASKS.includes(p.task))
    throw configError('task', `task must be one of ${TASKS.join(', ')}, got ${JSON.stringify(p.task)}`);
  if (!Array.isArray(p.labels)) throw configError('labels', 'labels must be a list');
  const min = p.task === 'binary' ? 2 : p.task === 'multiclass' ? 2 : 1;
  if (p.labels.length < min) throw configError('labels', `a ${p.task} project needs at least ${min} labels`);
  if (p.task === 'binary' && p.labels.length !== 2)
    throw configError('labels', 'a binary project has exactly two labels');
  const names = new Set<string>();
  const keys = new Set<string>();
  const labels: LabelDef[] = p.labels.map((l, i) => {
    if (!l || typeof l.name !== 'string' || l.name.trim() === '')
      throw configError(`labels[${i}].name`, `label ${i + 1} needs a name`);
    const name = l.name.trim();
    if (name.includes('|'))
      throw configError(
        `labels[${i}].name`,
        `label "${name}": "|" separates labels in exported files and cannot be part of a name`,
      );
    if (names.has(name)) throw configError(`labels[${i}].name`, `label "${name}" appears twice`);
    names.add(name);
    const hotkey = typeof l.hotkey === 'string' ? l.hotkey : '';
    if (!HOTKEY_RE.test(hotkey))
      throw configError(
        `labels[${i}].hotkey`,
        `label "${name}": the hotkey must be one key, 1–9 or a letter, got ${JSON.stringify(l.hotkey)}`,
      );
    if (keys.has(hotkey.toLowerCase()))
      throw configError(`labels[${i}].hotkey`, `label "${name}": hotkey "${hotkey}" is already used`);
    keys.add(hotkey.toLowerCase());
    if (typeof l.color !== 'string' || l.color.length > 64)
      throw configError(`labels[${i}].color`, `label "${name}": colour must be a CSS colour string`);
    const def: LabelDef = { name, color: l.color, hotkey };
    if (l.description !== undefined) {
      if (typeof l.description !== 'string')
        throw configError(`labels[${i}].description`, `label "${name}": description must be text`);
      def.description = l.description;
    }
    return def;
  });
  const out: NewProject = { name: p.name.trim(), task: p.task, labels };
  if (p.guidelines !== undefined) {
    if (typeof p.guidelines !== 'string') throw configError('guidelines', 'guidelines must be text');
    out.guidelines = p.guidelines;
  }
  if (p.sample !== undefined && typeof p.sample !== 'boolean')
    throw configError('sample', 'sample must be true or false');
  if (p.sample) out.sample = true;
  if (p.overlap !== undefined && p.overlap !== null) out.overlap = validateOverlap(p.overlap);
  return out;
}

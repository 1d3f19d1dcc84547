/**
 * The sample project: made automatically the first time the app starts on an empty database, so that
 * a newcomer has documents to label, train on and get suggestions for at once; and on request
 * ("Create sample project") later. Its documents come from the corpus bundled into the renderer
 * (resources/models/sample-corpus.csv, through Vite's `?raw`: no file access, the same in serve mode
 * and in Electron) and go through the Import view's path: corpus.parse on the bytes, then the
 * all-or-nothing Dexie import. The first SAMPLE_LABELED documents keep their label (source 'human',
 * who 'sample'); the other ones are left unlabeled.
 *
 * A flag in localStorage (per origin, as the database) makes the automatic run happen once: not
 * again after the user deleted the sample, nor when the first start found projects already.
 */
import sampleCsv from '../../../resources/models/sample-corpus.csv?raw';
import { reactive } from 'vue';
import { api } from '../api';
import { bytesToBase64, planImport } from '../db/logic';
import { existingKeys } from '../db/docs-repo';
import { runImport } from '../db/import-repo';
import type { ProjectRow } from '../db/types';
import { errorText, i18n } from '../i18n';
import { refreshProjects, refreshStats, state, syncJournal, toast } from './app';
import { autoBackup } from './auto-backup';
import {
  firstRunAction,
  parseSampleFlag,
  SAMPLE_FILE,
  SAMPLE_KEY,
  SAMPLE_LABELED,
  SAMPLE_WHO,
  sampleDocs,
  sampleLabelMap,
  sampleProject,
  type SampleFlag,
} from './sample-logic';
import { may } from './my-role';
import { GATES } from './role-gates';

function readFlag(): SampleFlag | null {
  try {
    return parseSampleFlag(localStorage.getItem(SAMPLE_KEY));
  } catch {
    // No localStorage (private mode): behave as if set, rather than make a sample at every start.
    return { state: 'skipped' };
  }
}

function writeFlag(f: SampleFlag): void {
  try {
    localStorage.setItem(SAMPLE_KEY, JSON.stringify(f));
  } catch {
    /* the choice lasts this session */
  }
  if (f.projectId) sample.projectId = f.projectId;
}

/** busy: the sample is being made (the projects page shows a placeholder); projectId: the latest sample. */
export const sample = reactive({ busy: false, projectId: readFlag()?.projectId ?? '' });

/** One tab at a time (two tabs opened on a fresh database would both make one). */
async function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : undefined;
  return locks ? locks.request('distillery.sample', fn) : fn();
}

function projectsWithCounts(): { id: string; total: number }[] {
  return state.projects.map((p) => ({ id: p.id, total: state.stats[p.id]?.total ?? 0 }));
}

/** The corpus, parsed by the backend and imported all or nothing into the project. */
async function importSample(p: ProjectRow): Promise<number> {
  const base64 = bytesToBase64(new TextEncoder().encode(sampleCsv), btoa);
  const parsed = await api.corpus.parse({ fileName: SAMPLE_FILE, base64, dedupe: true });
  const existing = await existingKeys(p.id);
  const plan = planImport(
    { docs: sampleDocs(parsed.docs, sampleLabelMap(p), SAMPLE_LABELED) },
    {
      projectId: p.id,
      importId: `imp-sample-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      task: p.task,
      labels: p.labels.map((l) => l.name),
      existingIds: existing.ids,
      existingTexts: existing.texts,
      missingText: existing.missingText,
      useLabels: true,
      dedupe: true,
      who: SAMPLE_WHO,
      at: new Date().toISOString(),
      strategy: p.strategy,
    },
  );
  if (plan.errors.length)
    throw new Error(
      `${SAMPLE_FILE}: ${plan.errors.length} row(s) with labels outside the project's (first: line ${plan.errors[0].line})`,
    );
  await runImport(p.id, SAMPLE_FILE, plan);
  await refreshStats(p.id);
  // The sample's labels are label events like any other: journal them now, as a rebuild needs them.
  void syncJournal(p.id);
  void autoBackup(p.id, 'import');
  return plan.rows.length;
}

async function findProject(id: string): Promise<ProjectRow> {
  let p = state.projects.find((x) => x.id === id);
  if (!p) {
    await refreshProjects();
    p = state.projects.find((x) => x.id === id);
  }
  if (!p) throw new Error(`project ${id} is not in the list`);
  return p;
}

async function makeSample(): Promise<ProjectRow> {
  const t = i18n.global.t;
  writeFlag({ state: 'creating' });
  const meta = await api.projects.create(
    sampleProject({
      name: t('sample.name'),
      negative: t('sample.negative'),
      positive: t('sample.positive'),
      negativeDesc: t('sample.negativeDesc'),
      positiveDesc: t('sample.positiveDesc'),
      guidelines: t('sample.guidelines'),
    }),
  );
  writeFlag({ state: 'creating', projectId: meta.id });
  await refreshProjects();
  const p = await findProject(meta.id);
  await importSample(p);
  writeFlag({ state: 'done', projectId: p.id });
  return p;
}

/**
 * At start-up (after boot): makes the sample on a first run, finishes one whose import was cut
 * short, or records that there is nothing to do. Errors become a toast; the app works without it.
 */
export async function ensureSampleProject(): Promise<void> {
  if (!state.booted || state.bootError || state.dbOpenError || sample.busy) return;
  // Only whoever may create projects makes one (a member's browser takes the owner's sample from the server).
  if (!may(GATES.createProject)) return;
  const first = firstRunAction(readFlag(), projectsWithCounts());
  if (first.kind === 'none') return;
  if (first.kind === 'skip') return writeFlag({ state: 'skipped' });
  if (first.kind === 'finish') return writeFlag({ state: 'done', projectId: first.projectId });
  // Set before the first await: the projects page shows the placeholder in its first frame.
  sample.busy = true;
  try {
    await exclusive(async () => {
      // Again inside the lock: another tab may have done it meanwhile.
      const again = firstRunAction(readFlag(), projectsWithCounts());
      if (again.kind === 'create') await makeSample();
      else if (again.kind === 'resume') {
        await importSample(await findProject(again.projectId));
        writeFlag({ state: 'done', projectId: again.projectId });
      } else await refreshProjects();
    });
  } catch (e) {
    console.error(e);
    toast('error', i18n.global.t('sample.failed', { message: errorText(e) }));
  } finally {
    sample.busy = false;
  }
}

/** Whether the project is a sample: marked so in its project.json, or the one this browser made. */
export function isSample(p: Pick<ProjectRow, 'id' | 'sample'>): boolean {
  return !!p.sample || p.id === sample.projectId;
}

/**
 * Whether there is a sample already, so that "Create sample project" is not offered: one in the
 * server's project list (made from any browser: this database may not have its documents yet, the
 * rebuild dialog offers them), or the one this browser made, with its documents.
 */
export function hasSample(): boolean {
  return state.projects.some((p) => p.sample || (p.id === sample.projectId && (state.stats[p.id]?.total ?? 0) > 0));
}

/**
 * "Create sample project" on the projects page: finishes the latest sample if its import was cut
 * short, else makes a new one (the previous one was deleted, or there never was one).
 */
export async function createSampleProject(): Promise<ProjectRow> {
  sample.busy = true;
  try {
    return await exclusive(async () => {
      const flag = readFlag();
      const unfinished = flag?.projectId
        ? state.projects.find((p) => p.id === flag.projectId && !(state.stats[p.id]?.total ?? 0))
        : undefined;
      if (!unfinished) return makeSample();
      await importSample(unfinished);
      writeFlag({ state: 'done', projectId: unfinished.id });
      return unfinished;
    });
  } finally {
    sample.busy = false;
  }
}

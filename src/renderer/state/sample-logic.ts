/**
 * The sample project a newcomer finds on first run, as pure functions (no Dexie, no DOM, no API):
 * its schema, which of the bundled corpus' labels it keeps, and what to do at start-up.
 * sample.ts runs them against the backend and the database.
 */
import type { LabelDef, ParsedCorpus, ProjectMeta } from '../../shared/api';

/** The bundled corpus (resources/models/sample-corpus.csv): 600 labeled rows ('0'/'1'), then 200 unlabeled. */
export const SAMPLE_FILE = 'sample-corpus.csv';
/** Documents in the sample corpus. */
export const SAMPLE_DOCS = 800;
/** Only the first rows keep the corpus' label; the rest are left for the newcomer and the model. */
export const SAMPLE_LABELED = 100;
/** `who` of the labels that came with the sample (source 'human'). */
export const SAMPLE_WHO = 'sample';
/** localStorage key of the first-run flag (per origin, like the database). */
export const SAMPLE_KEY = 'distillery.sample';

/**
 * 'creating': started (the project id once the backend made it); 'done': imported; 'skipped': the
 * first start found projects already, so none was made. Any flag means: never again automatically.
 */
export interface SampleFlag {
  state: 'creating' | 'done' | 'skipped';
  projectId?: string;
}

export function parseSampleFlag(raw: string | null | undefined): SampleFlag | null {
  if (!raw) return null;
  try {
    const f = JSON.parse(raw) as Partial<SampleFlag>;
    if (f && (f.state === 'creating' || f.state === 'done' || f.state === 'skipped')) {
      return typeof f.projectId === 'string' && f.projectId
        ? { state: f.state, projectId: f.projectId }
        : { state: f.state };
    }
  } catch {
    /* not ours: treated as set, below */
  }
  // Something unreadable under our key: it was set once, so do not create again.
  return { state: 'skipped' };
}

/** The sample's texts in the UI language of the moment (names, descriptions, guidelines). */
export interface SampleText {
  name: string;
  negative: string;
  positive: string;
  negativeDesc: string;
  positiveDesc: string;
  guidelines: string;
}

export type NewSampleProject = Omit<ProjectMeta, 'id' | 'createdAt' | 'folder'>;

/** Binary: negative (key 1, the corpus' '0'), positive (key 2, the corpus' '1'). */
export function sampleProject(text: SampleText): NewSampleProject {
  const labels: LabelDef[] = [
    { name: text.negative, color: '#dc2626', hotkey: '1', description: text.negativeDesc },
    { name: text.positive, color: '#16a34a', hotkey: '2', description: text.positiveDesc },
  ];
  return { name: text.name, task: 'binary', labels, guidelines: text.guidelines, sample: true };
}

/** The corpus' label values → the project's label names. */
export function sampleLabelMap(p: Pick<NewSampleProject, 'labels'>): Record<string, string> {
  return { '0': p.labels[0].name, '1': p.labels[1].name };
}

/**
 * The parsed corpus with labels renamed, kept on the first `keep` documents only (file order) and
 * dropped on the others. A value outside the map stays as it is, so the import plan reports it.
 */
export function sampleDocs(
  docs: ParsedCorpus['docs'],
  map: Readonly<Record<string, string>>,
  keep = SAMPLE_LABELED,
): ParsedCorpus['docs'] {
  return docs.map((d, i) => ({ ...d, labels: i < keep ? d.labels.map((l) => map[l] ?? l) : [] }));
}

export type FirstRun =
  /** Nothing to do. */
  | { kind: 'none' }
  /** Nothing here yet: make the sample. */
  | { kind: 'create' }
  /** The sample's project exists but its import never finished (the page closed): import again. */
  | { kind: 'resume'; projectId: string }
  /** The import finished but the flag was not updated. */
  | { kind: 'finish'; projectId: string }
  /** Projects were there before the first start: no sample, and never automatically. */
  | { kind: 'skip' };

/** What the start-up does about the sample, from the flag and the projects with their document counts. */
export function firstRunAction(flag: SampleFlag | null, projects: readonly { id: string; total: number }[]): FirstRun {
  if (!flag) return projects.length ? { kind: 'skip' } : { kind: 'create' };
  if (flag.state !== 'creating') return { kind: 'none' };
  if (!flag.projectId) return projects.length ? { kind: 'none' } : { kind: 'create' };
  const p = projects.find((x) => x.id === flag.projectId);
  if (!p) return { kind: 'none' };
  return p.total > 0 ? { kind: 'finish', projectId: p.id } : { kind: 'resume', projectId: p.id };
}

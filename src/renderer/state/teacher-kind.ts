/**
 * Which kind of teacher produced a project's soft labels, as the UI names it: a student architecture
 * trained as the teacher, a BERT fine-tuned from a local Hugging Face folder, or a BERT pre-trained
 * here by masked LM on the project's own texts and then fine-tuned. Pure (no Vue, no Dexie).
 */
import type { JobKind, JobResult } from '../../shared/api';
import { studentArchTeacherName } from '../../shared/teacher-name';
import type { BertTeacherSource } from '../../shared/worker-protocol';

export type TeacherSource = 'student' | BertTeacherSource;
/**
 * The Train view's teacher kinds: the sources, and the binary-relevance teacher (one BERT per label,
 * multi-label projects only), a 'model-dir' or 'pretrain' job (its base) with `binaryRelevance`.
 */
export type TeacherFormKind = TeacherSource | 'binary-relevance';

/** The teacher kinds a project's Train view offers: binary relevance only where a document may have several labels. */
export function teacherKindsFor(task: string): TeacherFormKind[] {
  return ['student', 'model-dir', 'pretrain', ...(task === 'multilabel' ? (['binary-relevance'] as const) : [])];
}

export interface TeacherDescriptor {
  source: TeacherSource;
  /** source 'student': the architecture (bilstm, textcnn, …). */
  model?: string;
  /** source 'model-dir': the Hugging Face folder fine-tuned (a path on the worker's machine). */
  base?: string;
  /** BERT: the engine's name for it (teacher.json's kind), e.g. "fine-tuned BERT". */
  kind?: string;
  /** BERT: encoder shape, e.g. "2 layers, hidden 128, 2 heads". */
  shape?: string;
  /** A binary-relevance teacher: one binary BERT per label. */
  binaryRelevance?: true;
}

/** The teacher a training run made (undefined for students, sweeps and scoring). */
export function teacherOfRun(r: {
  kind: JobKind;
  options: Record<string, unknown>;
  result?: JobResult;
}): TeacherDescriptor | undefined {
  if (r.kind === 'train-student') return { source: 'student', model: String(r.options.model ?? '') };
  if (r.kind !== 'train-bert-teacher') return undefined;
  const t = r.result?.teacher;
  const br = r.options.binaryRelevance === true || !!t?.binaryRelevance ? { binaryRelevance: true as const } : {};
  if (t) return { source: t.source, ...(t.base ? { base: t.base } : {}), kind: t.kind, shape: t.shape, ...br };
  const source = r.options.source === 'pretrain' ? 'pretrain' : 'model-dir';
  return {
    source,
    ...(source === 'model-dir' && typeof r.options.modelDir === 'string' ? { base: r.options.modelDir } : {}),
    ...br,
  };
}

/** The last `keep` parts of a path, "…/" in front when some were left out: "/home/me/models/rbt3" → "…/models/rbt3". */
export function shortPath(p: string, keep = 2): string {
  const parts = p.replace(/[\\/]+$/, '').split(/[\\/]/);
  return parts.length > keep + 1 ? `…/${parts.slice(-keep).join('/')}` : p;
}

type T = (key: string, params?: Record<string, unknown>) => string;

/** The teacher in the UI's language, e.g. "fine-tuned BERT (…/models/rbt3)". */
export function teacherText(d: TeacherDescriptor, t: T): string {
  if (d.source === 'student') return t('train.teacherKinds.studentRun', { model: d.model ?? '' });
  if (d.binaryRelevance)
    return t('train.teacherKinds.brRun', {
      folder: d.base ? shortPath(d.base) : t('train.teacherKinds.pretrainShort'),
    });
  if (d.source === 'pretrain') return t('train.teacherKinds.pretrainRun');
  return t('train.teacherKinds.modelDirRun', { folder: d.base ? shortPath(d.base) : '?' });
}

/**
 * How a distillation names its teacher in the student's config and model card (English, like the
 * engine's other records): "fine-tuned BERT from /models/rbt3 (teacher-20250101-120000-bert)";
 * a student architecture trained as the teacher: "teacher (textcnn, teacher-20250101-120000-textcnn)".
 */
export function teacherRecordName(d: TeacherDescriptor | undefined, version: string): string {
  if (d?.source === 'student') return studentArchTeacherName(d.model ? `${d.model}, ${version}` : version);
  if (!d || !d.kind) return version;
  return `${d.kind}${d.base ? ` from ${d.base}` : ''} (${version})`;
}

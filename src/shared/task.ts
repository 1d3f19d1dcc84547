/** Task and label schema shared by every process. */
/** The kinds of task, the one list every process uses. */
export const TASK_TYPES = ['binary', 'multiclass', 'multilabel'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/** One document as the engine sees it: labels are names from the schema (several for multi-label). */
export interface LabeledDoc {
  id: string;
  text: string;
  labels: string[];
}

export interface LabelSchema {
  task: TaskType;
  /** Label names in class-index order. */
  labels: string[];
}

export function inferTask(labels: string[], multiLabel: boolean): TaskType {
  if (multiLabel) return 'multilabel';
  return labels.length === 2 ? 'binary' : 'multiclass';
}

/** The Adjudicate view's keys, as Annotate's: j/k or arrows move, label hotkeys pick, Enter saves, Ctrl+Z withdraws the last decision. */
import type { LabelDef } from '../../shared/api';
import type { TaskType } from '../../shared/task';
import { labelForKey, toggleLabel } from '../db/logic';

export type ReviewKey =
  { kind: 'next' } | { kind: 'prev' } | { kind: 'pick'; label: string } | { kind: 'save' } | { kind: 'undo' };

export function reviewKey(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>,
  defs: readonly LabelDef[],
): ReviewKey | null {
  if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === 'z' || e.key === 'Z')) return { kind: 'undo' };
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (e.key === 'Enter') return { kind: 'save' };
  // A label's hotkey first: projects with more than 18 labels give j and k to labels (db/logic.ts defaultHotkey); the arrows still move.
  const l = labelForKey(e.key, defs);
  if (l) return { kind: 'pick', label: l.name };
  if (e.key === 'j' || e.key === 'ArrowDown') return { kind: 'next' };
  if (e.key === 'k' || e.key === 'ArrowUp') return { kind: 'prev' };
  return null;
}

/** The labels picked so far after a hotkey: single-label tasks replace, multi-label toggles. */
export function pickLabel(picked: readonly string[], label: string, task: TaskType): string[] {
  return toggleLabel(picked, label, task);
}

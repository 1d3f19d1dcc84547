/**
 * The student form's preset (issue #11 item 2): which of STUDENT_PRESETS this machine's backend gets
 * (PRESET_BY_BACKEND, as `distillery train` chooses), the values it puts in the form, and the one
 * line that says what they are and why. Pure (no Vue, no Dexie).
 */
import { PRESET_BY_BACKEND, STUDENT_PRESETS, type StudentPresetName } from '../../shared/job-options';

export type { StudentPresetName };

/** The preset of a backend (the CLI's 'auto'); an unknown backend is a CPU one. */
export function backendPreset(backend: string | undefined): StudentPresetName {
  return PRESET_BY_BACKEND[backend ?? ''] ?? 'cpu';
}

/** The other preset: what the form's switch changes to. */
export function otherPreset(name: StudentPresetName): StudentPresetName {
  return name === 'cpu' ? 'digest-a' : 'cpu';
}

/** What a preset sets among the form's fields (the worker fills the rest of it, e.g. TextCNN's filters). */
export function presetFormValues(name: StudentPresetName): { model: string; epochs: number; hidden?: number } {
  const p = STUDENT_PRESETS[name];
  return { model: p.model, epochs: p.epochs, ...('hidden' in p ? { hidden: p.hidden } : {}) };
}

type T = (key: string, params?: Record<string, unknown>) => string;

/**
 * "CPU backend (wasm): TextCNN, 64 filters × widths 2–5, 3 epochs, 64-token head+tail — a first model
 * in minutes; digest A's BiLSTM (2 × 256) is one click away", in the UI's language. `chosen`: the
 * preset in the form; `maxLen`: the student's sequence length.
 */
export function presetLine(chosen: StudentPresetName, backend: string | undefined, maxLen: number, t: T): string {
  const p = STUDENT_PRESETS[chosen];
  const shape =
    p.model === 'textcnn'
      ? t('train.preset.shapeTextcnn', {
          filters: p.numFilters,
          widths: `${p.filterSizes[0]}–${p.filterSizes[p.filterSizes.length - 1]}`,
          epochs: p.epochs,
          maxLen,
        })
      : t('train.preset.shapeBilstm', { layers: p.layers, hidden: p.hidden, epochs: p.epochs, maxLen });
  const own = backendPreset(backend);
  const why = chosen === own ? `${own}Auto` : `${chosen}Chosen`;
  return t(`train.preset.why.${why}`, { backend: backend ?? '?', shape });
}

/**
 * Where warnings about input files go (NULs removed, a missing byte-order mark, conflicting
 * duplicates, labels with one document). Every corpus reader reports here besides returning them,
 * so a host shows them for all of its commands in one place: the CLI prints them on stderr.
 */
export type CorpusWarningListener = (warning: string) => void;

const listeners = new Set<CorpusWarningListener>();

/** Subscribes; returns the unsubscribe function. */
export function onCorpusWarning(listener: CorpusWarningListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function reportCorpusWarnings(warnings: readonly string[]): void {
  for (const w of warnings) for (const l of listeners) l(w);
}

/**
 * What a corpus file parses into (rows with their line numbers), shared by the table parser
 * (parse.ts) and the Label Studio reader (label-studio.ts), which parse.ts calls: its own module so
 * that those two need not import each other.
 */
import type { LabelProvenance } from '../../shared/api';

export type CorpusFormat = 'csv' | 'tsv' | 'jsonl' | 'txt' | 'label-studio';

export interface RawRow {
  /** 1-based physical line where the row starts. */
  line: number;
  /** Cell values by column name: strings for CSV/TSV/TXT, any JSON value for JSONL. */
  cells: Record<string, unknown>;
  /** Label Studio: who made the row's label and how, and the model's prediction. */
  provenance?: LabelProvenance;
}

export interface ParsedTable {
  format: CorpusFormat;
  columns: string[];
  rows: RawRow[];
  /** Columns to use when the caller names none (Label Studio: the task's text key, its annotations, its id). */
  defaults?: { text?: string; label?: string; id?: string };
  /** What the reader left out that the user should know. */
  warnings?: string[];
}

/** Maps offsets to 1-based line numbers; queries are mostly increasing, so it scans forward. */
export function lineCounter(text: string, firstLine = 1): (offset: number) => number {
  let pos = 0;
  let line = firstLine;
  return (offset) => {
    if (offset < pos) {
      pos = 0;
      line = firstLine;
    }
    for (let nl = text.indexOf('\n', pos); nl !== -1 && nl < offset; nl = text.indexOf('\n', nl + 1)) line++;
    pos = offset;
    return line;
  };
}

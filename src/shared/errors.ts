/**
 * Named errors with stable codes. They cross process boundaries as {name, code, message, details}
 * and are rebuilt on the other side (see `toWire`/`fromWire`), so the UI and CLI can map codes to
 * messages in one place.
 */
export type ErrorCode =
  | 'INPUT_EMPTY' // file has no usable rows
  | 'INPUT_PARSE' // malformed CSV/JSONL (line, column given)
  | 'INPUT_ENCODING' // bytes that cannot be decoded, or an encoding we refuse to guess
  | 'INPUT_COLUMN' // text/label column missing
  | 'LABEL_UNKNOWN' // a label outside the schema
  | 'MODEL_FOLDER' // model folder missing or incomplete
  | 'TEACHER_OUTPUTS' // teacher outputs that do not align with the data
  | 'CONFIG' // bad option or config value
  | 'BACKEND' // no usable compute backend
  | 'CANCELLED' // a job stopped on request (an outcome, not a failure)
  | 'WORKER_CRASH' // the worker process died while running a job (it is restarted; labels are safe)
  | 'DISK_FULL' // no space left on the device (ENOSPC): nothing partial was written
  | 'NOT_FOUND' // a project, model version or job id that does not exist
  | 'INTERNAL';

export interface ErrorDetails {
  file?: string;
  line?: number;
  column?: number | string;
  field?: string;
  [key: string]: unknown;
}

export class DistilleryError extends Error {
  override name = 'DistilleryError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
  }
}

/** Bad user input; the message names the file and, where known, line and column. */
export class InputError extends DistilleryError {
  override name = 'InputError';
}

export class ModelFolderError extends DistilleryError {
  override name = 'ModelFolderError';
  constructor(message: string, details: ErrorDetails = {}) {
    super('MODEL_FOLDER', message, details);
  }
}

export class CancelledError extends DistilleryError {
  override name = 'CancelledError';
  constructor(message = 'cancelled') {
    super('CANCELLED', message);
  }
}

/** "file:line:column" prefix for messages, omitting what is unknown. */
export function where(d: ErrorDetails): string {
  let s = d.file ?? '';
  if (d.line !== undefined) s += `${s ? ':' : 'line '}${d.line}`;
  if (d.column !== undefined) s += `${s ? ':' : 'column '}${d.column}`;
  return s;
}

export interface WireError {
  name: string;
  code: ErrorCode;
  message: string;
  details: ErrorDetails;
  stack?: string;
}

export function toWire(e: unknown): WireError {
  if (e instanceof DistilleryError) {
    return { name: e.name, code: e.code, message: e.message, details: e.details, stack: e.stack };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return { name: err.name, code: 'INTERNAL', message: err.message, details: {}, stack: err.stack };
}

/** The error `toWire` sent, rebuilt: its code, details and name (e.g. 'InputError') are kept. */
export function fromWire(w: WireError): DistilleryError {
  const e =
    w.code === 'CANCELLED' ? new CancelledError(w.message) : new DistilleryError(w.code, w.message, w.details ?? {});
  if (w.name) e.name = w.name;
  if (w.stack) e.stack = w.stack;
  return e;
}

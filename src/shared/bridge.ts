/**
 * Errors across Electron's contextBridge. The preload runs in an isolated world: an Error it throws
 * reaches the page as a new Error carrying only its message (code and details are dropped), and
 * `instanceof DistilleryError` could never hold across worlds anyway. So the preload rejects with a
 * plain WireError object, which the bridge copies intact, and the page rebuilds it with fromWire in
 * its own world: `withWireErrors(window.distillery)`.
 */
import type { DistilleryApi } from './api';
import { fromWire, type WireError } from './errors';

export const BRIDGE_ERROR_MARK = 'distilleryWireError';

export type BridgeError = WireError & { [BRIDGE_ERROR_MARK]: true };

/** The plain object the preload rejects with. */
export function toBridgeError(w: WireError): BridgeError {
  const e: BridgeError = {
    name: w.name,
    code: w.code,
    message: w.message,
    details: { ...(w.details ?? {}) },
    [BRIDGE_ERROR_MARK]: true,
  };
  return e;
}

export function isBridgeError(v: unknown): v is BridgeError {
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return o[BRIDGE_ERROR_MARK] === true && typeof o.code === 'string' && typeof o.message === 'string';
}

/** The API exposed by the preload, with its rejections rebuilt as this world's DistilleryErrors. */
export function withWireErrors<T extends DistilleryApi>(api: T): T {
  const rebuild = (e: unknown): never => {
    if (isBridgeError(e)) {
      const { [BRIDGE_ERROR_MARK]: _mark, ...w } = e;
      void _mark;
      throw fromWire(w);
    }
    throw e;
  };
  const out: Record<string, Record<string, unknown>> = {};
  for (const [group, methods] of Object.entries(api as unknown as Record<string, Record<string, unknown>>)) {
    out[group] = {};
    for (const [name, fn] of Object.entries(methods)) {
      if (typeof fn !== 'function') continue;
      out[group][name] =
        name === 'subscribe'
          ? (...a: unknown[]) => (fn as (...x: unknown[]) => unknown)(...a)
          : async (...a: unknown[]) => {
              try {
                return await (fn as (...x: unknown[]) => Promise<unknown>)(...a);
              } catch (e) {
                return rebuild(e);
              }
            };
    }
  }
  return out as unknown as T;
}

/**
 * What every transport of the API (IPC, HTTP) builds on: the call names of API_TABLE
 * (src/shared/api.ts), a client built from a function that sends one call, the lookup of a call's
 * handler by name, and the reply that comes back.
 */
import { API_TABLE, type ApiCall, type ApiGroups, type CallName, type DesktopCall } from './api';
import { DistilleryError, type WireError } from './errors';

/** The answer to one call on either transport. */
export type CallReply = { ok: true; result: unknown } | { ok: false; error: WireError };

const ALL_CALLS = Object.keys(API_TABLE) as CallName[];

/** Every call both transports carry, "<group>.<method>". */
export const API_CALLS: readonly ApiCall[] = ALL_CALLS.filter((c): c is ApiCall => !API_TABLE[c].desktop);
/** The desktop app's own calls, "desktop.<method>" (IPC only). */
export const DESKTOP_CALLS: readonly DesktopCall[] = ALL_CALLS.filter(
  (c): c is DesktopCall => API_TABLE[c].desktop === true,
);

export function isApiCall(name: unknown): name is ApiCall {
  return typeof name === 'string' && (API_CALLS as readonly string[]).includes(name);
}

export function isDesktopCall(name: unknown): name is DesktopCall {
  return typeof name === 'string' && (DESKTOP_CALLS as readonly string[]).includes(name);
}

/** Sends one call and resolves to its result (a transport: IPC invoke, HTTP POST). */
export type SendCall<C extends CallName> = (name: C, args: unknown[]) => Promise<unknown>;

/**
 * The calls `names` as groups of methods ({jobs: {start, …}}), each one `send(name, args)`; plain
 * objects holding plain functions, so that Electron's contextBridge copies them as they are.
 */
export function clientFor<C extends CallName>(names: readonly C[], send: SendCall<C>): ApiGroups<C> {
  const groups: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const name of names) {
    const [group, method] = name.split('.') as [string, string];
    (groups[group] ??= {})[method] = (...args: unknown[]) => send(name, args);
  }
  return groups as unknown as ApiGroups<C>;
}

/**
 * Runs call `name` (already checked to be one of the calls `groups` implements) with the argument
 * list `args` from the wire.
 */
export async function callByName<C extends CallName>(groups: ApiGroups<C>, name: C, args: unknown): Promise<unknown> {
  if (!Array.isArray(args))
    throw new DistilleryError('CONFIG', `${name}: the arguments must be a JSON array`, { field: 'args' });
  return methodOf(groups, name)(...args);
}

/** The function that implements call `name` in `groups` (arranged as Grouped: {group: {method}}). */
export function methodOf(groups: object, name: CallName): (...args: unknown[]) => Promise<unknown> {
  const [group, method] = name.split('.') as [string, string];
  return (groups as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>)[group][method];
}

/**
 * Who makes a call, for the host's dispatch (api-backend.ts): serve mode passes the member the
 * request's token belongs to; the desktop app passes nothing (its user is the owner). The principal
 * travels as this argument, never through a global, so two requests in flight cannot mix.
 */
import os from 'node:os';
import type { HostApi } from '../shared/api';
import { DistilleryError } from '../shared/errors';
import { GOLD_DRAW_WHO, type LabelEvent } from '../shared/label-event';
import { ACTION_ROLE, roleAtLeast, type Principal, type Role } from '../shared/roles';
import type { TeamStore } from './serve/team';

export interface CallContext {
  principal: Principal;
  team: TeamStore;
  /** `scheme://host:port` the request reached: where an invite link points. */
  baseUrl: string;
}

/** A refusal for lack of a role: HTTP 403, naming what was asked and the role it needs. */
export function forbidden(what: string, need: Role, p: Principal): DistilleryError {
  return new DistilleryError(
    'CONFIG',
    `${what} needs the ${need} role (${p.name} is ${p.role === 'annotator' ? 'an' : 'a'} ${p.role})`,
    { status: 403, need, field: 'role' },
  );
}

/**
 * The events as the journal keeps them: `who` is the caller's name whatever the client wrote (the
 * name comes from the token). Owners keep the `who` they send, as imports carry the annotators of
 * the file; a gold-set draw keeps its marker (it is the app's choice, not a person's label).
 */
export function stampEvents(events: unknown, p: Principal): unknown {
  if (!Array.isArray(events)) return events; // the journal refuses it with its own message
  return events.map((e: unknown) => {
    if (!e || typeof e !== 'object') return e;
    const ev = e as LabelEvent;
    const need = ACTION_ROLE[ev.action];
    if (need && !roleAtLeast(p.role, need)) throw forbidden(`a '${ev.action}' event`, need, p);
    if (p.role === 'owner' && typeof ev.who === 'string' && ev.who) return ev;
    if (ev.action === 'gold' && ev.who === GOLD_DRAW_WHO) return ev;
    return { ...ev, who: p.name };
  });
}

/** The API as `ctx.principal` may use it: events stamped with their name, the team seen by them. */
export function asPrincipal(backend: HostApi, ctx: CallContext): HostApi {
  const p = ctx.principal;
  return {
    ...backend,
    journal: {
      ...backend.journal,
      // Any further arguments go on as the client sent them, as for every other call.
      append: (projectId, events, ...rest: unknown[]) =>
        (backend.journal.append as (...a: unknown[]) => Promise<void>)(projectId, stampEvents(events, p), ...rest),
    },
    team: {
      me: async () => ({ ...p }),
      names: async () => ctx.team.names(),
      list: async () => ctx.team.list(),
      invite: async (name, role) => {
        const token = await ctx.team.invite(name, role);
        return { name: String(name).trim(), role, token, url: `${ctx.baseUrl}/?token=${token}` };
      },
      revoke: (name) => ctx.team.revoke(name, p.name),
    },
  };
}

/** The desktop app's `team` calls: one local owner and no invites (a team lives in serve mode). */
export const localTeam: HostApi['team'] = {
  me: async () => ({ name: localUserName(), role: 'owner' }),
  names: async () => [{ name: localUserName(), role: 'owner' }],
  list: async () => [],
  invite: () =>
    Promise.reject(
      new DistilleryError('CONFIG', 'the desktop app has no team: start `distillery serve` to invite teammates', {
        field: 'team',
      }),
    ),
  revoke: () => Promise.reject(new DistilleryError('CONFIG', 'the desktop app has no team', { field: 'team' })),
};

/** This machine's user name (the default owner of a server). */
export function localUserName(): string {
  try {
    return os.userInfo().username || 'owner';
  } catch {
    return 'owner';
  }
}

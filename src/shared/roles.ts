/**
 * Who may make which call in serve mode (issue #10 item 2). Every member has a role; a call's `role`
 * fact in API_TABLE (src/shared/api.ts) names the least role it needs (absent: any member). The
 * desktop app has no members: its one user is the owner.
 */
import type { JobKind } from './job-options';
import type { LabelAction } from './label-event';

/** Weakest first: each role may do everything the ones before it may. */
export const ROLES = ['annotator', 'reviewer', 'owner'] as const;
export type Role = (typeof ROLES)[number];

/** The member a request comes from (the token's holder). */
export interface Principal {
  name: string;
  role: Role;
}

/** A member as `team.list` shows it (never the token or its hash). */
export interface MemberInfo extends Principal {
  createdAt: string;
  revokedAt?: string;
}

/** What `team.invite` returns, once: the token is never shown again (only its hash is kept). */
export interface Invite {
  name: string;
  role: Role;
  token: string;
  /** The server's address with `?token=` (what the invitee opens). */
  url: string;
}

export function isRole(r: unknown): r is Role {
  return typeof r === 'string' && (ROLES as readonly string[]).includes(r);
}

export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/**
 * Jobs any member may start although `jobs.start` is an owner's call: the live loop's quick retrain,
 * which every annotator's browser starts while labeling (renderer/queue/live-loop.ts).
 */
export const MEMBER_JOBS: readonly JobKind[] = ['fast-prelabel'];

/** Jobs a reviewer may start: the label-noise audit of the Adjudicate view's Suspects tab. */
export const REVIEWER_JOBS: readonly JobKind[] = ['audit'];

/** Journal actions that need more than an annotator: a reviewer's final label. */
export const ACTION_ROLE: Partial<Record<LabelAction, Role>> = { adjudicate: 'reviewer' };

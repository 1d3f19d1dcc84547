/**
 * What a role may do in the UI, derived from the role facts alone: API_TABLE's `role` (src/shared/api.ts)
 * lowered for some jobs (shared/call-roles.ts), and the label actions that need more than an annotator
 * (shared/roles.ts ACTION_ROLE). A control names the call it makes (a Gate); whether the role may
 * make it, and which role it needs, come from here, so a fact changed there changes the UI too. Pure.
 */
import type { ApiCall } from '../../shared/api';
import { requiredRole } from '../../shared/call-roles';
import type { JobKind } from '../../shared/job-options';
import type { LabelAction } from '../../shared/label-event';
import { ACTION_ROLE, roleAtLeast, type Role } from '../../shared/roles';
import type { View } from './route';

/** What a control does: an API call (a job of some kind), or a label event of some action. */
export type Gate = { call: ApiCall; job?: JobKind } | { action: LabelAction };

/** The calls the UI's controls make, named once. */
export const GATES = {
  createProject: { call: 'projects.create' },
  updateProject: { call: 'projects.update' },
  importFile: { call: 'corpus.parse' },
  train: { call: 'jobs.start', job: 'train-student' },
  cancelJob: { call: 'jobs.cancel' },
  exportDataset: { call: 'exports.dataset' },
  manageTeam: { call: 'team.list' },
  audit: { call: 'jobs.start', job: 'audit' },
  adjudicate: { action: 'adjudicate' },
} as const satisfies Record<string, Gate>;

/**
 * The views that exist for one kind of call: a role that may not make it has no use for the view, so
 * its nav entry goes. The others (Annotate, Review, Corpus) are every member's.
 */
export const VIEW_GATES: Partial<Record<View, Gate>> = {
  import: GATES.importFile,
  train: GATES.train,
  export: GATES.exportDataset,
  adjudicate: GATES.adjudicate,
};

/** The least role a gate needs. */
export function roleNeeded(g: Gate): Role {
  if ('action' in g) return ACTION_ROLE[g.action] ?? 'annotator';
  return requiredRole(g.call, g.job ? [{ kind: g.job }] : []);
}

export function mayUse(g: Gate, role: Role): boolean {
  return roleAtLeast(role, roleNeeded(g));
}

export function mayOpen(view: View, role: Role): boolean {
  const g = VIEW_GATES[view];
  return !g || mayUse(g, role);
}

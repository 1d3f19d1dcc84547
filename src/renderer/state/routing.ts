/**
 * A project's team routing (shared/routing.ts) in the UI: saving the setting (in project.json, so every
 * browser of the team routes alike) and reading the team it routes among from the server.
 */
import type { Principal } from '../../shared/roles';
import { routingMembers, teamChange, type OverlapSetting } from '../../shared/routing';
import { api } from '../api';
import type { ProjectRow } from '../db/types';
import { patchLocalProject, state, updateProject } from './app';

/** Saves the overlap setting (undefined turns routing off) and shows the stored project. */
export async function saveOverlap(p: ProjectRow, overlap: OverlapSetting | undefined): Promise<void> {
  await updateProject({ ...p, overlap });
  // updateProject's answer has no `overlap` when it was turned off: the local row must lose it too.
  await patchLocalProject(p.id, { overlap });
}

/** Who joined and who left the routing team since this browser last read it. */
export interface TeamNews {
  joined: string[];
  left: string[];
}

const MEMBERS_KEY = (projectId: string) => `distillery.routingMembers.${projectId}`;

function storedMembers(projectId: string): Principal[] | undefined {
  try {
    const s = localStorage.getItem(MEMBERS_KEY(projectId));
    return s ? (JSON.parse(s) as Principal[]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serve mode: the server's active members (team.names), which routing shares the documents among, and
 * how the routing team changed since this browser last read it for this project (a revoked member's
 * documents go to the others; a newcomer takes some). Offline, the list read last. Undefined in the
 * desktop app, which has no member list.
 */
export async function readTeam(
  projectId: string,
): Promise<{ members: Principal[]; news: TeamNews | null } | undefined> {
  if (!state.member) return undefined;
  const before = storedMembers(projectId);
  let members: Principal[];
  try {
    members = await api.team.names();
  } catch (e) {
    if (before) return { members: before, news: null };
    throw e;
  }
  try {
    localStorage.setItem(MEMBERS_KEY(projectId), JSON.stringify(members));
  } catch {
    /* ignore: the notice of a change is then not shown */
  }
  if (!before) return { members, news: null };
  const c = teamChange(routingMembers(before), routingMembers(members));
  return { members, news: c.joined.length || c.left.length ? c : null };
}

/** Calls `listener` when the server says the team changed (serve mode); a no-op unsubscribe elsewhere. */
export function onTeamChanged(listener: () => void): () => void {
  return api.team.subscribe?.(() => listener()) ?? (() => {});
}

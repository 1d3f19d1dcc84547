/** What the Annotate view reads and writes of its queue: the next documents (plain or team-routed) and the strategy. */
import { queueHead } from '../db/docs-repo';
import { setStrategy } from '../db/projects-repo';
import { countOffers, routeContext, routedQueueHead } from '../db/routed-repo';
import type { DocRow, ProjectRow } from '../db/types';
import type { Strategy } from '../queue/strategies';
import type { RouteContext } from '../queue/routed-queue';
import type { Principal } from '../../shared/roles';

/**
 * The team this annotator's work is routed among (db/routed-repo.ts), from `members` (serve mode: the
 * server's member list) where given; undefined where the project does not route.
 */
export function teamRoute(
  p: ProjectRow,
  me: string,
  members?: readonly Principal[],
): Promise<RouteContext | undefined> {
  return routeContext(p, me, members);
}

/**
 * The next documents to annotate: the plain queue, or those routed to this annotator (with
 * `showOthers`, then others' that still lack annotators). `othersLeft` is there when routed
 * documents ran out: how many of the others' are still open.
 */
export async function nextToAnnotate(
  projectId: string,
  n: number,
  exclude: ReadonlySet<string>,
  route: RouteContext | undefined,
  showOthers: boolean,
): Promise<{ docs: DocRow[]; othersLeft?: number }> {
  if (!route) return { docs: await queueHead(projectId, n, exclude) };
  const docs = await routedQueueHead(projectId, n, exclude, route, showOthers);
  if (docs.length) return { docs };
  return { docs, othersLeft: (await countOffers(projectId, route)).others };
}

/** Re-orders the whole queue under a new strategy (the local project row is the caller's to patch). */
export function changeQueueStrategy(p: ProjectRow, strategy: Strategy): Promise<void> {
  return setStrategy(p, strategy);
}

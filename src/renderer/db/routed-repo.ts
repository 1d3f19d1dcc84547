/**
 * The Annotate queue of a project that routes work among a team (queue/routed-queue.ts says which
 * documents are whose). Kept apart from docs-repo.ts's plain queue: without an overlap setting the view
 * uses queueHead as before.
 */
import Dexie from 'dexie';
import type { Principal } from '../../shared/roles';
import { labelersOf } from '../../shared/routing';
import { blindView, offerFor, routeContextOf, type Offer, type RouteContext } from '../queue/routed-queue';
import { bulkDb } from './schema';
import type { DocRow, ProjectRow } from './types';

const { minKey, maxKey } = Dexie;

/**
 * The team to route among (queue/routed-queue.ts routeContextOf): the owner's list, else the server's
 * members (`members`, from team.names), else whoever labeled in this project so far, plus `me`.
 */
export async function routeContext(
  p: Pick<ProjectRow, 'id' | 'overlap'>,
  me: string,
  members?: readonly Principal[],
): Promise<RouteContext | undefined> {
  if (!p.overlap) return undefined;
  const labelers =
    p.overlap.team || members ? [] : labelersOf(await bulkDb.events.where('projectId').equals(p.id).toArray());
  return routeContextOf(p.overlap, me, members, labelers);
}

/** Documents with one offer, highest queue priority first (unlabeled and labeled ones merged). */
async function offered(
  projectId: string,
  n: number,
  exclude: ReadonlySet<string>,
  route: RouteContext,
  want: Offer,
): Promise<DocRow[]> {
  const scan = (labeled: 0 | 1) =>
    bulkDb.docs
      .where('[projectId+isLabeled+queueScore]')
      .between([projectId, labeled, minKey], [projectId, labeled, maxKey])
      .reverse()
      .filter((d) => !exclude.has(d.id) && offerFor(d, route) === want)
      .limit(n)
      .toArray();
  const [open, labeled] = await Promise.all([scan(0), scan(1)]);
  return [...open, ...labeled].sort((a, b) => b.queueScore - a.queueScore).slice(0, n);
}

/**
 * The next documents for this annotator: the ones routed to them; with `others`, once those ran out,
 * the ones routed to others that still lack annotators. Overlap documents come blinded where the
 * project says so (queue/routed-queue.ts blindView).
 */
export async function routedQueueHead(
  projectId: string,
  n: number,
  exclude: ReadonlySet<string>,
  route: RouteContext,
  others: boolean,
): Promise<DocRow[]> {
  const mine = await offered(projectId, n, exclude, route, 'mine');
  const more = others && mine.length < n ? await offered(projectId, n - mine.length, exclude, route, 'others') : [];
  return [...mine, ...more].map((d) => blindView(d, route));
}

/** How many documents are this annotator's and how many others' still need labels (shown when theirs ran out). */
export async function countOffers(projectId: string, route: RouteContext): Promise<Record<Offer, number>> {
  const out: Record<Offer, number> = { mine: 0, others: 0, no: 0 };
  await bulkDb.docs
    .where('projectId')
    .equals(projectId)
    .each((d) => {
      out[offerFor(d, route)]++;
    });
  return out;
}

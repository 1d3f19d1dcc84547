/**
 * The Annotate queue of a project that routes work among a team (queue/routed-queue.ts says which
 * documents are whose). Kept apart from docs-repo.ts's plain queue: without an overlap setting the view
 * uses queueHead as before.
 */
import Dexie from 'dexie';
import { labelersOf, routingTeam } from '../../shared/routing';
import { blindView, offerFor, type Offer, type RouteContext } from '../queue/routed-queue';
import { bulkDb } from './schema';
import type { DocRow, ProjectRow } from './types';

const { minKey, maxKey } = Dexie;

/**
 * The team to route among: the owner's list in the setting, exactly (every browser must route alike:
 * someone not on it gets nothing routed and is offered the others' open documents); else the member
 * list where the caller has one (the server's team), else whoever labeled in this project so far,
 * plus the current annotator.
 */
export async function routeContext(
  p: Pick<ProjectRow, 'id' | 'overlap'>,
  me: string,
  members?: readonly string[],
): Promise<RouteContext | undefined> {
  if (!p.overlap) return undefined;
  if (p.overlap.team) return { me, team: routingTeam(p.overlap.team), overlap: p.overlap };
  const names = members ?? labelersOf(await bulkDb.events.where('projectId').equals(p.id).toArray());
  return { me, team: routingTeam(names, me), overlap: p.overlap };
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

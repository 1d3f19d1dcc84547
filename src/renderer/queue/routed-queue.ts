/**
 * Which documents the Annotate queue offers an annotator when the project routes work
 * (shared/routing.ts). Pure: the database query (db/routed-repo.ts routedQueueHead) applies it row by row.
 *
 * - 'mine': routed to this annotator, who has not labeled it. An overlap document stays 'mine' for
 *   each of its k annotators until each labeled it, even after others did (isLabeled alone cannot say
 *   that: it is set by the first label); any other document only while nobody labeled it.
 * - 'others': routed to someone else and still short of annotators (nobody labeled an ordinary
 *   document; fewer than k labeled an overlap document), and not labeled by this annotator. The queue
 *   offers these only once 'mine' ran out and the annotator chose to go on (the Annotate view says so):
 *   nobody idles, and nobody takes a colleague's share unasked.
 * - 'no': done for this annotator, or done enough.
 * Without routing (no overlap setting) every unlabeled document is 'mine', as before teams.
 */
import {
  annotatorsNeeded,
  assignees,
  isOverlapDoc,
  routingMembers,
  routingTeam,
  type OverlapSetting,
} from '../../shared/routing';
import type { Principal } from '../../shared/roles';
import type { DocRow } from '../db/types';

export interface RouteContext {
  /** The annotator the queue is for. */
  me: string;
  /** The team routed among (shared/routing.ts routingTeam). */
  team: readonly string[];
  overlap: OverlapSetting;
}

export type Offer = 'mine' | 'others' | 'no';

/**
 * The team a browser routes with, so that every browser of the team routes alike from the first
 * label on: the owner's list in the setting, exactly; else the server's active members
 * (`team.names`, shared/routing.ts routingMembers), which every browser reads the same; only where
 * there is no member list (the desktop app) whoever labeled in the project so far, plus `me`.
 */
export function routeContextOf(
  overlap: OverlapSetting,
  me: string,
  members: readonly Principal[] | undefined,
  labelers: readonly string[],
): RouteContext {
  if (overlap.team) return { me, team: routingTeam(overlap.team), overlap };
  if (members) return { me, team: routingMembers(members), overlap };
  return { me, team: routingTeam(labelers, me), overlap };
}

type RoutedDoc = Pick<DocRow, 'id' | 'isLabeled' | 'who' | 'byAnnotator' | 'ignored'>;

/** Who labeled a document: its annotators where they are kept per person, else the one `who` of its labels. */
export function labeledBy(d: RoutedDoc): Set<string> {
  if (d.byAnnotator) return new Set(Object.keys(d.byAnnotator));
  return new Set(d.isLabeled && d.who ? [d.who] : []);
}

export function offerFor(d: RoutedDoc, route: RouteContext | undefined): Offer {
  if (d.ignored) return 'no';
  if (!route) return d.isLabeled ? 'no' : 'mine';
  const by = labeledBy(d);
  if (by.has(route.me)) return 'no';
  const need = annotatorsNeeded(d.id, route.team, route.overlap);
  const overlap = need > 1 && isOverlapDoc(d.id, route.overlap.fraction);
  if (assignees(d.id, route.team, route.overlap).includes(route.me) && (overlap || by.size < need)) return 'mine';
  return by.size < need ? 'others' : 'no';
}

/**
 * Blind mode: what an annotator may see of an overlap document they have not labeled yet. Others'
 * labels go (the final labels, each annotator's, their provenance), and so does the model's suggestion
 * once someone labeled the document: a model trained on that label would only echo it.
 */
export function isBlind(d: RoutedDoc, route: RouteContext | undefined): boolean {
  if (!route?.overlap.blind || !isOverlapDoc(d.id, route.overlap.fraction)) return false;
  return !labeledBy(d).has(route.me);
}

export function blindView<T extends DocRow>(d: T, route: RouteContext | undefined): T {
  if (!isBlind(d, route)) return d;
  const { byAnnotator, finalRule, agree, source, who, at, labelModelVersion, labelVia, ...rest } = d;
  void [byAnnotator, finalRule, agree, source, who, at, labelModelVersion, labelVia];
  const seen = { ...rest, labels: [], isLabeled: 0 } as unknown as T;
  if (d.isLabeled || d.byAnnotator) {
    delete seen.suggestion;
    delete seen.confidence;
  }
  return seen;
}

/** The events of a document's history the annotator may see: in blind mode, their own only. */
export function blindHistory<E extends { who: string }>(
  events: readonly E[],
  d: RoutedDoc | undefined,
  route: RouteContext | undefined,
): readonly E[] {
  if (!d || !route || !isBlind(d, route)) return events;
  return events.filter((e) => e.who === route.me);
}

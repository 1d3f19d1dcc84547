/**
 * Agreement between two raters (people or models) who each gave one category per item: Cohen's κ.
 * Pure: used by the stopping signal (successive models on a stop set) and by inter-annotator
 * agreement.
 */

/**
 * Cohen's κ = (p_o − p_e) / (1 − p_e), where p_o is the share of items on which `a` and `b` agree
 * and p_e the agreement expected by chance from each rater's own category frequencies.
 * Categories are small non-negative integers (class indices). When both raters put every item in
 * the same single category, p_e = 1 and κ is undefined; we return 1 there, since the two agree
 * completely (the convention the stopping rule needs: identical predictions are stable).
 */
export function cohenKappa(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`cohenKappa: ${a.length} vs ${b.length} ratings`);
  const n = a.length;
  if (n === 0) throw new RangeError('cohenKappa: no items');
  const countA = new Map<number, number>();
  const countB = new Map<number, number>();
  let agree = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) agree++;
    countA.set(x, (countA.get(x) ?? 0) + 1);
    countB.set(y, (countB.get(y) ?? 0) + 1);
  }
  const po = agree / n;
  let pe = 0;
  for (const [c, na] of countA) pe += (na / n) * ((countB.get(c) ?? 0) / n);
  if (pe >= 1) return 1;
  return (po - pe) / (1 - pe);
}

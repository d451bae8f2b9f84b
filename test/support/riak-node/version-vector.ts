/**
 * A version vector: for each actor (a node of the test cluster, named by a
 * hex string), the number of writes it has coordinated. Absent actors count 0.
 * Values are never mutated; every operation returns a new vector.
 */
export type VersionVector = ReadonlyMap<string, number>;

/** One write event: the actor that coordinated it and its counter then. */
export interface Dot {
  readonly actor: string;
  readonly counter: number;
}

/** The vector of a key that was never written. */
export const emptyVector: VersionVector = new Map();

/** True when `a` has seen every event `b` has seen (a ≥ b). */
export function descends(a: VersionVector, b: VersionVector): boolean {
  for (const [actor, counter] of b) {
    if ((a.get(actor) ?? 0) < counter) return false;
  }
  return true;
}

/** True when both vectors have seen exactly the same events. */
export function sameVector(a: VersionVector, b: VersionVector): boolean {
  return descends(a, b) && descends(b, a);
}

/** True when the vector has seen the event. */
export function covers(vector: VersionVector, dot: Dot): boolean {
  return (vector.get(dot.actor) ?? 0) >= dot.counter;
}

/** The least vector that descends both. */
export function mergeVectors(a: VersionVector, b: VersionVector): VersionVector {
  const merged = new Map(a);
  for (const [actor, counter] of b) {
    merged.set(actor, Math.max(counter, merged.get(actor) ?? 0));
  }
  return merged;
}

/** Records one more write by `actor`; returns the new vector and the dot of that write. */
export function increment(
  vector: VersionVector,
  actor: string,
): { readonly vector: VersionVector; readonly dot: Dot } {
  const counter = (vector.get(actor) ?? 0) + 1;
  const next = new Map(vector);
  next.set(actor, counter);
  return { vector: next, dot: { actor, counter } };
}

/**
 * A Riak quorum (r, pr, w, pw, dw, rw): a replica count, or one of Riak's
 * symbolic values. `"default"` means the bucket's own setting.
 */
export type Quorum = number | "one" | "quorum" | "all" | "default";

// Riak's symbolic quorums on the wire: uint32 values counted down from 2^32 - 2.
const symbolic = {
  one: 4294967294,
  quorum: 4294967293,
  all: 4294967292,
  default: 4294967291,
} as const;

/** The uint32 Riak expects for a quorum; throws a RangeError on a negative or fractional count. */
export function quorumValue(quorum: Quorum): number {
  if (typeof quorum === "string") return symbolic[quorum];
  if (!Number.isInteger(quorum) || quorum < 0 || quorum >= symbolic.default) {
    throw new RangeError(
      `a Riak quorum is a replica count or one/quorum/all/default, not ${quorum}`,
    );
  }
  return quorum;
}

/**
 * The quorum fields of a request, leaving out those not given: Riak then
 * applies the bucket's setting.
 */
export function quorumFields<K extends string>(
  quorums: Partial<Record<K, Quorum | undefined>>,
): Partial<Record<K, number>> {
  const fields: Partial<Record<K, number>> = {};
  for (const [name, quorum] of Object.entries(quorums) as [K, Quorum | undefined][]) {
    if (quorum !== undefined) fields[name] = quorumValue(quorum);
  }
  return fields;
}

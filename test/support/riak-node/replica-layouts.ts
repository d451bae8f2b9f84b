/**
 * One vnode of a key's preference list, as a test lays it out: a primary
 * vnode of the key or a fallback standing in for a primary that is down, and
 * whether it has the key. A fallback that took over after the outage began
 * has not (it answers not found), nor has a primary that missed the key's
 * writes while it was down and has not received them by hand-off yet.
 */
export interface ReplicaState {
  readonly role: "primary" | "fallback";
  /** True when the vnode holds the key's stored object; false when it answers not found. */
  readonly hasKey: boolean;
}

/**
 * The preference lists that tests laid out, by (bucket type, bucket, key);
 * names are latin1 strings of the wire bytes, as in the backend. Every
 * other key has n_val primaries that all hold it.
 */
export class ReplicaLayouts {
  private readonly layouts = new Map<string, readonly ReplicaState[]>();

  /** Lays out a key's vnodes, in the order their answers reach a get; undefined restores the default. */
  set(
    type: string,
    bucket: string,
    key: string,
    replicas: readonly ReplicaState[] | undefined,
  ): void {
    const id = layoutKey(type, bucket, key);
    if (replicas === undefined) this.layouts.delete(id);
    else this.layouts.set(id, [...replicas]);
  }

  /** The key's vnodes as a get meets them. */
  of(type: string, bucket: string, key: string, nVal: number): readonly ReplicaState[] {
    return (
      this.layouts.get(layoutKey(type, bucket, key)) ??
      Array.from({ length: nVal }, () => ({ role: "primary", hasKey: true }) as const)
    );
  }
}

function layoutKey(type: string, bucket: string, key: string): string {
  return `${type}\u0000${bucket}\u0000${key}`;
}

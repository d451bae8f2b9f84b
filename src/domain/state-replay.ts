import { type InboxState, type StateFlag, stateFlags, type Watermark } from "./inbox-state.js";

/** One change a state holds, as a resumed stream replays it. */
export type StateFact =
  | {
      readonly kind: "marks";
      readonly flag: StateFlag;
      readonly value: boolean;
      readonly ids: readonly string[];
      readonly version: string;
    }
  | {
      readonly kind: "watermark";
      readonly flag: StateFlag;
      readonly watermark: Watermark;
    };

/**
 * The changes in a state with a version after `since`, oldest first; marks by
 * id of one version, flag and value come as one fact. At one version a
 * watermark comes before the marks by id that its change set (which win the
 * tie), so applying the facts in order leaves every notification they reach
 * in its current state. A state keeps only each notification's latest mark,
 * so what is replayed is the outcome, not every step.
 */
export function stateFactsSince(state: InboxState, since: string): StateFact[] {
  const marks = new Map<
    string,
    { flag: StateFlag; value: boolean; version: string; ids: string[] }
  >();
  for (const [id, own] of state.marks) {
    for (const flag of stateFlags) {
      const mark = own[flag];
      if (!mark || mark.version <= since) continue;
      const key = `${mark.version}\u0000${flag}\u0000${mark.value}`;
      const group = marks.get(key);
      if (group) group.ids.push(id);
      else marks.set(key, { flag, value: mark.value, version: mark.version, ids: [id] });
    }
  }
  const facts: StateFact[] = [...marks.values()].map((m) => ({
    kind: "marks",
    flag: m.flag,
    value: m.value,
    ids: m.ids.sort(),
    version: m.version,
  }));
  for (const flag of stateFlags) {
    for (const watermark of state.watermarks[flag]) {
      if (watermark.version > since) facts.push({ kind: "watermark", flag, watermark });
    }
  }
  return facts.sort(byVersion);
}

function versionOf(fact: StateFact): string {
  return fact.kind === "marks" ? fact.version : fact.watermark.version;
}

function byVersion(a: StateFact, b: StateFact): number {
  const va = versionOf(a);
  const vb = versionOf(b);
  if (va !== vb) return va < vb ? -1 : 1;
  // At one version the watermark first: the marks by id of its change win.
  return (a.kind === "watermark" ? 0 : 1) - (b.kind === "watermark" ? 0 : 1);
}

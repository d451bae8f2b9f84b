import type { InboxEntry } from "./inbox-entry.js";

/**
 * The line a group is shown with. A lone notification shows its message. A
 * rollup whose head names its actor in the property `actorProperty`, at the
 * start of its message, counts the other actors: "Ann and Bob followed you",
 * "Ann and 8 others followed you". Any other rollup shows the head's message
 * and how many more it holds: "Build failed (and 3 more)".
 */
export function groupText(members: readonly InboxEntry[], actorProperty: string): string {
  const [head, ...rest] = members;
  if (head === undefined) return "";
  if (rest.length === 0) return head.message;
  const actor = head.properties[actorProperty] ?? "";
  const others = distinct(
    rest.map((m) => m.properties[actorProperty] ?? "").filter((a) => a !== "" && a !== actor),
  );
  if (actor !== "" && others.length > 0 && startsWithName(head.message, actor)) {
    const tail = head.message.slice(actor.length);
    const who = others.length === 1 ? others[0] : `${others.length} others`;
    return `${actor} and ${who}${tail}`;
  }
  return `${head.message} (and ${rest.length} more)`;
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}

// "Ann followed you" starts with "Ann"; "Annette followed you" does not.
function startsWithName(message: string, name: string): boolean {
  if (!message.startsWith(name)) return false;
  const next = message.charAt(name.length);
  return next === "" || !/[\p{L}\p{N}_]/u.test(next);
}

// The panel's keyboard: which item or tab a key moves to (WAI-ARIA's feed and
// tabs patterns). Pure, so the element only applies the answer.

/**
 * The item a key moves the focus to, among `count` items from `index`:
 * ↓ and Page Down the next, ↑ and Page Up the previous, Home the first, End
 * the last (never past either end); undefined for any other key.
 */
export function itemMove(key: string, index: number, count: number): number | undefined {
  const last = count - 1;
  const to: Record<string, number> = {
    ArrowDown: index + 1,
    PageDown: index + 1,
    ArrowUp: index - 1,
    PageUp: index - 1,
    Home: 0,
    End: last,
  };
  const target = to[key];
  return target === undefined ? undefined : Math.max(0, Math.min(last, target));
}

/**
 * The tab a key selects, from the one focused (the archive or not): ← and →
 * the other one (there are two), Home the inbox, End the archive; undefined
 * for any other key.
 */
export function tabMove(key: string, archived: boolean): boolean | undefined {
  switch (key) {
    case "ArrowLeft":
    case "ArrowRight":
      return !archived;
    case "Home":
      return false;
    case "End":
      return true;
    default:
      return undefined;
  }
}

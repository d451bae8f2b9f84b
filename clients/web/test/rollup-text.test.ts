import { describe, expect, it } from "vitest";
import type { InboxEntry } from "../src/inbox-entry.js";
import { groupText } from "../src/rollup-text.js";

function follow(actor: string | undefined, message = `${actor} followed you`): InboxEntry {
  return {
    id: `id-${actor}`,
    category: "new-follower",
    message,
    createdAtMs: 0,
    properties: actor === undefined ? {} : { actor },
    unseen: false,
    read: false,
    archived: false,
  };
}

describe("a group's line", () => {
  it("a lone notification shows its message", () => {
    expect(groupText([follow("Ann")], "actor")).toBe("Ann followed you");
  });

  it("counts the other actors of a rollup: one by name, more as a number", () => {
    const names = ["Ann", "Bob", "Chen", "Dara", "Emeka", "Farah", "Goran", "Hana", "Ines"];
    expect(
      groupText(
        names.slice(0, 2).map((n) => follow(n)),
        "actor",
      ),
    ).toBe("Ann and Bob followed you");
    expect(
      groupText(
        names.map((n) => follow(n)),
        "actor",
      ),
    ).toBe("Ann and 8 others followed you");
  });

  it("counts each actor once, and never the head's own actor as another", () => {
    const members = [follow("Ann"), follow("Bob"), follow("Bob"), follow("Ann")];
    expect(groupText(members, "actor")).toBe("Ann and Bob followed you");
  });

  it("without actors, or one actor only, says how many more the rollup holds", () => {
    expect(
      groupText([follow(undefined, "Build failed"), follow(undefined, "Build failed")], "actor"),
    ).toBe("Build failed (and 1 more)");
    expect(
      groupText(
        [follow("Ann", "Ann liked your post"), follow("Ann", "Ann liked your post")],
        "actor",
      ),
    ).toBe("Ann liked your post (and 1 more)");
  });

  it("names the actor only where the message starts with the whole name", () => {
    const members = [follow("Ann", "Annette followed you"), follow("Bob")];
    expect(groupText(members, "actor")).toBe("Annette followed you (and 1 more)");
  });

  it("reads the actor from the property it is told", () => {
    const members = [follow("Ann"), follow("Bob")];
    expect(groupText(members, "who")).toBe("Ann followed you (and 1 more)");
  });
});

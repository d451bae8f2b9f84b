import { describe, expect, it } from "vitest";
import { relativeTime } from "../src/relative-time.js";

const now = Date.UTC(2026, 0, 31, 12, 0, 0);
const ago = (seconds: number) => relativeTime(now - seconds * 1000, now, "en");

describe("relative times", () => {
  it("say how long ago as people do", () => {
    expect(ago(0)).toBe("now");
    expect(ago(44)).toBe("now");
    expect(ago(50)).toBe("1 minute ago");
    expect(ago(5 * 60)).toBe("5 minutes ago");
    expect(ago(3 * 3600)).toBe("3 hours ago");
    expect(ago(30 * 3600)).toBe("yesterday");
    expect(ago(3 * 86_400)).toBe("3 days ago");
    expect(ago(8 * 86_400)).toBe("last week");
    expect(ago(20 * 86_400)).toBe("3 weeks ago");
  });

  it("give the date past four and a half weeks, and now for a time ahead of the clock", () => {
    expect(ago(60 * 86_400)).toBe("Dec 2, 2025");
    expect(relativeTime(now + 60_000, now, "en")).toBe("now");
  });
});

import type { Locator, Page } from "playwright-core";

/** What a `<notification-inbox>` shows, read from its shadow root. */
export interface InboxSnapshot {
  /** The badge's text; empty when it is hidden (nothing unseen). */
  readonly badge: string;
  /** The counts beside the Inbox and Archive tabs (empty: none). */
  readonly inboxCount: string;
  readonly archiveCount: string;
  /** The category filters' texts, with their counts ("Comment 3 unread"). */
  readonly chips: readonly string[];
  /** Whether the offline indicator is shown. */
  readonly offline: boolean;
  /** The panel's items, top to bottom. */
  readonly items: readonly { readonly text: string; readonly unread: boolean }[];
  /** The error shown in the panel; empty when none. */
  readonly error: string;
}

// The parts of the DOM the snapshot reads (the tests compile without the DOM library).
interface Part {
  readonly textContent: string | null;
  readonly hidden: boolean;
  readonly classList: { contains(name: string): boolean };
  querySelector(selector: string): Part | null;
  querySelectorAll(selector: string): Iterable<Part>;
}

/** The inbox element of a page, and what a user does with it. */
export class InboxPage {
  /** `index`: which of the page's inbox elements (the first by default). */
  constructor(
    readonly page: Page,
    private readonly index = 0,
  ) {}

  /** The element. */
  get element(): Locator {
    return this.page.locator("notification-inbox").nth(this.index);
  }

  /** The bell button. */
  get bell(): Locator {
    return this.element.locator("#bell");
  }

  /** The panel's items (each a rollup or a lone notification). */
  get items(): Locator {
    return this.element.locator("article");
  }

  /** The item whose line is `text`. */
  item(text: string): Locator {
    return this.items.filter({ has: this.page.locator(".message", { hasText: text }) });
  }

  /** Opens the demo page signed in as `user` (auth.mode none). */
  async signIn(baseUrl: string, user: string): Promise<this> {
    await this.page.goto(`${baseUrl}/inbox/?user=${encodeURIComponent(user)}`);
    await this.bell.waitFor();
    return this;
  }

  /** Opens the panel with the mouse and waits for its first page. */
  async open(): Promise<void> {
    await this.bell.click();
    await this.element.locator("#feed[aria-busy='false']").waitFor({ state: "attached" });
  }

  /** Everything shown, at once. */
  snapshot(): Promise<InboxSnapshot> {
    return this.element.evaluate((host: { shadowRoot: Part | null }) => {
      const root = host.shadowRoot;
      const text = (selector: string) => root?.querySelector(selector)?.textContent?.trim() ?? "";
      const badge = root?.querySelector("#badge");
      return {
        badge: badge && !badge.hidden ? (badge.textContent ?? "") : "",
        inboxCount: text("#count-inbox").replace(/\D+/g, ""),
        archiveCount: text("#count-archive").replace(/\D+/g, ""),
        chips: [...(root?.querySelectorAll(".chip") ?? [])].map((c) => c.textContent ?? ""),
        offline: root?.querySelector("#offline-mark")?.hidden === false,
        items: [...(root?.querySelectorAll("article") ?? [])].map((article) => ({
          text: article.querySelector(".message")?.textContent ?? "",
          unread: article.classList.contains("unread"),
        })),
        error: root?.querySelector("#alert")?.hidden === false ? text("#alert-text") : "",
      };
    });
  }
}

/** Calls the service's REST API as a producer would (auth.mode none, or with a token). */
export async function createNotification(
  baseUrl: string,
  user: string,
  body: { category: string; message: string; properties?: Record<string, string> },
  token?: string,
): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/notifications/${user}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });
  if (response.status !== 201)
    throw new Error(`create: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

/** A follow from `actor`, who the rollup line names. */
export function follow(actor: string): {
  category: string;
  message: string;
  properties: Record<string, string>;
} {
  return { category: "new-follower", message: `${actor} followed you`, properties: { actor } };
}

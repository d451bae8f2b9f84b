import { tokenClaims } from "./token-claims.js";
import { type TokenProvider, TokenSource } from "./token-source.js";

/** What the element's attributes (and token provider) say, checked. */
export interface InboxSettings {
  /** The service's URL, without a trailing slash. */
  readonly baseUrl: string;
  readonly username: string;
  readonly tokens: TokenSource;
  readonly pageSize: number;
  /** The category filters offered; undefined: the categories seen. */
  readonly categories: readonly string[] | undefined;
}

/** Reads an attribute; null when it is not set. */
export type AttributeReader = (name: string) => string | null;

/**
 * The settings of an element from its attributes: `service-url` (default
 * `origin`, the page's), `user` (default: the token's `sub` claim, which may
 * take asking the provider), `token`, `page-size` (1 to 1000, default 20),
 * `categories` (comma-separated). A value that cannot be used throws an error
 * naming the attribute and the value, for the panel to show.
 */
export async function readSettings(
  attribute: AttributeReader,
  provider: TokenProvider | undefined,
  page: { readonly origin: string; readonly href: string },
): Promise<InboxSettings> {
  const token = attribute("token") ?? "";
  const tokens = new TokenSource({
    ...(token !== "" && { token }),
    ...(provider && { provider }),
  });
  const baseUrl = serviceUrl(attribute("service-url") ?? "", page);
  const pageSize = pageSizeOf(attribute("page-size") ?? "");
  const categories = attribute("categories");
  return {
    baseUrl,
    pageSize,
    tokens,
    username: await username(attribute("user") ?? "", tokens),
    categories:
      categories === null
        ? undefined
        : categories
            .split(",")
            .map((c) => c.trim())
            .filter((c) => c !== ""),
  };
}

function serviceUrl(value: string, page: { readonly origin: string; readonly href: string }) {
  if (value === "") return page.origin;
  if (!URL.canParse(value, page.href)) {
    throw new Error(`service-url must be a URL such as https://inbox.example.com (got "${value}")`);
  }
  const url = new URL(value, page.href);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`service-url must be an http:// or https:// URL (got "${value}")`);
  }
  return url.href.replace(/\/$/, "");
}

function pageSizeOf(value: string): number {
  if (value === "") return 20;
  const size = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (size >= 1 && size <= 1000) return size;
  throw new Error(`page-size must be a whole number from 1 to 1000 (got "${value}")`);
}

// The user attribute, else the token's sub claim.
async function username(user: string, tokens: TokenSource): Promise<string> {
  if (user !== "") return user;
  const token = await tokens.current().catch((error: unknown) => {
    throw new Error(`the token provider failed: ${error instanceof Error ? error.message : error}`);
  });
  const sub = token === undefined ? undefined : tokenClaims(token)?.sub;
  if (typeof sub === "string" && sub !== "") return sub;
  throw new Error(
    token === undefined
      ? "no user: set the user attribute (or a token whose sub claim names the user)"
      : "no user: the token has no sub claim naming the user; set the user attribute",
  );
}

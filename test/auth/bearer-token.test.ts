import { describe, expect, it } from "vitest";
import { AuthFailure } from "../../src/auth/auth-failure.js";
import { type TokenSourceOptions, tokenOf } from "../../src/auth/bearer-token.js";

describe("where the token comes from", () => {
  const url = "http://inbox.example:8080/notification.v1.StreamService/Subscribe";
  const tokens: TokenSourceOptions = {
    cookie: "inbox_token",
    isTrustedOrigin: (o: string) => o === "https://app.example",
  };
  const headers = (init: Record<string, string>) => new Headers(init);
  const failure = (init: Record<string, string>, options: TokenSourceOptions = tokens) => {
    try {
      tokenOf(headers(init), url, options);
    } catch (error) {
      expect(error).toBeInstanceOf(AuthFailure);
      return error as AuthFailure;
    }
    throw new Error("no failure");
  };

  it("reads Authorization: Bearer, any case, and prefers it to the cookie", () => {
    expect(tokenOf(headers({ authorization: "Bearer a.b.c" }), url, tokens)).toBe("a.b.c");
    expect(tokenOf(headers({ authorization: "bearer  a.b.c " }), url, tokens)).toBe("a.b.c");
    expect(
      tokenOf(headers({ authorization: "Bearer a.b.c", cookie: "inbox_token=x.y.z" }), url, tokens),
    ).toBe("a.b.c");
  });

  it("refuses another scheme or extra words as malformed, without echoing them", () => {
    const basic = failure({ authorization: "Basic YW5uOnNlY3JldA==" });
    expect(basic.reason).toBe("malformed");
    expect(basic.message).not.toContain("YW5u");
    expect(failure({ authorization: "Bearer a.b.c extra" }).reason).toBe("malformed");
    expect(failure({ authorization: "Bearer" }).reason).toBe("malformed");
  });

  it("says what is missing, naming the cookie when one is configured", () => {
    expect(failure({}).message).toBe(
      "no token: send Authorization: Bearer <token> or the inbox_token cookie",
    );
    expect(failure({}, { cookie: "" }).message).toBe(
      "no token: send Authorization: Bearer <token>",
    );
    expect(failure({ cookie: "inbox_token=x.y.z" }, { cookie: "" }).reason).toBe("missing");
  });

  it("reads the cookie among others, quoted or not, from the same origin or a trusted one", () => {
    const cookie = 'a=1; inbox_token="x.y.z"; b=2';
    expect(tokenOf(headers({ cookie }), url, tokens)).toBe("x.y.z");
    expect(tokenOf(headers({ cookie: "a=1, inbox_token=x.y.z" }), url, tokens)).toBe("x.y.z");
    expect(tokenOf(headers({ cookie, origin: "http://inbox.example:8080" }), url, tokens)).toBe(
      "x.y.z",
    );
    expect(tokenOf(headers({ cookie, origin: "https://app.example" }), url, tokens)).toBe("x.y.z");
    expect(tokenOf(headers({ cookie, "sec-fetch-site": "same-site" }), url, tokens)).toBe("x.y.z");
  });

  it("refuses the cookie from another site (cross-site request forgery)", () => {
    const cookie = "inbox_token=x.y.z";
    expect(failure({ cookie, origin: "https://evil.example" }).reason).toBe("cross_site_cookie");
    expect(failure({ cookie, origin: "null" }).reason).toBe("cross_site_cookie");
    expect(failure({ cookie, "sec-fetch-site": "cross-site" }).reason).toBe("cross_site_cookie");
  });
});

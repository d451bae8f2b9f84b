import { jwtVerify, SignJWT } from "jose";
import { ConfigError } from "../config/config-error.js";

/** Whose digests an unsubscribe link turns off, and at which address they arrived. */
export interface UnsubscribeClaim {
  readonly username: string;
  readonly address: string;
}

/** Signs and checks the tokens of digests' one-click unsubscribe links (RFC 8058). */
export interface UnsubscribeTokens {
  /** A token for the link in a digest sent to `claim.address`. */
  sign(claim: UnsubscribeClaim): Promise<string>;
  /** The claim of a token this service signed; undefined for any other text. */
  verify(token: string): Promise<UnsubscribeClaim | undefined>;
}

// The audience keeps these tokens apart from anything else signed with the
// same key, such as API tokens should an operator reuse a secret.
const audience = "notification.v1.PreferenceService/Unsubscribe";
const algorithm = "HS256";

/**
 * Unsubscribe tokens: JSON Web Tokens signed with HMAC-SHA256 (jose), naming
 * the user (`sub`) and the address (`adr`). They do not expire: a link in an
 * old digest keeps working, as mail clients expect, and it can do nothing but
 * turn off digests to that address. Changing the secret voids every link sent.
 * Throws ConfigError when the secret is shorter than 32 bytes.
 */
export function createUnsubscribeTokens(secret: string): UnsubscribeTokens {
  const key = new TextEncoder().encode(secret);
  if (key.length < 32) {
    throw new ConfigError([
      `email.unsubscribe_secret must be at least 32 bytes (got ${key.length}); generate one with: openssl rand -base64 48`,
    ]);
  }
  return {
    sign: ({ username, address }) =>
      new SignJWT({ adr: address })
        .setProtectedHeader({ alg: algorithm })
        .setSubject(username)
        .setAudience(audience)
        .setIssuedAt()
        .sign(key),
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { audience, algorithms: [algorithm] });
        const { sub, adr } = payload;
        return typeof sub === "string" && typeof adr === "string"
          ? { username: sub, address: adr }
          : undefined;
      } catch {
        // Malformed, forged, or signed with another key: all are "not ours".
        return undefined;
      }
    },
  };
}

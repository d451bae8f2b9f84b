import { Code, ConnectError } from "@connectrpc/connect";

/**
 * Why a call was refused, as the `reason` label of
 * `notification_auth_denials_total` says it. Every UNAUTHENTICATED reason
 * names what is wrong with the credentials; `forbidden` is PERMISSION_DENIED;
 * `keys_unavailable` is UNAVAILABLE (the server could not get its keys).
 */
export type DenialReason =
  | "missing"
  | "malformed"
  | "expired"
  | "not_yet_valid"
  | "bad_signature"
  | "wrong_issuer"
  | "wrong_audience"
  | "algorithm_not_allowed"
  | "unknown_kid"
  | "missing_claim"
  | "cross_site_cookie"
  | "keys_unavailable"
  | "forbidden";

/** Every denial reason, for metrics and tests. */
export const denialReasons: readonly DenialReason[] = [
  "missing",
  "malformed",
  "expired",
  "not_yet_valid",
  "bad_signature",
  "wrong_issuer",
  "wrong_audience",
  "algorithm_not_allowed",
  "unknown_kid",
  "missing_claim",
  "cross_site_cookie",
  "keys_unavailable",
  "forbidden",
];

/**
 * A refused call: its reason and the message the caller gets. The message
 * says what is wrong and never contains the token. (Not a ConnectError
 * subclass: ConnectError's `instanceof` matches every ConnectError.)
 */
export class AuthFailure extends Error {
  override readonly name = "AuthFailure";
  constructor(
    readonly reason: DenialReason,
    message: string,
  ) {
    super(message);
  }

  /** The code the caller sees: UNAUTHENTICATED, PERMISSION_DENIED or UNAVAILABLE. */
  get code(): Code {
    if (this.reason === "forbidden") return Code.PermissionDenied;
    if (this.reason === "keys_unavailable") return Code.Unavailable;
    return Code.Unauthenticated;
  }

  /** The error the caller gets. */
  toConnectError(): ConnectError {
    return new ConnectError(this.message, this.code);
  }
}

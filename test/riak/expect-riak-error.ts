import { expect } from "vitest";
import { RiakError } from "../../src/riak/errors.js";

/** The RiakError a call rejects with; fails the test if it resolves or rejects otherwise. */
export function riakError(call: Promise<unknown>): Promise<RiakError> {
  return call.then(
    () => expect.unreachable("the call succeeded"),
    (error: unknown) => {
      expect(error).toBeInstanceOf(RiakError);
      return error as RiakError;
    },
  );
}

import { ConnectError } from "@connectrpc/connect";

/** The error a call failed with, as a ConnectError; fails the test when the call succeeds. */
export async function rejection(call: () => Promise<unknown>): Promise<ConnectError> {
  try {
    await call();
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error("the call succeeded");
}

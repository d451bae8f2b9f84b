/** What happens to one request instead of a normal answer. */
export type Fault = { readonly kind: "drop" } | { readonly kind: "fail"; readonly errmsg: string };

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}

/** The faults injected into one node, consumed request by request. */
export class NodeFaults {
  private delay = 0;
  private dropsLeft = 0;
  private failuresLeft = 0;
  private failMessage = "";

  /** Milliseconds to wait before handling each request (0 = none). */
  get delayMs(): number {
    return this.delay;
  }

  /** Sets the delay before every later request is handled. */
  setDelay(ms: number): void {
    checkCount("delay", ms);
    this.delay = ms;
  }

  /** The next n requests lose their connection without an answer. */
  dropNext(n: number): void {
    checkCount("dropped request count", n);
    this.dropsLeft = n;
  }

  /** The next n requests get RpbErrorResp(errmsg). */
  failNext(n: number, errmsg: string): void {
    checkCount("failed request count", n);
    this.failuresLeft = n;
    this.failMessage = errmsg;
  }

  /** The fault for the request just received, if any; drops are used up before failures. */
  take(): Fault | undefined {
    if (this.dropsLeft > 0) {
      this.dropsLeft -= 1;
      return { kind: "drop" };
    }
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      return { kind: "fail", errmsg: this.failMessage };
    }
    return undefined;
  }
}

import { fromBinary, type JsonObject, toBinary } from "@bufbuild/protobuf";
import { expect } from "vitest";
import {
  RpbDelReqSchema,
  RpbGetReqSchema,
  RpbPutReqSchema,
} from "../../src/gen/riak/riak_kv_pb.js";
import type { RiakTestCluster } from "../support/riak-node/index.js";
import { bytesField, comparableView, fieldsOf } from "./message-view.js";
import { frameBytes, RawConnection, type RawFrame } from "./raw-connection.js";
import type { TranscriptRecord, TranscriptStep } from "./transcript.js";

const processingErrorPrefix = "Error processing incoming message: error:";
const listingCodes = new Set([16, 18]);

/**
 * Replays recorded request frames against a test cluster and checks each
 * reply against the recorded one: same code, same fields present, same
 * values except vtags, times, vclock bytes and generated keys. Vclocks and
 * keys the real server minted are swapped for the ones the test node returned.
 */
export class TranscriptReplayer {
  private readonly vclocks = new Map<string, Buffer>();
  private readonly keys = new Map<string, string>();
  private readonly connections = new Map<number, RawConnection>();

  /**
   * @param nodeOfPort Which node stands for a port of the capture.
   */
  constructor(
    private readonly cluster: RiakTestCluster,
    private readonly nodeOfPort: (port: number) => number,
  ) {}

  /** Replays one step and asserts on every reply. */
  async replayStep(step: TranscriptStep): Promise<void> {
    const label = `${step.scenario} / ${step.name}`;
    const requests = step.records.filter((record) => record.direction === "request");
    const responses = step.records.filter((record) => record.direction === "response");
    const closes = step.records.some((record) => record.event?.includes("closed") === true);
    if (step.name.includes("(fresh connection)")) this.forget(requests[0]?.port ?? 0);
    if (requests.length > 1) {
      // Concurrent requests on several nodes: replay them in the order the replies came.
      for (const response of responses) {
        const request = requests.find((candidate) => candidate.port === response.port);
        if (request === undefined) throw new Error(`${label}: no request on port ${response.port}`);
        const connection = await this.connection(request.port);
        connection.writeRaw(this.requestBytes(request));
        this.check(label, response, await connection.expectFrame());
      }
      return;
    }
    const request = requests[0];
    if (request === undefined) throw new Error(`${label}: no request`);
    const connection = await this.connection(request.port);
    connection.writeRaw(this.requestBytes(request));
    await this.checkReplies(label, connection, responses);
    if (closes) {
      await connection.waitClosed();
      expect(connection.closed, `${label}: server closes the connection`).toBe(true);
      this.connections.delete(request.port);
    }
  }

  /** Closes every connection the replay opened. */
  close(): void {
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
  }

  private async checkReplies(
    label: string,
    connection: RawConnection,
    responses: readonly TranscriptRecord[],
  ): Promise<void> {
    const listing = responses.filter((record) => listingCodes.has(record.code ?? -1));
    const others = responses.filter((record) => !listingCodes.has(record.code ?? -1));
    const streamed = listing.length > 1;
    const ourListing: RawFrame[] = [];
    const ourOthers: RawFrame[] = [];
    // A listing and other replies may interleave differently (X9): collect both kinds.
    while (
      ourOthers.length < others.length ||
      (streamed ? !ourListing.some(isDone) : ourListing.length < listing.length)
    ) {
      const frame = await connection.expectFrame();
      (listingCodes.has(frame.code) ? ourListing : ourOthers).push(frame);
    }
    others.forEach((record, index) => {
      const frame = ourOthers[index];
      if (frame !== undefined) this.check(label, record, frame);
    });
    if (listing.length > 0) this.checkListing(label, listing, ourListing, streamed);
  }

  private check(label: string, record: TranscriptRecord, frame: RawFrame): void {
    expect(frame.code, `${label}: message code`).toBe(record.code);
    if (record.hex === null) {
      // A stack-trace error the capture kept only the first line of.
      const errmsg = comparableView(frame.code, frame.body).errmsg;
      expect(String(errmsg).startsWith(processingErrorPrefix), `${label}: ${errmsg}`).toBe(true);
      return;
    }
    const recorded = Buffer.from(record.hex, "hex").subarray(5);
    this.learn(fieldsOf(frame.code, recorded), fieldsOf(frame.code, frame.body));
    expect(comparableView(frame.code, frame.body), label).toEqual(
      comparableView(frame.code, recorded),
    );
    if (frame.code === 8) {
      const node = this.cluster.nodes[this.nodeOfPort(record.port)];
      const view = fieldsOf(8, frame.body);
      expect(bytesField(view, "node")?.toString(), `${label}: node name`).toBe(node?.name);
    }
  }

  private checkListing(
    label: string,
    recorded: readonly TranscriptRecord[],
    ours: readonly RawFrame[],
    streamed: boolean,
  ): void {
    const field = recorded[0]?.code === 18 ? "keys" : "buckets";
    const names = (code: number, body: Uint8Array): string[] => {
      const values = fieldsOf(code, body)[field];
      if (!Array.isArray(values)) return [];
      return values.map((value) => Buffer.from(String(value), "base64").toString("latin1"));
    };
    const recordedNames = recorded.flatMap((record) =>
      names(record.code ?? 0, Buffer.from(record.hex ?? "", "hex").subarray(5)),
    );
    const ourNames = ours.flatMap((frame) => names(frame.code, frame.body));
    for (const frame of ours) expect(frame.code, label).toBe(recorded[0]?.code);
    if (streamed) {
      // Batches carry names and no done; the last frame is done=true and nothing else.
      expect(ours.at(-1)?.body, `${label}: last frame`).toEqual(new Uint8Array([0x10, 0x01]));
      for (const frame of ours.slice(0, -1)) {
        expect(Object.keys(fieldsOf(frame.code, frame.body)), label).toEqual([field]);
      }
    } else {
      expect(ours.length, label).toBe(1);
      expect(
        Object.keys(fieldsOf(ours[0]?.code ?? 0, ours[0]?.body ?? new Uint8Array())),
        label,
      ).not.toContain("done");
    }
    const expected = recordedNames.map((name) => this.keys.get(name) ?? name);
    if (field === "keys") {
      expect(new Set(ourNames), label).toEqual(new Set(expected));
    } else {
      // The recorded server also listed buckets of earlier runs: ours must be among them.
      expect(ourNames.length, label).toBeGreaterThan(0);
      for (const name of ourNames) expect(expected, label).toContain(name);
    }
  }

  private learn(recorded: JsonObject, ours: JsonObject): void {
    const recordedVclock = bytesField(recorded, "vclock");
    const ourVclock = bytesField(ours, "vclock");
    if (recordedVclock !== undefined && ourVclock !== undefined) {
      this.vclocks.set(recordedVclock.toString("hex"), ourVclock);
    }
    const recordedKey = bytesField(recorded, "key");
    const ourKey = bytesField(ours, "key");
    if (recordedKey !== undefined && ourKey !== undefined) {
      this.keys.set(recordedKey.toString("latin1"), ourKey.toString("latin1"));
    }
  }

  private requestBytes(record: TranscriptRecord): Uint8Array {
    const raw = Buffer.from(record.hex ?? "", "hex");
    const body = raw.subarray(5);
    const swap = (vclock: Uint8Array): Buffer | undefined =>
      this.vclocks.get(Buffer.from(vclock).toString("hex"));
    try {
      if (record.code === 9) {
        const request = fromBinary(RpbGetReqSchema, body);
        const ours = swap(request.ifModified);
        if (ours === undefined) return raw;
        request.ifModified = ours;
        return frameBytes(9, toBinary(RpbGetReqSchema, request));
      }
      if (record.code === 11 || record.code === 13) {
        const schema = record.code === 11 ? RpbPutReqSchema : RpbDelReqSchema;
        const request = fromBinary(schema, body);
        const ours = swap(request.vclock);
        if (ours === undefined) return raw;
        request.vclock = ours;
        return frameBytes(record.code, toBinary(schema, request));
      }
    } catch {
      // A deliberately malformed body: send it exactly as recorded.
    }
    return raw;
  }

  private async connection(port: number): Promise<RawConnection> {
    const open = this.connections.get(port);
    if (open !== undefined && !open.closed) return open;
    const node = this.cluster.nodes[this.nodeOfPort(port)];
    if (node === undefined) throw new Error(`no node for port ${port}`);
    const connection = await RawConnection.open(node.port, node.host);
    this.connections.set(port, connection);
    return connection;
  }

  private forget(port: number): void {
    this.connections.get(port)?.close();
    this.connections.delete(port);
  }
}

function isDone(frame: RawFrame): boolean {
  return Buffer.from(frame.body).equals(Buffer.from([0x10, 0x01]));
}

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { describe, expect, it } from "vitest";
import { emptyHead, type InboxHead } from "../../src/domain/inbox-head.js";
import { describeSegment } from "../../src/domain/segment-ref.js";
import {
  InboxHeadRecordSchema,
  NotificationRecordSchema,
  SegmentRecordSchema,
  SegmentRefRecordSchema,
} from "../../src/gen/notification/storage/v1/records_pb.js";
import { StorageCorruptionError } from "../../src/storage/errors.js";
import { decodeHead, encodeHead } from "../../src/storage/head-codec.js";
import { decodeSegment, encodeSegment } from "../../src/storage/segment-codec.js";
import { stored } from "../domain/fixtures.js";

// The codecs walk the wire format themselves; the generated messages are the reference.
function referenceEncode(head: InboxHead): Uint8Array {
  return toBinary(
    InboxHeadRecordSchema,
    create(InboxHeadRecordSchema, {
      notifications: head.notifications.map((n) =>
        create(NotificationRecordSchema, { ...n, createdAt: BigInt(n.createdAt) }),
      ),
      deletedIds: [...head.deletedIds],
      clearedUpTo: head.clearedUpTo,
      segments: head.segments.map((ref) =>
        create(SegmentRefRecordSchema, {
          ...ref,
          replaces: [...ref.replaces],
          maxCreatedAt: BigInt(ref.maxCreatedAt),
          minCreatedAt: BigInt(ref.minCreatedAt),
        }),
      ),
      agedOutUpTo: head.agedOutUpTo,
    }),
  );
}

function referenceDecode(bytes: Uint8Array): InboxHead {
  const record = fromBinary(InboxHeadRecordSchema, bytes);
  return {
    notifications: record.notifications
      .filter((n) => n.id !== "")
      .map((n) => ({
        id: n.id,
        category: n.category,
        message: n.message,
        createdAt: Number(n.createdAt),
        properties: { ...n.properties },
      })),
    deletedIds: new Set(record.deletedIds),
    clearedUpTo: record.clearedUpTo,
    agedOutUpTo: record.agedOutUpTo,
    segments: record.segments.map((ref) => ({
      key: ref.key,
      level: ref.level,
      count: ref.count,
      newestId: ref.newestId,
      oldestId: ref.oldestId,
      maxCreatedAt: Number(ref.maxCreatedAt),
      minCreatedAt: Number(ref.minCreatedAt),
      agedOut: ref.agedOut,
      replaces: [...ref.replaces],
    })),
  };
}

const heads: Record<string, InboxHead> = {
  empty: emptyHead,
  typical: {
    notifications: [
      stored("2", { properties: { post: "p1", actor: "ann" } }),
      stored("1", { category: "like", message: "Bob liked your post" }),
    ],
    deletedIds: new Set(["0", "00"]),
    clearedUpTo: "000",
    agedOutUpTo: "0000",
    segments: [
      { ...describeSegment("k2", 1, [stored("0b"), stored("0a")], ["k0", "k1"]), agedOut: 1 },
      describeSegment("k1", 0, [stored("09", { createdAt: 7 })]),
    ],
  },
  "zero values, non-ASCII text, odd property keys": {
    ...emptyHead,
    notifications: [
      stored("3", { category: "", message: "", createdAt: 0, properties: { "": "" } }),
      stored("2", { message: "Zoë 🎉 日本", properties: { ["__proto__"]: "x", ключ: "значение" } }),
      stored("1", { createdAt: -1, properties: { a: "", b: "1".repeat(1024) } }),
    ],
    deletedIds: new Set([""]),
  },
};

describe("head codec", () => {
  for (const [name, head] of Object.entries(heads)) {
    it(`writes the bytes the generated messages write (${name})`, () => {
      expect(encodeHead(head)).toEqual(referenceEncode(head));
    });

    it(`reads back what it wrote, as the generated messages read it (${name})`, () => {
      const decoded = decodeHead(encodeHead(head));
      expect(decoded).toEqual(referenceDecode(referenceEncode(head)));
      expect(decoded).toEqual(head);
      const keys = (h: InboxHead) => h.notifications.map((n) => Object.keys(n.properties));
      expect(keys(decoded)).toEqual(keys(head));
    });
  }

  it('keeps a "__proto__" property as an own property', () => {
    const head = heads["zero values, non-ASCII text, odd property keys"] as InboxHead;
    const properties = decodeHead(encodeHead(head)).notifications[1]?.properties ?? {};
    expect(Object.hasOwn(properties, "__proto__")).toBe(true);
    expect(Object.getOwnPropertyDescriptor(properties, "__proto__")?.value).toBe("x");
    expect(Object.getPrototypeOf(properties)).toBe(Object.prototype);
  });

  it("drops entries without an id, skips unknown fields and reads fields in any order", () => {
    const writer = new BinaryWriter();
    writer.tag(3, WireType.LengthDelimited).string("cleared");
    writer.tag(9, WireType.Varint).int32(7);
    writer.tag(1, WireType.LengthDelimited).fork();
    writer.tag(4, WireType.Varint).int64(42);
    writer.tag(1, WireType.LengthDelimited).string("b");
    writer.tag(5, WireType.LengthDelimited).fork();
    writer.tag(2, WireType.LengthDelimited).string("only a value");
    writer.join();
    writer.tag(5, WireType.LengthDelimited).fork();
    writer.tag(1, WireType.LengthDelimited).string("k");
    writer.tag(3, WireType.LengthDelimited).string("unknown in an entry");
    writer.tag(2, WireType.LengthDelimited).string("first");
    writer.join();
    writer.tag(5, WireType.LengthDelimited).fork();
    writer.tag(1, WireType.LengthDelimited).string("k");
    writer.tag(2, WireType.LengthDelimited).string("last wins");
    writer.join();
    writer.tag(8, WireType.LengthDelimited).string("unknown in a notification");
    writer.join();
    writer.tag(1, WireType.LengthDelimited).fork();
    writer.tag(2, WireType.LengthDelimited).string("no id");
    writer.join();
    writer.tag(2, WireType.LengthDelimited).string("gone");
    writer.tag(3, WireType.LengthDelimited).string("cleared again");
    const bytes = writer.finish();
    const decoded = decodeHead(bytes);
    expect(decoded).toEqual(referenceDecode(bytes));
    expect(decoded.notifications).toEqual([
      {
        id: "b",
        category: "",
        message: "",
        createdAt: 42,
        properties: { "": "only a value", k: "last wins" },
      },
    ]);
    expect(decoded.clearedUpTo).toBe("cleared again");
  });

  it("refuses bytes that are not a head or a segment, and invalid UTF-8, as the generated messages do", () => {
    const truncated = encodeHead(heads.typical as InboxHead).subarray(0, 20);
    const badUtf8 = new BinaryWriter()
      .tag(3, WireType.LengthDelimited)
      .bytes(new Uint8Array([0xff, 0xfe]))
      .finish();
    for (const bytes of [truncated, badUtf8, new Uint8Array([0xff])]) {
      expect(() => referenceDecode(bytes)).toThrow();
      expect(() => decodeHead(bytes)).toThrow(StorageCorruptionError);
    }
    for (const bytes of [truncated, new Uint8Array([0xff])]) {
      expect(() => decodeSegment(bytes)).toThrow(StorageCorruptionError);
    }
  });
});

describe("segment codec", () => {
  const notifications = (heads.typical as InboxHead).notifications;

  it("writes the bytes the generated SegmentRecord writes, and reads them back newest first", () => {
    const reference = toBinary(
      SegmentRecordSchema,
      create(SegmentRecordSchema, {
        notifications: notifications.map((n) =>
          create(NotificationRecordSchema, { ...n, createdAt: BigInt(n.createdAt) }),
        ),
      }),
    );
    expect(encodeSegment(notifications)).toEqual(reference);
    expect(decodeSegment(encodeSegment([...notifications].reverse()))).toEqual(notifications);
  });

  it("a segment's bytes decode as a head holding its notifications (field 1 of both)", () => {
    expect(decodeHead(encodeSegment(notifications)).notifications).toEqual(notifications);
  });
});

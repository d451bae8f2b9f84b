import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { describe, expect, it } from "vitest";
import type { NotificationList } from "../../src/domain/notification-list.js";
import {
  NotificationListRecordSchema,
  NotificationRecordSchema,
} from "../../src/gen/notification/storage/v1/records_pb.js";
import { StorageCorruptionError } from "../../src/storage/errors.js";
import { decodeList, encodeList } from "../../src/storage/list-codec.js";
import { stored } from "../domain/fixtures.js";

// The codec walks the wire format itself; the generated messages are the reference.
function referenceEncode(list: NotificationList): Uint8Array {
  return toBinary(
    NotificationListRecordSchema,
    create(NotificationListRecordSchema, {
      notifications: list.notifications.map((n) =>
        create(NotificationRecordSchema, { ...n, createdAt: BigInt(n.createdAt) }),
      ),
      deletedIds: [...list.deletedIds],
      clearedUpTo: list.clearedUpTo,
    }),
  );
}

function referenceDecode(bytes: Uint8Array) {
  const record = fromBinary(NotificationListRecordSchema, bytes);
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
  };
}

const lists: Record<string, NotificationList> = {
  empty: { notifications: [], deletedIds: new Set(), clearedUpTo: "" },
  typical: {
    notifications: [
      stored("2", { properties: { post: "p1", actor: "ann" } }),
      stored("1", { category: "like", message: "Bob liked your post" }),
    ],
    deletedIds: new Set(["0", "00"]),
    clearedUpTo: "000",
  },
  "zero values, non-ASCII text, odd property keys": {
    notifications: [
      stored("3", { category: "", message: "", createdAt: 0, properties: { "": "" } }),
      stored("2", { message: "Zoë 🎉 日本", properties: { ["__proto__"]: "x", ключ: "значение" } }),
      stored("1", { createdAt: -1, properties: { a: "", b: "1".repeat(1024) } }),
    ],
    deletedIds: new Set([""]),
    clearedUpTo: "",
  },
};

describe("list codec", () => {
  for (const [name, list] of Object.entries(lists)) {
    it(`writes the bytes the generated messages write (${name})`, () => {
      expect(encodeList(list)).toEqual(referenceEncode(list));
    });

    it(`reads back what it wrote, as the generated messages read it (${name})`, () => {
      const decoded = decodeList(encodeList(list));
      expect(decoded).toEqual(referenceDecode(referenceEncode(list)));
      expect(decoded).toEqual(list);
      const keys = (l: NotificationList) => l.notifications.map((n) => Object.keys(n.properties));
      expect(keys(decoded)).toEqual(keys(list));
    });
  }

  it('keeps a "__proto__" property as an own property', () => {
    const list = lists["zero values, non-ASCII text, odd property keys"] as NotificationList;
    const properties = decodeList(encodeList(list)).notifications[1]?.properties ?? {};
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
    const decoded = decodeList(bytes);
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

  it("refuses bytes that are not a list, and invalid UTF-8, as the generated messages do", () => {
    const truncated = encodeList(lists.typical as NotificationList).subarray(0, 20);
    const badUtf8 = new BinaryWriter()
      .tag(3, WireType.LengthDelimited)
      .bytes(new Uint8Array([0xff, 0xfe]))
      .finish();
    for (const bytes of [truncated, badUtf8, new Uint8Array([0xff])]) {
      expect(() => referenceDecode(bytes)).toThrow();
      expect(() => decodeList(bytes)).toThrow(StorageCorruptionError);
    }
  });
});

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  ScheduleSlotRecordSchema,
  ScheduleWatermarkRecordSchema,
} from "../gen/notification/storage/v1/digest_records_pb.js";
import { StorageCorruptionError } from "./errors.js";

/** Encodes one hour's slot of the schedule index: its entries, sorted. */
export function encodeSlot(entries: ReadonlySet<string>): Uint8Array {
  return toBinary(
    ScheduleSlotRecordSchema,
    create(ScheduleSlotRecordSchema, { entries: [...entries].sort() }),
  );
}

/** Decodes one stored sibling of a schedule slot. */
export function decodeSlot(bytes: Uint8Array): Set<string> {
  try {
    return new Set(fromBinary(ScheduleSlotRecordSchema, bytes).entries);
  } catch (cause) {
    throw new StorageCorruptionError("a stored schedule slot is not a valid protobuf value", {
      cause,
    });
  }
}

/** Encodes the schedule's watermark (an hour since the Unix epoch). */
export function encodeWatermark(hour: number): Uint8Array {
  return toBinary(
    ScheduleWatermarkRecordSchema,
    create(ScheduleWatermarkRecordSchema, { hour: BigInt(hour) }),
  );
}

/** Decodes one stored sibling of the schedule's watermark. */
export function decodeWatermark(bytes: Uint8Array): number {
  try {
    return Number(fromBinary(ScheduleWatermarkRecordSchema, bytes).hour);
  } catch (cause) {
    throw new StorageCorruptionError(
      "the stored schedule watermark is not a valid protobuf value",
      {
        cause,
      },
    );
  }
}

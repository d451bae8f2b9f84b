import { create, fromBinary, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import type { IdMarks, InboxState, Mark, Watermark } from "../domain/inbox-state.js";
import type { NotificationFilter, ReadSelection } from "../domain/notification-filter.js";
import {
  InboxStateRecordSchema,
  type StateFilterRecord,
  type StateMarkRecord,
  type WatermarkRecord,
  type WatermarkRecordSchema,
} from "../gen/notification/storage/v1/records_pb.js";
import { StorageCorruptionError } from "./errors.js";

// The API's ReadFilter numbers, which the stored filter keeps.
const readNumbers: Readonly<Record<ReadSelection, number>> = { any: 0, unread: 1, read: 2 };
const readSelections: readonly ReadSelection[] = ["any", "unread", "read"];

/** Encodes a user's state as bucket `states` stores it (`InboxStateRecord`, protobuf). */
export function encodeState(state: InboxState): Uint8Array {
  const record = create(InboxStateRecordSchema, {
    notifications: [...state.marks].map(([id, marks]) => ({
      id,
      ...(marks.read && { read: marks.read }),
      ...(marks.archived && { archived: marks.archived }),
    })),
    readAll: state.watermarks.read.map(watermarkRecord),
    archivedAll: state.watermarks.archived.map(watermarkRecord),
  });
  return toBinary(InboxStateRecordSchema, record);
}

/** Decodes one stored sibling; merging normalizes it. */
export function decodeState(bytes: Uint8Array): InboxState {
  try {
    const record = fromBinary(InboxStateRecordSchema, bytes);
    const marks = new Map<string, IdMarks>();
    for (const entry of record.notifications) {
      if (entry.id === "") continue;
      const read = entry.read && toMark(entry.read);
      const archived = entry.archived && toMark(entry.archived);
      marks.set(entry.id, { ...(read && { read }), ...(archived && { archived }) });
    }
    return {
      marks,
      watermarks: {
        read: record.readAll.map(toWatermark),
        archived: record.archivedAll.map(toWatermark),
      },
    };
  } catch (cause) {
    if (cause instanceof StorageCorruptionError) throw cause;
    throw new StorageCorruptionError("a stored inbox state is not a valid protobuf value", {
      cause,
    });
  }
}

function watermarkRecord(w: Watermark): MessageInitShape<typeof WatermarkRecordSchema> {
  const { categories, read, archived, properties } = w.filter;
  return {
    upTo: w.upTo,
    version: w.version,
    filter: {
      categories: [...categories],
      read: readNumbers[read],
      archived,
      properties: { ...properties },
    },
  };
}

function toMark(record: StateMarkRecord): Mark {
  return { value: record.value, version: record.version };
}

function toWatermark(record: WatermarkRecord): Watermark {
  return { upTo: record.upTo, version: record.version, filter: toFilter(record.filter) };
}

function toFilter(record: StateFilterRecord | undefined): NotificationFilter {
  const read = readSelections[record?.read ?? 0];
  if (read === undefined) {
    throw new StorageCorruptionError(
      `a stored watermark has an unknown read filter ${record?.read}`,
    );
  }
  return {
    categories: [...new Set(record?.categories ?? [])].sort(),
    read,
    archived: record?.archived ?? false,
    properties: { ...record?.properties },
  };
}

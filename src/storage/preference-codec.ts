import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  type CategoryChoice,
  type DigestFrequency,
  digestFrequencies,
  type UserPreferences,
  type Weekday,
  weekdays,
} from "../domain/preferences.js";
import {
  type CategoryChoiceRecord,
  CategoryChoiceRecordSchema,
  PreferencesRecordSchema,
} from "../gen/notification/storage/v1/preference_records_pb.js";
import { StorageCorruptionError } from "./errors.js";

/** Encodes a user's preferences as bucket `preferences` stores them (protobuf). */
export function encodePreferences(preferences: UserPreferences): Uint8Array {
  const categories: Record<string, CategoryChoiceRecord> = {};
  for (const [category, choice] of preferences.categories) {
    categories[category] = create(CategoryChoiceRecordSchema, {
      ...(choice.inApp !== undefined && { inApp: choice.inApp }),
      ...(choice.email !== undefined && { email: choice.email }),
    });
  }
  const { email } = preferences;
  return toBinary(
    PreferencesRecordSchema,
    create(PreferencesRecordSchema, {
      version: preferences.version,
      categories,
      address: email.address,
      digest: email.digest,
      time: email.time,
      weekday: email.weekday,
      timeZone: email.timeZone,
    }),
  );
}

/** Decodes one stored sibling of a user's preferences. */
export function decodePreferences(bytes: Uint8Array): UserPreferences {
  let record: ReturnType<typeof fromBinary<typeof PreferencesRecordSchema>>;
  try {
    record = fromBinary(PreferencesRecordSchema, bytes);
  } catch (cause) {
    throw new StorageCorruptionError("stored preferences are not a valid protobuf value", {
      cause,
    });
  }
  const categories = new Map<string, CategoryChoice>();
  for (const [category, choice] of Object.entries(record.categories)) {
    categories.set(category, {
      ...(choice.inApp !== undefined && { inApp: choice.inApp }),
      ...(choice.email !== undefined && { email: choice.email }),
    });
  }
  return {
    version: record.version,
    categories,
    email: {
      address: record.address,
      digest: known<DigestFrequency>("digest", record.digest, digestFrequencies),
      time: record.time,
      weekday: known<Weekday>("weekday", record.weekday, weekdays),
      timeZone: record.timeZone,
    },
  };
}

function known<T extends string>(field: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new StorageCorruptionError(`stored preferences have an unknown ${field}`);
}

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { AttemptState, DigestState } from "../domain/digest-state.js";
import { isKsuid } from "../domain/ids.js";
import {
  DigestAttemptRecordSchema,
  DigestRecordSchema,
} from "../gen/notification/storage/v1/digest_records_pb.js";
import { StorageCorruptionError } from "./errors.js";

const attemptStates: readonly AttemptState[] = ["claimed", "sending", "failed"];

/** Encodes a user's digest state as bucket `digests` stores it (protobuf). */
export function encodeDigestState(state: DigestState): Uint8Array {
  const { attempt } = state;
  return toBinary(
    DigestRecordSchema,
    create(DigestRecordSchema, {
      lastPeriod: state.lastPeriod,
      windowStart: BigInt(state.windowStart),
      emailedIds: [...state.emailedIds],
      ...(attempt && {
        attempt: create(DigestAttemptRecordSchema, {
          ...attempt,
          dueAt: BigInt(attempt.dueAt),
          expiresAt: BigInt(attempt.expiresAt),
          nextTryAt: BigInt(attempt.nextTryAt),
          ids: [...attempt.ids],
          cut: BigInt(attempt.cut),
        }),
      }),
    }),
  );
}

/** Decodes one stored sibling of a user's digest state. */
export function decodeDigestState(bytes: Uint8Array): DigestState {
  let record: ReturnType<typeof fromBinary<typeof DigestRecordSchema>>;
  try {
    record = fromBinary(DigestRecordSchema, bytes);
  } catch (cause) {
    throw new StorageCorruptionError("a stored digest state is not a valid protobuf value", {
      cause,
    });
  }
  const a = record.attempt;
  const ids = [...record.emailedIds, ...(a?.ids ?? [])];
  if (!ids.every(isKsuid) || (a && !(attemptStates as readonly string[]).includes(a.state))) {
    throw new StorageCorruptionError("a stored digest state holds an unknown id or state");
  }
  return {
    lastPeriod: record.lastPeriod,
    windowStart: Number(record.windowStart),
    emailedIds: record.emailedIds,
    attempt: a && {
      period: a.period,
      dueAt: Number(a.dueAt),
      attemptId: a.attemptId,
      holder: a.holder,
      designated: a.designated,
      state: a.state as AttemptState,
      expiresAt: Number(a.expiresAt),
      tries: a.tries,
      failures: a.failures,
      nextTryAt: Number(a.nextTryAt),
      messageId: a.messageId,
      ids: a.ids,
      cut: Number(a.cut),
    },
  };
}

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { Job, JobKind } from "../domain/job.js";
import { JobRecordSchema } from "../gen/notification/storage/v1/producer_records_pb.js";
import { StorageCorruptionError } from "./errors.js";

const kinds: readonly JobKind[] = [
  "publish_to_topic",
  "update_by_key",
  "delete_by_key",
  "read_by_key",
];

/** Encodes a job as bucket `jobs` stores it (protobuf). */
export function encodeJob(job: Job): Uint8Array {
  const { content, progress, lease } = job;
  return toBinary(
    JobRecordSchema,
    create(JobRecordSchema, {
      id: job.id,
      kind: job.kind,
      target: job.target,
      content: {
        category: content.category,
        ...(content.message !== undefined && { message: content.message }),
        properties: { ...content.properties },
        key: content.key,
        removeProperties: [...content.removeProperties],
      },
      fingerprint: job.fingerprint,
      run: job.run,
      createdAt: BigInt(job.createdAt),
      updatedAt: BigInt(job.updatedAt),
      total: BigInt(job.total),
      progress: {
        cursor: progress.cursor,
        done: BigInt(progress.done),
        failed: BigInt(progress.failed),
        finished: progress.finished,
      },
      ...(lease && {
        lease: { holder: lease.holder, expiresAt: BigInt(lease.expiresAt), version: lease.version },
      }),
    }),
  );
}

/** Decodes one stored sibling of a job. */
export function decodeJob(bytes: Uint8Array): Job {
  let record: ReturnType<typeof fromBinary<typeof JobRecordSchema>>;
  try {
    record = fromBinary(JobRecordSchema, bytes);
  } catch (cause) {
    throw new StorageCorruptionError("a stored job is not a valid protobuf value", { cause });
  }
  const kind = kinds.find((k) => k === record.kind);
  if (!kind) throw new StorageCorruptionError(`a stored job has an unknown kind`);
  const content = record.content;
  const progress = record.progress;
  const lease = record.lease;
  return {
    id: record.id,
    kind,
    target: record.target,
    content: {
      category: content?.category ?? "",
      message: content?.message,
      properties: { ...content?.properties },
      key: content?.key ?? "",
      removeProperties: [...(content?.removeProperties ?? [])],
    },
    fingerprint: record.fingerprint,
    run: record.run,
    createdAt: Number(record.createdAt),
    updatedAt: Number(record.updatedAt),
    total: Number(record.total),
    progress: {
      cursor: progress?.cursor ?? "",
      done: Number(progress?.done ?? 0n),
      failed: Number(progress?.failed ?? 0n),
      finished: progress?.finished ?? false,
    },
    lease: lease
      ? { holder: lease.holder, expiresAt: Number(lease.expiresAt), version: lease.version }
      : undefined,
  };
}

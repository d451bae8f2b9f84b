import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { jobState, type Job as StoredJob } from "../domain/job.js";
import { type Job, JobSchema, JobState } from "../gen/notification/v1/notification_pb.js";

const states = {
  pending: JobState.PENDING,
  running: JobState.RUNNING,
  done: JobState.DONE,
} as const;

/** A job as the API reports it: its state and progress. */
export function jobToProto(job: StoredJob): Job {
  return create(JobSchema, {
    id: job.id,
    kind: job.kind,
    state: states[jobState(job)],
    total: BigInt(job.total),
    done: BigInt(job.progress.done),
    failed: BigInt(job.progress.failed),
    createdAt: timestampFromMs(job.createdAt),
    updatedAt: timestampFromMs(job.updatedAt),
  });
}

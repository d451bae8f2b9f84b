import { applyJobChanges, type Job, type JobChange, mergeJobs } from "../domain/job.js";
import {
  applyShardChanges,
  emptyShard,
  isLive,
  type MemberShard,
  mergeShards,
  type ShardChange,
} from "../domain/member-shard.js";
import { decodeJob, encodeJob } from "./job-codec.js";
import type { CallOptions, KeyValueStore } from "./key-value-store.js";
import { decodeShard, encodeShard } from "./member-shard-codec.js";
import { ResolvingStore, type ResolvingStoreObservers } from "./resolving-store.js";

// Job ids are 27 characters of base62, so no job is named this.
const activeKey = "active";

/**
 * Durable jobs (bucket `jobs`, key = job id) and the set of jobs not yet
 * done (key `active`), which every instance reads to find jobs whose holder
 * died. Both merge their siblings, so instances racing on one job converge.
 */
export class JobStore {
  private readonly jobs: ResolvingStore<Job, JobChange>;
  private readonly active: ResolvingStore<MemberShard, ShardChange>;

  constructor(store: KeyValueStore, observers: ResolvingStoreObservers = {}) {
    this.jobs = new ResolvingStore(
      store,
      {
        bucket: "jobs",
        decode: decodeJob,
        encode: (_key, job) => encodeJob(job),
        merge: mergeJobs,
        apply: applyJobChanges,
      },
      observers,
    );
    this.active = new ResolvingStore(
      store,
      {
        bucket: "jobs",
        decode: decodeShard,
        encode: (_key, shard) => encodeShard(shard),
        merge: (siblings) => (siblings.length === 0 ? undefined : mergeShards(siblings)),
        apply: (current, changes) => applyShardChanges(current ?? emptyShard, changes),
      },
      observers,
    );
  }

  /** The job; undefined when there is none with that id. */
  read(id: string, call?: CallOptions): Promise<Job | undefined> {
    return this.jobs.read(id, call);
  }

  /** Applies a change; resolves with the job as stored after it. */
  change(id: string, change: JobChange): Promise<Job | undefined> {
    return this.jobs.change(id, change);
  }

  /** Ids of the jobs not marked done. */
  async activeIds(call?: CallOptions): Promise<string[]> {
    const shard = (await this.active.read(activeKey, call)) ?? emptyShard;
    return [...shard.members].filter(([, entry]) => isLive(entry)).map(([id]) => id);
  }

  /** Marks a job active (`done` false) or done; `version` orders the marks of one job. */
  async mark(id: string, done: boolean, version: string): Promise<void> {
    await this.active.change(activeKey, { kind: "member", member: id, removed: done, version });
  }

  /** Forgets the done marks older than `version` (a KSUID), so the set stays small. */
  async prune(version: string): Promise<void> {
    await this.active.change(activeKey, { kind: "prune", before: version });
  }

  /** Resolves when no write is queued or running. */
  async idle(): Promise<void> {
    await Promise.all([this.jobs.idle(), this.active.idle()]);
  }
}

/** What a job does (the `kind` of the API's Job). */
export type JobKind = "publish_to_topic" | "update_by_key" | "delete_by_key" | "read_by_key";

/** What a job delivers (a publish) or changes (an update by key). */
export interface JobContent {
  readonly category: string;
  /** A publish: the message; an update: the new message, or undefined to keep it. */
  readonly message: string | undefined;
  /** A publish: the properties; an update: those to set. */
  readonly properties: Readonly<Record<string, string>>;
  /** A publish: the notification's key; a by-key job: "" (its target is the key). */
  readonly key: string;
  /** An update: property keys to remove. */
  readonly removeProperties: readonly string[];
}

/** How far a job got: recipients are walked in order, and `cursor` is the last one done. */
export interface JobProgress {
  /** Empty before the first recipient. */
  readonly cursor: string;
  readonly done: number;
  readonly failed: number;
  readonly finished: boolean;
}

/** Who carries the job out, until when. */
export interface JobLease {
  /** The instance holding it. */
  readonly holder: string;
  /** Milliseconds since the Unix epoch. */
  readonly expiresAt: number;
  /** A KSUID taken when the lease was taken or renewed; the greatest wins a merge. */
  readonly version: string;
}

/** A durable job (contract §9.3): what to do, how far it got, who holds it. */
export interface Job {
  readonly id: string;
  readonly kind: JobKind;
  /** The topic (a publish) or the notification key (a by-key job). */
  readonly target: string;
  readonly content: JobContent;
  /** Of the request that made the job; a republish with the same idempotency key must match. */
  readonly fingerprint: string;
  /** 1, then one more each time a republish after the idempotency window starts it again. */
  readonly run: number;
  /** Milliseconds since the Unix epoch. */
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Recipients when the job started, then, once finished, done plus failed; 0 until known. */
  readonly total: number;
  readonly progress: JobProgress;
  readonly lease: JobLease | undefined;
}

/** A change to a job, applied in a read-modify-write of its record. */
export type JobChange =
  /** Records the job unless one with its id exists; `restartBefore`: or exists but was created before it (ms). */
  | { readonly kind: "create"; readonly job: Job; readonly restartBefore?: number }
  /** Takes the lease unless another holder's has not run out at `now`, or the job is finished. */
  | {
      readonly kind: "take";
      readonly holder: string;
      readonly now: number;
      readonly expiresAt: number;
      readonly version: string;
    }
  /** The holder's progress (never behind what is stored), with its lease renewed; a finish drops the lease. */
  | {
      readonly kind: "progress";
      readonly holder: string;
      readonly progress: JobProgress;
      readonly total: number;
      readonly now: number;
      readonly expiresAt: number;
      readonly version: string;
    }
  /** The holder gives the lease up (shutting down): another instance may take it at once. */
  | { readonly kind: "release"; readonly holder: string };

/** What a new job is made of; the rest starts empty (run 1, no progress, no lease). */
export type NewJob = Pick<Job, "id" | "kind" | "target" | "content" | "fingerprint" | "total"> & {
  /** When it is made, in ms since the Unix epoch. */
  readonly now: number;
};

/** A job as first recorded. */
export function newJob({ now, ...fields }: NewJob): Job {
  return {
    ...fields,
    run: 1,
    createdAt: now,
    updatedAt: now,
    progress: noProgress,
    lease: undefined,
  };
}

/** The state the API reports. */
export type JobState = "pending" | "running" | "done";

/** Pending until first taken, running until finished. */
export function jobState(job: Job): JobState {
  if (job.progress.finished) return "done";
  return job.lease === undefined && job.progress.cursor === "" && job.progress.done === 0
    ? "pending"
    : "running";
}

/** The progress before anything was done. */
export const noProgress: JobProgress = Object.freeze({
  cursor: "",
  done: 0,
  failed: 0,
  finished: false,
});

/**
 * Merges siblings of one job record: the job as first created (the earliest
 * run's earliest record wins, so racing republishes agree), the furthest
 * progress with its total, the latest lease, the latest update time.
 * Commutative, associative and idempotent.
 */
export function mergeJobs(siblings: readonly Job[]): Job | undefined {
  let merged: Job | undefined;
  for (const sibling of siblings) merged = merged ? mergeTwo(merged, sibling) : sibling;
  return merged;
}

/** Applies changes in order; returns `current` itself when none applies. */
export function applyJobChanges(
  current: Job | undefined,
  changes: readonly JobChange[],
): Job | undefined {
  let job = current;
  for (const change of changes) job = applyOne(job, change);
  return job;
}

function applyOne(job: Job | undefined, change: JobChange): Job | undefined {
  if (change.kind === "create") {
    if (!job) return change.job;
    const stale = change.restartBefore !== undefined && job.createdAt < change.restartBefore;
    return stale && change.job.run > job.run ? change.job : job;
  }
  if (!job) return job;
  switch (change.kind) {
    case "take": {
      if (job.progress.finished) return job;
      const lease = job.lease;
      if (lease && lease.holder !== change.holder && lease.expiresAt > change.now) return job;
      return {
        ...job,
        lease: { holder: change.holder, expiresAt: change.expiresAt, version: change.version },
      };
    }
    case "progress": {
      if (job.lease?.holder !== change.holder) return job;
      const ahead = progressOrder(change.progress, job.progress) >= 0;
      const progress = ahead ? change.progress : job.progress;
      return {
        ...job,
        progress,
        total: ahead ? change.total : job.total,
        updatedAt: Math.max(job.updatedAt, change.now),
        lease: progress.finished
          ? undefined
          : { holder: change.holder, expiresAt: change.expiresAt, version: change.version },
      };
    }
    case "release":
      return job.lease?.holder === change.holder ? { ...job, lease: undefined } : job;
  }
}

function mergeTwo(a: Job, b: Job): Job {
  const base = origin(a, b) <= 0 ? a : b;
  const ahead = progressOrder(a.progress, b.progress) >= 0 ? a : b;
  return {
    ...base,
    // Progress of another run is not progress of this one.
    progress: ahead.run === base.run ? ahead.progress : base.progress,
    total: ahead.run === base.run ? ahead.total : base.total,
    updatedAt: Math.max(a.updatedAt, b.updatedAt),
    lease: latestLease(a.lease, b.lease),
  };
}

/** Orders records of one job id by which counts as the job: the latest run, then the earliest record. */
function origin(a: Job, b: Job): number {
  if (a.run !== b.run) return b.run - a.run;
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0;
}

/** Orders progress: finished beyond not, then by cursor, then by recipients counted. */
export function progressOrder(a: JobProgress, b: JobProgress): number {
  if (a.finished !== b.finished) return a.finished ? 1 : -1;
  if (a.cursor !== b.cursor) return a.cursor < b.cursor ? -1 : 1;
  if (a.done + a.failed !== b.done + b.failed) return a.done + a.failed - (b.done + b.failed);
  return a.done - b.done;
}

function latestLease(a: JobLease | undefined, b: JobLease | undefined): JobLease | undefined {
  if (!a || !b) return a ?? b;
  if (a.version !== b.version) return a.version > b.version ? a : b;
  return a.holder >= b.holder ? a : b;
}

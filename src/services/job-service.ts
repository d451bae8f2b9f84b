import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { isKsuid } from "../domain/ids.js";
import { ValidationError } from "../domain/validation-error.js";
import type { JobService } from "../gen/notification/v1/job_pb.js";
import type { ServiceDependencies } from "./dependencies.js";
import { jobToProto } from "./job-to-proto.js";

/** JobService: how far a durable job got. */
export function createJobService(deps: ServiceDependencies): ServiceImpl<typeof JobService> {
  return {
    async getJob(req, ctx) {
      if (!isKsuid(req.jobId)) {
        throw new ValidationError(
          "job_id",
          "job_id must be a job id (27 characters of A-Z a-z 0-9), as PublishToTopic or a change by key answered it",
        );
      }
      const job = await deps.repositories.jobs.read(req.jobId, { signal: ctx.signal });
      if (!job) throw new ConnectError(`there is no job ${req.jobId}`, Code.NotFound);
      return { job: jobToProto(job) };
    },
  };
}

// Runs of the service's scheduled jobs (nightly pull, monthly control report, quarter-end seal, nightly
// backup), recorded in the journal store (migrations 20-29) so a failed job is retried and reported, never
// dropped.
//
// A run is claimed for (job, due time, attempt) with a unique key, so when several service instances share a
// PostgreSQL store exactly one of them runs each due job. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ejournal/model/date.h"

namespace ejournal::store {

class Store;

enum class JobStatus { Running, Succeeded, Failed };
std::string_view toString(JobStatus s);  // "running", "succeeded", "failed"

struct JobRun {
  int64_t id = 0;
  std::string job;       // "pull", "control-report", "quarter-seal", "backup"
  model::DateTime due;   // the scheduled time this run is for
  int attempt = 1;       // 1 for the first try, 2.. for retries
  std::string instance;  // which service instance ran it (host:pid)
  model::DateTime startedAt;
  std::optional<model::DateTime> finishedAt;
  JobStatus status = JobStatus::Running;
  std::string message;  // Russian: what was done, or why it failed
};

class JobLog {
 public:
  virtual ~JobLog() = default;
  // Claims the run (job, due, attempt) for `instance`, recording it as Running at `now`. Returns nullopt when
  // another instance (or an earlier call) has already claimed it.
  virtual std::optional<JobRun> claim(const std::string& job, model::DateTime due, int attempt,
                                      const std::string& instance, model::DateTime now) = 0;
  virtual void finish(int64_t runId, JobStatus status, const std::string& message, model::DateTime now) = 0;
  // The most recent runs, newest first; job empty: all jobs.
  virtual std::vector<JobRun> recent(const std::string& job, size_t limit) = 0;
  // The latest run of the job for `due` (highest attempt), if any.
  virtual std::optional<JobRun> latest(const std::string& job, model::DateTime due) = 0;
  // The latest due time for which the job succeeded.
  virtual std::optional<model::DateTime> lastSuccess(const std::string& job) = 0;
};

// The job log of an open store (migrates its tables on first use). The store must outlive it.
std::unique_ptr<JobLog> openJobs(Store& store);

}  // namespace ejournal::store

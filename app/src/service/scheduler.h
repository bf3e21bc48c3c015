// Scheduled jobs inside the service: nightly pull, the monthly control report, the quarter-end seal or
// reminder, the nightly backup. Each run is claimed and recorded in the store (store/jobs.h); a failed run is
// retried after a delay up to the configured count, then reported (error log, audit record, /healthz and GET
// /api/v1/jobs), never dropped silently. When several instances share a store, the claim makes exactly one of
// them run each job.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ejournal/model/date.h"
#include "ejournal/store/jobs.h"
#include "service/config.h"

namespace ejournal::app::service {

struct ServiceCore;

// What a job does for `school` (empty for a job of the whole installation, or while the store holds no
// school): returns a Russian summary of what was done, throws (any exception) on failure.
using JobFunction = std::function<std::string(model::DateTime due, const std::string& school)>;

// A job of the whole installation (backup, mail delivery) runs once per due time; a job of each school (pull,
// control report, quarter seal, daily summaries) runs once per due time for every stored school, as its own
// run "name@school" with its own claim, retries and failures, so one school's failure delays no other's.
enum class JobScope { Installation, EachSchool };

// The run name of a job for a school: "control-report@school-1"; the job's name for no school.
std::string jobUnit(const std::string& name, const std::string& school);

// A parsed schedule: "daily HH:MM", "monthly D HH:MM" (D = 1..28), "quarter-end HH:MM" (the last day of every
// quarter of the journal), "every N" (minutes, for tests and frequent pulls).
struct Schedule {
  enum class Kind { Daily, Monthly, QuarterEnd, Every } kind = Kind::Daily;
  int day = 1;
  int minuteOfDay = 0;
  int everyMinutes = 0;
  // Throws ejournal::Error(Input) naming the text.
  static Schedule parse(const std::string& text);
  // The latest scheduled time at or before `now`; `quarterEnds` are the last days of the quarters.
  std::optional<model::DateTime> lastDue(model::DateTime now,
                                         const std::vector<model::Date>& quarterEnds) const;
};

class Scheduler {
 public:
  explicit Scheduler(ServiceCore& core);
  ~Scheduler();

  void setJob(const std::string& name, JobFunction fn, JobScope scope = JobScope::Installation);
  bool hasJob(const std::string& name) const;

  // Starts the background thread that calls tick() every `pollSeconds` (default 30).
  void start(int pollSeconds = 30);
  void stop();

  // Runs every enabled job that is due (or due for a retry) at the clock's now. Returns the runs made.
  std::vector<store::JobRun> tick();
  // Runs the job now (a manual trigger) for `school` (ignored by a job of the installation), whether or not
  // it is enabled. Throws Error(NotFound) for an unknown job.
  store::JobRun runNow(const std::string& name, const std::string& actor, const std::string& school);

  bool eachSchool(const std::string& name) const;  // a job of each school (JobScope::EachSchool)
  // The run names of a configured job: itself, or one per school it runs for ("pull@a", "pull@b").
  std::vector<std::string> units(const std::string& name);
  // Jobs whose latest run failed and has no retries left, with the message.
  std::vector<store::JobRun> exhaustedFailures();

 private:
  store::JobRun execute(const std::string& name, const std::string& school, model::DateTime due, int attempt,
                        int64_t runId, const std::string& actor);
  std::vector<model::Date> quarterEnds(const std::string& school);
  // The schools a job of each school runs for: the stored ones (and, for pull, those with a token of their
  // own); {""} while there are none.
  std::vector<std::string> schoolsOf(const std::string& name);

  ServiceCore& core_;
  std::map<std::string, JobFunction> functions_;
  std::map<std::string, JobScope> scopes_;
  std::map<std::string, Schedule> schedules_;
  mutable std::mutex mutex_;  // guards functions_
  std::mutex runMutex_;       // one job at a time in this instance
  std::mutex wakeMutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ejournal::app::service

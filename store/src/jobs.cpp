// The job-run log (jobs.h) on the store's database: table job_runs (migration 20). The unique key (job, due,
// attempt) makes claiming a run atomic across threads and service instances.
#include "ejournal/store/jobs.h"

#include <Poco/Data/Session.h>
#include <Poco/Tuple.h>

#include "database.h"
#include "ejournal/model/error.h"

using namespace Poco::Data::Keywords;

namespace ejournal::store {

std::string_view toString(JobStatus s) {
  switch (s) {
    case JobStatus::Running:
      return "running";
    case JobStatus::Succeeded:
      return "succeeded";
    case JobStatus::Failed:
      return "failed";
  }
  return "running";
}

namespace {

JobStatus statusFrom(const std::string& s) {
  if (s == "succeeded") return JobStatus::Succeeded;
  if (s == "failed") return JobStatus::Failed;
  return JobStatus::Running;
}

using Row = Poco::Tuple<Poco::Int64, std::string, std::string, int, std::string, std::string, std::string,
                        std::string, std::string>;
const char* kColumns = "id, job, due, attempt, instance, started_at, finished_at, status, message";

JobRun fromRow(const Row& r) {
  JobRun j;
  j.id = r.get<0>();
  j.job = r.get<1>();
  j.due = model::DateTime::parse(r.get<2>()).value_or(model::DateTime{});
  j.attempt = r.get<3>();
  j.instance = r.get<4>();
  j.startedAt = model::DateTime::parse(r.get<5>()).value_or(model::DateTime{});
  j.finishedAt = model::DateTime::parse(r.get<6>());
  j.status = statusFrom(r.get<7>());
  j.message = r.get<8>();
  return j;
}

class SqlJobs final : public JobLog {
 public:
  explicit SqlJobs(Database& db) : db_(db) {}

  std::optional<JobRun> claim(const std::string& job, model::DateTime due, int attempt,
                              const std::string& instance, model::DateTime at) override {
    return db_.guard("jobs.claim " + job, [&]() -> std::optional<JobRun> {
      Poco::Data::Session s = db_.session();
      std::string j = job, d = due.toString(), inst = instance, started = at.toString();
      int a = attempt;
      std::vector<Poco::Int64> ids;
      s << "INSERT INTO job_runs (job, due, attempt, instance, started_at, finished_at, status, message) "
           "VALUES ($1, $2, $3, $4, $5, '', 'running', '') ON CONFLICT (job, due, attempt) DO NOTHING "
           "RETURNING id",
          use(j), use(d), use(a), use(inst), use(started), into(ids), now;
      if (ids.empty()) return std::nullopt;
      JobRun r;
      r.id = ids.front();
      r.job = job;
      r.due = due;
      r.attempt = attempt;
      r.instance = instance;
      r.startedAt = at;
      return r;
    });
  }

  void finish(int64_t runId, JobStatus status, const std::string& message, model::DateTime at) override {
    db_.guard("jobs.finish", [&] {
      Poco::Data::Session s = db_.session();
      Poco::Int64 id = runId;
      std::string st(toString(status)), msg = message, fin = at.toString();
      s << "UPDATE job_runs SET status = $1, message = $2, finished_at = $3 WHERE id = $4", use(st), use(msg),
          use(fin), use(id), now;
    });
  }

  std::vector<JobRun> recent(const std::string& job, size_t limit) override {
    return db_.guard("jobs.recent", [&] {
      Poco::Data::Session s = db_.session();
      std::string j = job;
      Poco::Int64 lim = static_cast<Poco::Int64>(std::min<size_t>(limit, 1000));
      std::vector<Row> rows;
      s << "SELECT " + std::string(kColumns) +
               " FROM job_runs WHERE ($1 = '' OR job = $1) ORDER BY id DESC LIMIT $2",
          use(j), use(lim), into(rows), now;
      std::vector<JobRun> out;
      for (const auto& r : rows) out.push_back(fromRow(r));
      return out;
    });
  }

  std::optional<JobRun> latest(const std::string& job, model::DateTime due) override {
    return db_.guard("jobs.latest", [&]() -> std::optional<JobRun> {
      Poco::Data::Session s = db_.session();
      std::string j = job, d = due.toString();
      std::vector<Row> rows;
      s << "SELECT " + std::string(kColumns) +
               " FROM job_runs WHERE job = $1 AND due = $2 ORDER BY attempt DESC LIMIT 1",
          use(j), use(d), into(rows), now;
      if (rows.empty()) return std::nullopt;
      return fromRow(rows.front());
    });
  }

  std::optional<model::DateTime> lastSuccess(const std::string& job) override {
    return db_.guard("jobs.lastSuccess", [&]() -> std::optional<model::DateTime> {
      Poco::Data::Session s = db_.session();
      std::string j = job;
      std::vector<std::string> dues;
      s << "SELECT due FROM job_runs WHERE job = $1 AND status = 'succeeded' ORDER BY due DESC LIMIT 1",
          use(j), into(dues), now;
      if (dues.empty()) return std::nullopt;
      return model::DateTime::parse(dues.front());
    });
  }

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<JobLog> openJobs(Store& store) { return std::make_unique<SqlJobs>(databaseOf(store)); }

}  // namespace ejournal::store

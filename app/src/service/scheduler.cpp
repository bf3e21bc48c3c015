// Scheduled jobs: schedules, claiming, retries and failure reports (scheduler.h).
#include "service/scheduler.h"

#include <Poco/Logger.h>

#include <algorithm>
#include <cstdio>

#include "ejournal/model/error.h"
#include "service/core.h"

namespace ejournal::app::service {

namespace {

int parseTime(const std::string& text, const std::string& whole) {
  int h = -1, m = -1;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%d:%d%c", &h, &m, &extra) != 2 || h < 0 || h > 23 || m < 0 || m > 59)
    throw Error(ErrorKind::Input, "расписание «" + whole + "»",
                "время должно быть в виде ЧЧ:ММ, указано «" + text + "»");
  return h * 60 + m;
}

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == '\t') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

model::DateTime at(model::Date d, int minuteOfDay) { return {d, minuteOfDay * 60}; }

}  // namespace

Schedule Schedule::parse(const std::string& text) {
  auto w = words(text);
  Schedule s;
  auto bad = [&](const std::string& why) {
    return Error(ErrorKind::Input, "расписание «" + text + "»", why);
  };
  if (w.size() == 2 && w[0] == "daily") {
    s.kind = Kind::Daily;
    s.minuteOfDay = parseTime(w[1], text);
  } else if (w.size() == 3 && w[0] == "monthly") {
    s.kind = Kind::Monthly;
    s.day = std::atoi(w[1].c_str());
    if (s.day < 1 || s.day > 28) throw bad("день месяца должен быть от 1 до 28");
    s.minuteOfDay = parseTime(w[2], text);
  } else if (w.size() == 2 && w[0] == "quarter-end") {
    s.kind = Kind::QuarterEnd;
    s.minuteOfDay = parseTime(w[1], text);
  } else if (w.size() == 2 && w[0] == "every") {
    s.kind = Kind::Every;
    s.everyMinutes = std::atoi(w[1].c_str());
    if (s.everyMinutes < 1 || s.everyMinutes > 7 * 24 * 60) throw bad("интервал — целое число минут от 1");
  } else {
    throw bad("ожидается «daily ЧЧ:ММ», «monthly Д ЧЧ:ММ», «quarter-end ЧЧ:ММ» или «every N»");
  }
  return s;
}

std::optional<model::DateTime> Schedule::lastDue(model::DateTime now,
                                                 const std::vector<model::Date>& quarterEnds) const {
  switch (kind) {
    case Kind::Daily: {
      auto today = at(now.date, minuteOfDay);
      return today <= now ? today : at(now.date - 1, minuteOfDay);
    }
    case Kind::Monthly: {
      int y = now.date.year(), m = now.date.month();
      auto thisMonth = at(model::Date::fromYmd(y, m, day), minuteOfDay);
      if (thisMonth <= now) return thisMonth;
      if (--m == 0) {
        m = 12;
        --y;
      }
      return at(model::Date::fromYmd(y, m, day), minuteOfDay);
    }
    case Kind::QuarterEnd: {
      std::optional<model::DateTime> best;
      for (auto d : quarterEnds) {
        auto t = at(d, minuteOfDay);
        if (t <= now && (!best || *best < t)) best = t;
      }
      return best;
    }
    case Kind::Every: {
      int64_t minutes = (int64_t{now.date.days()} * 86400 + now.secondOfDay) / 60;
      int64_t slot = minutes / everyMinutes * everyMinutes;
      int64_t secs = slot * 60;
      return fromEpochSeconds(secs);
    }
  }
  return std::nullopt;
}

Scheduler::Scheduler(ServiceCore& core) : core_(core) {
  for (const auto& j : core_.config.jobs) {
    if (!j.enabled) continue;
    schedules_[j.name] = Schedule::parse(j.schedule);
    for (const auto& [school, schedule] : j.schoolSchedules)
      schedules_[jobUnit(j.name, school)] = Schedule::parse(schedule);
  }
}

Scheduler::~Scheduler() { stop(); }

std::string jobUnit(const std::string& name, const std::string& school) {
  return school.empty() ? name : name + "@" + school;
}

void Scheduler::setJob(const std::string& name, JobFunction fn, JobScope scope) {
  std::lock_guard<std::mutex> lock(mutex_);
  functions_[name] = std::move(fn);
  scopes_[name] = scope;
}

std::vector<std::string> Scheduler::schoolsOf(const std::string& name) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = scopes_.find(name);
    if (it == scopes_.end() || it->second == JobScope::Installation) return {""};
  }
  std::vector<std::string> schools = core_.store->schools();
  if (name == "pull")
    for (const auto& [school, file] : core_.config.pullTokenFiles)
      if (std::find(schools.begin(), schools.end(), school) == schools.end()) schools.push_back(school);
  if (schools.empty()) schools.push_back("");
  return schools;
}

bool Scheduler::eachSchool(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = scopes_.find(name);
  return it != scopes_.end() && it->second == JobScope::EachSchool;
}

std::vector<std::string> Scheduler::units(const std::string& name) {
  std::vector<std::string> out;
  for (const auto& school : schoolsOf(name)) out.push_back(jobUnit(name, school));
  return out;
}

bool Scheduler::hasJob(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return functions_.count(name) > 0;
}

void Scheduler::start(int pollSeconds) {
  if (thread_.joinable() || schedules_.empty()) return;
  stopping_ = false;
  thread_ = std::thread([this, pollSeconds] {
    std::unique_lock<std::mutex> lock(wakeMutex_);
    while (!stopping_) {
      lock.unlock();
      try {
        tick();
      } catch (const std::exception& e) {
        core_.log.error("scheduler: %s", std::string(e.what()));
      }
      lock.lock();
      wake_.wait_for(lock, std::chrono::seconds(pollSeconds), [this] { return stopping_; });
    }
  });
}

void Scheduler::stop() {
  {
    std::lock_guard<std::mutex> lock(wakeMutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::vector<model::Date> Scheduler::quarterEnds(const std::string& school) {
  std::vector<model::Date> out;
  try {
    auto snap = core_.cache->get(school);
    for (const auto& p : snap->journal.periods)
      if (p.kind == model::PeriodKind::Quarter) out.push_back(p.dates.to);
  } catch (const std::exception&) {
    // No journal yet: no quarter ends to schedule on.
  }
  return out;
}

std::vector<store::JobRun> Scheduler::tick() {
  std::vector<store::JobRun> done;
  const model::DateTime now = core_.clock->now();
  for (const auto& cfg : core_.config.jobs) {
    auto general = schedules_.find(cfg.name);
    if (!cfg.enabled || general == schedules_.end()) continue;
    for (const auto& school : schoolsOf(cfg.name)) {
      const std::string unit = jobUnit(cfg.name, school);
      auto own = schedules_.find(unit);  // the school's own schedule (jobs.NAME.schedule.SCHOOL)
      const Schedule& schedule = own != schedules_.end() ? own->second : general->second;
      std::vector<model::Date> ends;
      if (schedule.kind == Schedule::Kind::QuarterEnd) ends = quarterEnds(school);
      auto due = schedule.lastDue(now, ends);
      if (!due) continue;
      auto latest = core_.jobs->latest(unit, *due);
      int attempt = 1;
      if (latest) {
        if (latest->status == store::JobStatus::Succeeded) continue;
        if (latest->status == store::JobStatus::Running) {
          // Another instance is running it, or an instance died while running it: take over after 6 hours.
          if (epochSeconds(now) - epochSeconds(latest->startedAt) < 6 * 3600) continue;
        } else {
          if (latest->attempt > cfg.retries) continue;  // exhausted: reported when it failed
          auto finished = latest->finishedAt.value_or(latest->startedAt);
          if (epochSeconds(now) - epochSeconds(finished) < int64_t{cfg.retryMinutes} * 60) continue;
        }
        attempt = latest->attempt + 1;
      }
      auto claimed = core_.jobs->claim(unit, *due, attempt, core_.config.instance, now);
      if (!claimed) continue;  // another instance took it
      done.push_back(execute(cfg.name, school, *due, attempt, claimed->id, "scheduler"));
    }
  }
  return done;
}

store::JobRun Scheduler::runNow(const std::string& name, const std::string& actor,
                                const std::string& school) {
  bool known = false;
  for (const auto& cfg : core_.config.jobs) known = known || cfg.name == name;
  if (!known)
    throw Error(
        ErrorKind::NotFound, "задание «" + name + "»",
        "нет такого задания (есть: pull, control-report, quarter-seal, backup, notify, daily-summary)");
  const model::DateTime now = core_.clock->now();
  std::string target = school;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = scopes_.find(name);
    if (it == scopes_.end() || it->second == JobScope::Installation) target.clear();
  }
  const std::string unit = jobUnit(name, target);
  for (int attempt = 1; attempt < 100; ++attempt) {
    auto claimed = core_.jobs->claim(unit, now, attempt, core_.config.instance, now);
    if (claimed) return execute(name, target, now, attempt, claimed->id, actor);
  }
  throw Error(ErrorKind::Conflict, "задание «" + name + "»", "задание уже запускалось в эту секунду");
}

store::JobRun Scheduler::execute(const std::string& name, const std::string& school, model::DateTime due,
                                 int attempt, int64_t runId, const std::string& actor) {
  std::lock_guard<std::mutex> running(runMutex_);
  JobFunction fn;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = functions_.find(name);
    if (it != functions_.end()) fn = it->second;
  }
  int retries = 0;
  for (const auto& cfg : core_.config.jobs)
    if (cfg.name == name) retries = cfg.retries;
  store::JobRun run;
  run.id = runId;
  run.job = jobUnit(name, school);
  run.due = due;
  run.attempt = attempt;
  run.instance = core_.config.instance;
  run.startedAt = core_.clock->now();
  try {
    if (!fn) throw Error(ErrorKind::Internal, name, "задание недоступно в этой сборке");
    run.message = fn(due, school);
    run.status = store::JobStatus::Succeeded;
    core_.log.information("job %s (due %s, attempt %d) succeeded: %s", run.job, due.toString(), attempt,
                          run.message);
  } catch (const std::exception& e) {
    run.status = store::JobStatus::Failed;
    run.message = e.what();
    const bool last = actor != "scheduler" || attempt > retries;
    core_.log.error("job %s (due %s, attempt %d) failed%s: %s", run.job, due.toString(), attempt,
                    std::string(last ? ", no retries left" : ", will retry"), run.message);
    if (last)
      core_.auditLog->append({actor, "job.failed", run.job, "failed",
                              "попытка " + std::to_string(attempt) + ": " + run.message, ""});
  }
  run.finishedAt = core_.clock->now();
  core_.jobs->finish(runId, run.status, run.message, *run.finishedAt);
  core_.auditLog->append({actor, "job." + run.job, due.toString(),
                          run.status == store::JobStatus::Succeeded ? "ok" : "failed", run.message, ""});
  return run;
}

std::vector<store::JobRun> Scheduler::exhaustedFailures() {
  std::vector<store::JobRun> out;
  for (const auto& cfg : core_.config.jobs) {
    if (!cfg.enabled) continue;
    for (const auto& unit : units(cfg.name)) {
      auto recent = core_.jobs->recent(unit, 1);
      if (!recent.empty() && recent.front().status == store::JobStatus::Failed &&
          recent.front().attempt > cfg.retries)
        out.push_back(recent.front());
    }
  }
  return out;
}

}  // namespace ejournal::app::service

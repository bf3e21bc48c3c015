// Pulling from dnevnik.ru inside the service: POST /api/v1/pull and the nightly "pull" job, both over the
// ingest/pull client (dnevnik.h) with the base URL and token file from the configuration, committed to the
// store as one ingest run only when the whole pull succeeded.
#include "ejournal/ingest/dnevnik.h"
#include "ejournal/model/error.h"
#include "service/core.h"
#include "service/scheduler.h"
#include "usecases.h"

namespace ejournal::app::service {

using Poco::Net::HTTPResponse;

namespace {

// Pulls `period` or `dates` (one of them) into the store.
// `school` empty: the school of the installation's token (pull.tokenFile); otherwise the school's own token
// (pull.tokenFile.<school>), or the installation's token while the store holds no other school.
PullOutcome pullInto(ServiceCore& core, const std::string& school, const std::string& period,
                     std::optional<model::DateRange> dates) {
  namespace dn = ingest::dnevnik;
  std::string tokenFile = core.config.pullTokenFile;
  if (auto it = core.config.pullTokenFiles.find(school); it != core.config.pullTokenFiles.end())
    tokenFile = it->second;
  else if (!school.empty() && core.store->schools().size() > 1)
    throw Error(ErrorKind::Conflict, "pull.tokenFile." + school,
                "для школы " + school + " не настроен свой токен dnevnik.ru (pull.tokenFile." + school + ")");
  if (core.config.pullBaseUrl.empty() || tokenFile.empty())
    throw Error(ErrorKind::Conflict, "pull.baseUrl",
                "выгрузка из dnevnik.ru не настроена (pull.baseUrl и pull.tokenFile)");
  dn::PullOptions options;
  options.connection.baseUrl = core.config.pullBaseUrl;
  options.connection.token = dn::readTokenFile(tokenFile);
  options.schoolId = school;
  options.period = period;
  options.dates = dates;
  try {
    PullOutcome out = pullIntoStore(*core.store, options, *core.clock);
    journalChanged(core, out.stats.schoolId);
    return out;
  } catch (const UpstreamError& e) {
    // dnevnik.ru refusing our token, or failing after every retry, is the upstream's answer, neither the
    // caller's lack of rights nor an internal error of ours: 502 with what dnevnik.ru said and what to do
    // (the request that failed goes to the log).
    core.log.warning("pull: %s", std::string(e.what()));
    if (e.kind() == ErrorKind::Denied)
      throw ApiError(HTTPResponse::HTTP_BAD_GATEWAY, "upstream_denied",
                     "dnevnik.ru отклонил запрос: " + e.message() +
                         ". Проверьте токен доступа в файле pull.tokenFile; в хранилище ничего не изменено");
    throw ApiError(HTTPResponse::HTTP_BAD_GATEWAY, "upstream_failed",
                   "выгрузка из dnevnik.ru не удалась: " + e.message() + "; в хранилище ничего не изменено");
  }
}

std::string describe(const PullOutcome& o) {
  return o.runId + ": школа " + o.stats.schoolId + ", " + o.stats.dates.from.toRussian() + "–" +
         o.stats.dates.to.toRussian() + ", уроков " + std::to_string(o.stats.lessons) + ", оценок " +
         std::to_string(o.stats.marks) + "; новых записей " + std::to_string(o.summary.inserted) +
         ", изменённых " + std::to_string(o.summary.updated);
}

}  // namespace

void addPullRoutes(ServiceCore& core) {
  core.add("POST", "/api/v1/pull", {Role::Admin, Role::Deputy},
           "Pull from dnevnik.ru now: {\"period\": \"2025-Q1\"} or {\"from\": D, \"to\": D}", [](Call& c) {
             auto body = readJsonObject(c.req, c.core.config.maxJsonBytes);
             std::string period = optionalString(*body, "period");
             std::string from = optionalString(*body, "from"), to = optionalString(*body, "to");
             std::optional<model::DateRange> dates;
             if (period.empty() == (from.empty() || to.empty()))
               throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "missing_field",
                              "укажите либо period, либо from и to (ГГГГ-ММ-ДД)", "period");
             if (!from.empty()) {
               auto f = model::Date::parse(from), t = model::Date::parse(to);
               if (!f || !t || *t < *f)
                 throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_field",
                                "from и to — даты ГГГГ-ММ-ДД, from не позже to", "from");
               dates = model::DateRange{*f, *t};
             }
             PullOutcome o;
             try {
               o = pullInto(c.core, c.school(), period, dates);
             } catch (const std::exception& e) {
               c.audit("pull", c.core.config.pullBaseUrl, "failed", e.what());
               throw;
             }
             c.audit("pull", c.core.config.pullBaseUrl, "ok", describe(o));
             auto r = newObject();
             r->set("runId", o.runId);
             r->set("schoolId", o.stats.schoolId);
             r->set("from", o.stats.dates.from.toString());
             r->set("to", o.stats.dates.to.toString());
             r->set("lessons", static_cast<Poco::UInt64>(o.stats.lessons));
             r->set("marks", static_cast<Poco::UInt64>(o.stats.marks));
             r->set("requests", static_cast<Poco::UInt64>(o.stats.requests));
             r->set("retries", static_cast<Poco::UInt64>(o.stats.retries));
             r->set("inserted", static_cast<Poco::UInt64>(o.summary.inserted));
             r->set("updated", static_cast<Poco::UInt64>(o.summary.updated));
             sendJson(c.res, *r);
           });

  // Nightly: the current academic year (from 1 September; in the summer, the year that has just ended) up to
  // the due day.
  ServiceCore* core_ = &core;
  core.scheduler->setJob(
      "pull",
      [core_](model::DateTime due, const std::string& school) {
        int y = due.date.month() >= 9 ? due.date.year() : due.date.year() - 1;
        PullOutcome o =
            pullInto(*core_, school, "", model::DateRange{model::Date::fromYmd(y, 9, 1), due.date});
        core_->auditLog->append({"scheduler", "pull", core_->config.pullBaseUrl, "ok", describe(o), ""});
        return describe(o);
      },
      JobScope::EachSchool);
}

}  // namespace ejournal::app::service

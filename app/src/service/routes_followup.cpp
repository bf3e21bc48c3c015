// The follow-up of recorded checks in the service (docs/followup.md, docs/api.md "Follow-up"): the deputy
// records a check (POST /api/v1/checks), lists the checks; a teacher reads the remarks of the latest check
// and acknowledges them «ознакомлен(а)» (audited); the jobs "notify" (deliver the outbox, retrying what
// failed) and "daily-summary" (the class teachers' daily summaries, instruction 3.4).
#include <Poco/JSON/Array.h>

#include <map>

#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/store/checks.h"
#include "followup.h"
#include "mailer.h"
#include "service/core.h"
#include "service/scheduler.h"

namespace ejournal::app::service {

using Poco::Net::HTTPResponse;

namespace {

// The e-mail addresses of `school`'s service users by staff id, for teachers whose journal record has none.
// Staff ids are the school's own: another school's "t3" is someone else (its remarks went to this one's).
std::map<std::string, std::string> userEmails(ServiceCore& core, const std::string& school) {
  const bool onlySchool = core.store->schools().size() <= 1;  // an account without a school is its
  std::map<std::string, std::string> out;
  for (const auto& u : core.users->list())
    if (!u.staffId.empty() && !u.email.empty() && !u.disabled &&
        (u.schoolId == school || (u.schoolId.empty() && onlySchool)))
      out.emplace(u.staffId, u.email);
  return out;
}

// Delivers the outbox when an SMTP server is configured; "" when none is.
std::optional<DeliveryReport> deliver(ServiceCore& core) {
  if (core.config.smtp.host.empty()) return std::nullopt;
  SmtpSettings smtp = core.config.smtp;
  if (!core.config.smtpPasswordFile.empty()) {
    smtp.password = model::readFile(core.config.smtpPasswordFile);
    while (!smtp.password.empty() && (smtp.password.back() == '\n' || smtp.password.back() == '\r'))
      smtp.password.pop_back();
  }
  DeliveryReport r = deliverOutbox(*core.store, smtp, *core.clock);
  core.auditLog->append({"scheduler", "notify", smtp.host + ":" + std::to_string(smtp.port),
                         r.failed ? "failed" : "ok", r.summary(), ""});
  for (const auto& p : r.problems) core.log.warning("notify: " + p);
  return r;
}

Poco::JSON::Object::Ptr checkJson(const store::CheckRecord& c) {
  auto o = newObject();
  o->set("id", c.id);
  o->set("check_date", c.checkDate.toString());
  o->set("recorded_at", c.recordedAt.toString());
  o->set("actor", c.actor);
  o->set("rules_version", c.rulesVersion);
  o->set("data_state", c.dataState);
  o->set("period", c.periodId);
  o->set("period_label", c.periodLabel);
  o->set("from", c.dates.from.toString());
  o->set("to", c.dates.to.toString());
  o->set("as_of", c.asOf.toString());
  o->set("class", c.classId);
  o->set("deadline", c.deadline.toString());
  o->set("found", c.found);
  o->set("new", c.fresh);
  o->set("open", c.open);
  o->set("reopened", c.reopened);
  o->set("corrected", c.corrected);
  o->set("summary", describe(c));
  return o;
}

}  // namespace

std::string recordAndNotify(ServiceCore& core, const Snapshot& snap, const rules::Scope& scope,
                            const rules::CheckResult& result, const std::string& actor) {
  const auto check = recordCheck(*core.store, snap.index, scope, rulesConfig(), result, actor);
  const auto q = queueRemarks(*core.store, snap.index, check, userEmails(core, snap.journal.school.id),
                              core.config.webUrl);
  core.auditLog->append(
      {actor, "check.record", "check:" + std::to_string(check.id), "ok", describe(check), ""});
  std::string out = describe(check) + " Сообщений учителям в очереди: " + std::to_string(q.queued);
  if (!q.withoutAddress.empty())
    out += " (без адреса электронной почты: " + std::to_string(q.withoutAddress.size()) + ")";
  out += ".";
  if (auto r = deliver(core)) out += " Доставка: " + r->summary() + ".";
  return out;
}

void addFollowUpRoutes(ServiceCore& core) {
  core.add(
      "POST", "/api/v1/checks", {Role::Admin, Role::Deputy},
      "Record a check of ?period= or ?from=&to= (optionally ?class=) and send each teacher their remarks",
      [](Call& c) {
        auto snap = c.journal();
        std::string classId;
        if (!c.q("class").empty()) classId = classNamed(snap->index, c.q("class")).id;
        if (!c.q("period").empty() && (!c.q("from").empty() || !c.q("to").empty()))
          throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_parameter",
                         "укажите либо период (?period=), либо даты (?from=&to=), но не вместе", "period");
        if (c.q("period").empty() && (c.q("from").empty() || c.q("to").empty()))
          throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "missing_parameter",
                         "укажите период: ?period=2025-Q1 или ?from=ГГГГ-ММ-ДД&to=ГГГГ-ММ-ДД", "period");
        rules::Scope scope;
        try {
          scope = rules::resolveScope(snap->index, c.q("period"), c.q("from"), c.q("to"), classId, "", "",
                                      *c.core.clock);
        } catch (const Error& e) {
          throw toApiError(e);
        }
        const auto checked = snap->check(scope, rulesConfig());  // kept with the snapshot
        const std::string summary = recordAndNotify(c.core, *snap, scope, *checked, c.who().login);
        auto checks = store::openCheckHistory(*c.core.store)->checks(snap->journal.school.id);
        auto o = checkJson(checks.front());
        o->set("message", summary);
        sendJson(c.res, *o, HTTPResponse::HTTP_CREATED);
      });

  core.add("GET", "/api/v1/checks", {Role::Admin, Role::Deputy, Role::RegionalInspector},
           "The recorded checks, newest first", [](Call& c) {
             auto snap = c.journal();
             auto history = store::openCheckHistory(*c.core.store);
             Poco::JSON::Array list;
             for (const auto& ch : history->checks(snap->journal.school.id)) {
               auto o = checkJson(ch);
               Poco::JSON::Array acks;
               for (const auto& a : history->acknowledgements(ch.id)) {
                 auto x = newObject();
                 x->set("staff", a.staffId);
                 x->set("login", a.login);
                 x->set("at", a.at.toString());
                 acks.add(x);
               }
               o->set("acknowledged", acks);
               list.add(o);
             }
             auto o = newObject();
             o->set("checks", list);
             sendJson(c.res, *o);
           });

  core.add("GET", "/api/v1/me/remarks", {Role::Teacher, Role::ClassTeacher},
           "The caller's remarks of the latest recorded check and whether they acknowledged them",
           [](Call& c) {
             auto snap = c.journal();
             auto history = store::openCheckHistory(*c.core.store);
             const auto checks = history->checks(snap->journal.school.id);
             auto o = newObject();
             Poco::JSON::Array list;
             if (!checks.empty()) {
               const auto& ch = checks.front();
               o->set("check", checkJson(ch));
               for (const auto& t : history->results(ch.id)) {
                 if (t.finding.teacherId != c.who().staffId || t.state == model::FindingState::Corrected)
                   continue;
                 auto x = newObject();
                 const auto& f = t.finding;
                 const auto* info = rules::findRule(f.rule);
                 x->set("rule", f.rule);
                 x->set("title", info ? info->title : f.rule);
                 const auto* cls = snap->index.schoolClass(f.classId);
                 x->set("class_name", cls ? cls->name() : f.classId);
                 const auto* subj = snap->index.subject(f.subjectId);
                 x->set("subject_name", subj ? subj->name : f.subjectId);
                 x->set("date", f.date ? f.date->toString() : std::string());
                 x->set("lesson_id", f.lessonId);
                 x->set("message", f.message);
                 x->set("state", std::string(model::toString(t.state)));
                 x->set("state_title", std::string(model::russianTitle(t.state)));
                 x->set("open_since", t.openedOn.toString());
                 list.add(x);
               }
               bool acked = false;
               for (const auto& a : history->acknowledgements(ch.id))
                 if (a.staffId == c.who().staffId) {
                   acked = true;
                   o->set("acknowledged_at", a.at.toString());
                 }
               o->set("acknowledged", acked);
             }
             o->set("remarks", list);
             sendJson(c.res, *o);
           });

  core.add("POST", "/api/v1/checks/{id}/acknowledge", {Role::Teacher, Role::ClassTeacher},
           "«Ознакомлен(а)»: the caller has read their remarks of the check (audited)", [](Call& c) {
             int64_t id = 0;
             try {
               id = std::stoll(c.param("id"));
             } catch (const std::exception&) {
               throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_parameter",
                              "номер проверки должен быть числом", "id");
             }
             auto history = store::openCheckHistory(*c.core.store);
             const auto recorded = history->check(id);
             if (!recorded || recorded->schoolId != c.school())  // another school's check is not found
               throw ApiError(HTTPResponse::HTTP_NOT_FOUND, "not_found",
                              "проверка № " + c.param("id") + " не записана");
             if (c.who().staffId.empty())
               throw ApiError(HTTPResponse::HTTP_FORBIDDEN, "forbidden",
                              "у пользователя нет кода сотрудника (staffId)");
             const bool first = history->acknowledge(id, c.who().staffId, c.who().login, c.core.clock->now());
             c.audit("check.acknowledge", "check:" + std::to_string(id), "ok",
                     first ? "ознакомлен(а) с замечаниями" : "уже был(а) ознакомлен(а)");
             auto o = newObject();
             o->set("check", id);
             o->set("acknowledged", true);
             o->set("first", first);
             sendJson(c.res, *o);
           });

  ServiceCore* core_ = &core;
  // Delivers the outbox: what failed before is retried; a failure left is the job's failure (retried,
  // reported).
  core.scheduler->setJob("notify", [core_](model::DateTime, const std::string&) {
    auto r = deliver(*core_);
    if (!r)
      return std::string("почтовый сервер не настроен (smtp.host): сообщения ждут на страницах учителей");
    if (r->failed) throw Error(ErrorKind::Internal, "notify", r->summary() + ": " + r->problems.front());
    return r->summary();
  });
  // The class teachers' summaries of yesterday (instruction 3.4), then delivery.
  core.scheduler->setJob(
      "daily-summary",
      [core_](model::DateTime due, const std::string& school) {
        auto snap = core_->cache->get(school);
        const model::Date day = due.date - 1;
        const auto q =
            queueDailySummaries(*core_->store, snap->index, day, userEmails(*core_, snap->journal.school.id));
        std::string out =
            "сводки классным руководителям за " + day.toRussian() + ": " + std::to_string(q.queued);
        if (auto r = deliver(*core_)) {
          out += "; " + r->summary();
          if (r->failed) throw Error(ErrorKind::Internal, "daily-summary", out + ": " + r->problems.front());
        }
        return out;
      },
      JobScope::EachSchool);
}

}  // namespace ejournal::app::service

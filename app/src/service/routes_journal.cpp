// Journal endpoints over rules, reports and render: findings, the deputy director's reports, printed class
// journals, summary sheets and student extracts, each restricted to what the user may see (docs/api.md).
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>

#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/model/text.h"
#include "ejournal/render/render.h"
#include "ejournal/reports/reports.h"
#include "ejournal/rules/rules.h"
#include "followup.h"
#include "service/core.h"
#include "service/scheduler.h"

namespace ejournal::app::service {

const rules::Config& rulesConfig() {
  static const rules::Config config = rules::Config::schoolDefaults();
  return config;
}

using Poco::Net::HTTPResponse;

namespace {

struct Scoped {
  std::shared_ptr<const Snapshot> snap;
  rules::Scope scope;
  Visibility visibility;
};

// rules::resolveScope for query parameters: the messages that would name the CLI's options are said in the
// API's terms, and `where` names the query parameter ("to", not "--to").
rules::Scope resolveApiScope(const model::JournalIndex& index, const std::string& period,
                             const std::string& from, const std::string& to, const std::string& classRef,
                             const std::string& subjectRef, const std::string& teacherRef,
                             const model::Clock& clock) {
  if (!period.empty() && (!from.empty() || !to.empty()))
    throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_parameter",
                   "укажите либо период (?period=), либо даты (?from=&to=), но не вместе", "period");
  if (period.empty() && (from.empty() || to.empty()))
    throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "missing_parameter",
                   "укажите период: ?period=2025-Q1 или ?from=ГГГГ-ММ-ДД&to=ГГГГ-ММ-ДД",
                   from.empty() ? "from" : "to");
  try {
    return rules::resolveScope(index, period, from, to, classRef, subjectRef, teacherRef, clock);
  } catch (const Error& e) {
    throw toApiError(e);
  }
}

// The scope of a findings or report request from ?period, ?from, ?to, ?class, ?subject, restricted to the
// user: a class teacher to their class, a teacher to their own lessons.
Scoped scopeOf(Call& c) {
  Scoped s;
  s.snap = c.journal();
  s.visibility = visibilityOf(c.who(), s.snap->index);
  std::string teacher;
  if (c.who().role == Role::Teacher) teacher = c.who().staffId;
  const std::string classRef = c.q("class");
  const std::string classId = classRef.empty() ? std::string() : classNamed(s.snap->index, classRef).id;
  s.scope = resolveApiScope(s.snap->index, c.q("period"), c.q("from"), c.q("to"), classId, c.q("subject"),
                            teacher, *c.core.clock);
  if (c.who().role == Role::ClassTeacher) {
    if (s.scope.classId.empty()) {
      if (s.visibility.classes.size() != 1)
        throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "missing_parameter",
                       "укажите класс (?class=...): за вами закреплено классов: " +
                           std::to_string(s.visibility.classes.size()),
                       "class");
      s.scope.classId = *s.visibility.classes.begin();
    }
    if (!s.visibility.seesClass(s.scope.classId))
      throw ApiError(HTTPResponse::HTTP_FORBIDDEN, "forbidden",
                     "класс «" + c.q("class") + "» не закреплён за вами как за классным руководителем");
  }
  if (c.who().role == Role::Teacher) {
    if (!s.scope.classId.empty() && !s.visibility.seesAnyOf(s.scope.classId))
      throw ApiError(HTTPResponse::HTTP_FORBIDDEN, "forbidden",
                     "вы не ведёте уроков в классе «" + c.q("class") + "»");
  }
  return s;
}

// The text formats of ?format= (default json); PDF is handled by the callers that have a printed form.
reports::Format formatOf(Call& c, const std::string& what) {
  std::string f = c.q("format", "json");
  auto format = reports::formatFromString(f);
  if (!format)
    throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_parameter",
                   "неизвестный формат «" + f + "» для " + what + ": доступные форматы — json, csv, text",
                   "format");
  return *format;
}

// The report kinds of GET /api/v1/reports/{kind}: Russian titles for messages, and whether the render stage
// prints the kind as a PDF.
struct ReportKind {
  std::string title;
  bool printable;
};
const std::map<std::string, ReportKind>& reportKinds() {
  static const std::map<std::string, ReportKind> kinds = {
      {"control", {"справка по итогам проверки", true}},
      {"program", {"выполнение программы", true}},
      {"results", {"успеваемость", true}},
      {"substitutions", {"замещённые уроки", false}},
      {"forecast", {"прогноз выполнения программы", false}},
  };
  return kinds;
}

// A file name for a report: kind, period (or date range), class and subject, e.g. "control-2025-Q1-5a.pdf".
std::string reportFileName(const std::string& kind, const rules::Scope& scope, const std::string& ext) {
  std::string name = kind + "-" +
                     (scope.periodId.empty() ? scope.dates.from.toString() + "_" + scope.dates.to.toString()
                                             : scope.periodId);
  if (!scope.classId.empty()) name += "-" + scope.classId;
  if (!scope.subjectId.empty()) name += "-" + scope.subjectId;
  return name + "." + ext;
}

std::string contentType(reports::Format f) {
  switch (f) {
    case reports::Format::Json:
      return "application/json; charset=utf-8";
    case reports::Format::Csv:
      return "text/csv; charset=utf-8";
    case reports::Format::Text:
      return "text/plain; charset=utf-8";
  }
  return "application/octet-stream";
}

// A CSV answer in the form ?sep= asks for: ';' with a UTF-8 BOM (the default: what Excel and LibreOffice open
// as columns on a Russian desktop) or ',' (RFC 4180, no BOM).
std::string csvAnswer(const Call& c, const std::string& rfc4180) {
  const std::string sep = c.q("sep", ";");
  if (sep != ";" && sep != ",")
    throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_parameter",
                   "неизвестный разделитель CSV «" + sep + "»: допустимо ; (по умолчанию) или ,", "sep");
  return model::csvInForm(rfc4180, sep == "," ? model::CsvForm::rfc4180() : model::CsvForm{});
}

// The class of a printout request: ?class= (id or name) visible to the user as a whole class.
std::string classOf(Call& c, const Snapshot& snap, const Visibility& v) {
  std::string ref = c.q("class");
  if (ref.empty() && v.classes.size() == 1) ref = *v.classes.begin();
  if (ref.empty())
    throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "missing_parameter", "укажите класс: ?class=5a", "class");
  const model::SchoolClass& cls = classNamed(snap.index, ref);
  if (!v.seesClass(cls.id))
    throw ApiError(HTTPResponse::HTTP_FORBIDDEN, "forbidden",
                   "класс " + cls.name() + " не закреплён за вами");
  return cls.id;
}

void sendPdf(Call& c, const render::Pdf& pdf, const std::string& fileName, const std::string& what) {
  c.audit("download", fileName, "ok", what + ", страниц " + std::to_string(pdf.pages));
  sendBytes(c.res, pdf.bytes, "application/pdf", fileName);
}

}  // namespace

void addJournalRoutes(ServiceCore& core) {
  core.add(
      "GET", "/api/v1/findings",
      {Role::Admin, Role::Deputy, Role::ClassTeacher, Role::Teacher, Role::RegionalInspector},
      "Rule findings: ?period= or ?from=&to=, ?class=, ?subject=, ?format=json|csv|text, ?sep=;|, for CSV",
      [](Call& c) {
        Scoped s = scopeOf(c);
        // The findings have no printed form of their own: they are printed inside the control report and as
        // the deputy's remarks of the class journal.
        if (c.q("format") == "pdf")
          throw ApiError(
              HTTPResponse::HTTP_BAD_REQUEST, "bad_parameter",
              "у списка замечаний нет печатной формы (PDF): доступные форматы — json, csv, text; замечания "
              "печатаются в справке (/api/v1/reports/control?format=pdf) и в классном журнале",
              "format");
        auto format = formatOf(c, "списка замечаний");
        // As `ejournal check`: the rules the data cannot support are named once (not_checked), beside the
        // findings.
        const auto checked = s.snap->check(s.scope, rulesConfig());
        const rules::CheckResult& result = *checked;
        std::ostringstream out;
        switch (format) {
          case reports::Format::Json:
            rules::writeFindingsJson(s.snap->index, s.scope, result, out);
            break;
          case reports::Format::Csv:
            rules::writeFindingsCsv(s.snap->index, result, out);
            break;
          case reports::Format::Text:
            rules::writeFindingsText(s.snap->index, s.scope, result, out);
            break;
        }
        sendBytes(c.res, format == reports::Format::Csv ? csvAnswer(c, out.str()) : out.str(),
                  contentType(format));
      });

  core.add(
      "GET", "/api/v1/reports/{kind}",
      {Role::Admin, Role::Deputy, Role::ClassTeacher, Role::Teacher, Role::RegionalInspector},
      "Reports control|program|results|substitutions|forecast: ?period= or ?from=&to=, ?class=, ?subject=, "
      "?format=json|csv|text (?sep=;|, for CSV), or pdf for control, program and results",
      [](Call& c) {
        const std::string kind = c.param("kind");
        auto known = reportKinds().find(kind);
        if (known == reportKinds().end())
          throw ApiError(
              HTTPResponse::HTTP_NOT_FOUND, "not_found",
              "нет такого отчёта «" + kind + "» (control, program, results, substitutions, forecast)", kind);
        Scoped s = scopeOf(c);
        const bool pdf = c.q("format") == "pdf";
        if (pdf && !known->second.printable)
          throw ApiError(
              HTTPResponse::HTTP_BAD_REQUEST, "bad_parameter",
              "отчёт «" + kind + "» (" + known->second.title +
                  ") не печатается в PDF: доступные форматы — json, csv, text; PDF есть у отчётов control, "
                  "program и results",
              "format");
        const auto format = pdf ? reports::Format::Json : formatOf(c, "отчёта «" + kind + "»");
        const auto now = c.core.clock->now();
        std::ostringstream out;
        const auto& idx = s.snap->index;
        render::RenderOptions opt;
        opt.clock = c.core.clock;
        std::optional<render::Pdf> printed;
        if (kind == "control") {
          const auto checked = s.snap->check(s.scope, rulesConfig());  // kept with the snapshot
          const auto& findings = checked->findings;
          auto report = reports::buildControlReport(idx, s.scope, findings, rulesConfig(), now);
          report.followUp = followUpFor(*c.core.store, idx);  // the recorded checks' follow-up, if any
          if (pdf)
            printed = render::renderControlReport(report, opt);
          else
            reports::write(report, format, out);
        } else if (kind == "program") {
          auto report = reports::buildProgramReport(idx, s.scope, now);
          if (pdf)
            printed = render::renderProgramReport(report, opt);
          else
            reports::write(report, format, out);
        } else if (kind == "results") {
          auto report = reports::buildResultsReport(idx, s.scope, now);
          if (pdf)
            printed = render::renderResultsReport(report, opt);
          else
            reports::write(report, format, out);
        } else if (kind == "substitutions") {
          reports::write(reports::buildSubstitutionsReport(idx, s.scope, now), format, out);
        } else {
          reports::write(reports::buildForecastReport(idx, s.scope, rulesConfig(), now), format, out);
        }
        if (printed) {
          sendPdf(c, *printed, reportFileName(kind, s.scope, "pdf"), "отчёт: " + printed->title);
          return;
        }
        sendBytes(c.res, format == reports::Format::Csv ? csvAnswer(c, out.str()) : out.str(),
                  contentType(format));
      });

  core.add(
      "GET", "/api/v1/printouts/journal", {Role::Admin, Role::Deputy, Role::Secretary, Role::ClassTeacher},
      "The printed class journal (PDF): ?class=&period=, with the deputy's remarks for the class",
      [](Call& c) {
        auto snap = c.journal();
        Visibility v = visibilityOf(c.who(), snap->index);
        std::string classId = classOf(c, *snap, v);
        std::string period = c.q("period");
        if (period.empty())
          throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "missing_parameter",
                         "укажите период: ?period=2025-Q1", "period");
        rules::Scope scope = resolveApiScope(snap->index, period, "", "", classId, "", "", *c.core.clock);
        // A class is kept in the periods of its grade: quarters for grades 1-9, half-years for 10-11 (and the
        // year).
        const model::SchoolClass& cls = *snap->index.schoolClass(classId);
        if (const model::Period* p = snap->index.period(scope.periodId); p && !p->appliesTo(cls.grade))
          throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_parameter",
                         "период «" + scope.periodId + "» (" + scope.periodLabel +
                             ") не относится к классу " + cls.name() + ": он установлен для " +
                             std::to_string(p->gradeFrom) + "–" + std::to_string(p->gradeTo) + " классов",
                         "period");
        // A copy of the kept findings: the follow-up appends the remarks the latest check saw corrected.
        auto remarks = snap->check(scope, rulesConfig())->findings;
        render::RenderOptions opt;
        opt.clock = c.core.clock;
        opt.remarkStatus =
            remarkStatus(*c.core.store, snap->index, classId, remarks);  // recorded checks' follow-up
        render::Pdf pdf = render::renderClassJournal(snap->index, classId, scope.periodId, remarks, opt);
        sendPdf(c, pdf, "journal-" + classId + "-" + scope.periodId + ".pdf", "классный журнал");
      });

  core.add("GET", "/api/v1/printouts/summary",
           {Role::Admin, Role::Deputy, Role::Secretary, Role::ClassTeacher},
           "The summary sheet of a class (PDF): ?class=", [](Call& c) {
             auto snap = c.journal();
             Visibility v = visibilityOf(c.who(), snap->index);
             std::string classId = classOf(c, *snap, v);
             render::RenderOptions opt;
             opt.clock = c.core.clock;
             sendPdf(c, render::renderSummarySheet(snap->index, classId, opt), "summary-" + classId + ".pdf",
                     "сводная ведомость");
           });

  core.add(
      "GET", "/api/v1/extracts/{student}", {Role::Admin, Role::Deputy, Role::Secretary, Role::ClassTeacher},
      "A student's extract (PDF) from the current journal: ?period=", [](Call& c) {
        auto snap = c.journal();
        const model::Student* st = snap->index.student(c.param("student"));
        if (!st)
          throw ApiError(HTTPResponse::HTTP_NOT_FOUND, "not_found",
                         "ученика «" + c.param("student") + "» нет в журнале");
        Visibility v = visibilityOf(c.who(), snap->index);
        if (!v.all) {
          bool mine = false;
          for (const auto& e : st->enrolments) mine = mine || v.seesClass(e.classId);
          if (!mine) throw ApiError(HTTPResponse::HTTP_FORBIDDEN, "forbidden", "ученик не из вашего класса");
        }
        std::string period = c.q("period");
        if (period.empty())
          throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "missing_parameter",
                         "укажите период: ?period=2025-year", "period");
        const model::Period* p = snap->index.period(period);
        if (!p)
          throw ApiError(HTTPResponse::HTTP_NOT_FOUND, "not_found", "периода «" + period + "» нет в журнале",
                         "period");
        bool ofItsGrade = false;
        for (const auto& e : st->enrolments)
          if (const model::SchoolClass* cls = snap->index.schoolClass(e.classId))
            ofItsGrade = ofItsGrade || p->appliesTo(cls->grade);
        if (!ofItsGrade)
          throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_parameter",
                         "период «" + period + "» не относится к классу ученика: он установлен для " +
                             std::to_string(p->gradeFrom) + "–" + std::to_string(p->gradeTo) + " классов",
                         "period");
        render::RenderOptions opt;
        opt.clock = c.core.clock;
        sendPdf(c, render::renderStudentExtract(snap->index, st->id, period, opt),
                "extract-" + st->id + "-" + period + ".pdf", "выписка: " + st->fullName());
      });

  // Monthly: the control report of the previous calendar month, as JSON, text and PDF in
  // <work.dir>/reports/<school>/.
  ServiceCore* core_ = &core;
  core.scheduler->setJob(
      "control-report",
      [core_](model::DateTime due, const std::string& school) {
        int y = due.date.year(), m = due.date.month() - 1;
        if (m == 0) {
          m = 12;
          --y;
        }
        const model::Date from = model::Date::fromYmd(y, m, 1);
        const model::Date to = due.date - due.date.day();  // the last day of the previous month
        auto snap = core_->cache->get(school);
        rules::Scope scope =
            rules::resolveScope(snap->index, "", from.toString(), to.toString(), "", "", "", *core_->clock);
        const auto checked = snap->check(scope, rulesConfig());
        const rules::CheckResult& result = *checked;
        const auto& findings = result.findings;
        // The monthly check is recorded, and each teacher is sent their remarks (docs/followup.md).
        const std::string followUp = recordAndNotify(*core_, *snap, scope, result, "scheduler");
        auto report =
            reports::buildControlReport(snap->index, scope, findings, rulesConfig(), core_->clock->now());
        report.followUp = followUpFor(*core_->store, snap->index);
        char stem[32];
        std::snprintf(stem, sizeof stem, "control-%04d-%02d", y, m);
        // Each school's reports in its own directory, as its archives (work.dir/reports/<school>).
        const auto dir =
            school.empty() ? core_->config.workDir / "reports" : core_->config.workDir / "reports" / school;
        model::createPrivateDirectories(dir);
        std::ostringstream json, text;
        reports::write(report, reports::Format::Json, json);
        reports::write(report, reports::Format::Text, text);
        render::RenderOptions opt;
        opt.clock = core_->clock;
        const render::Pdf pdf = render::renderControlReport(report, opt);
        model::writeFileAtomic(dir / (std::string(stem) + ".json"), json.str());
        model::writeFileAtomic(dir / (std::string(stem) + ".txt"), text.str());
        model::writeFileAtomic(dir / (std::string(stem) + ".pdf"), pdf.bytes);
        return "справка за " + from.toRussian() + "–" + to.toRussian() + ": " + report.conclusion + " (" +
               stem + ".json, .txt, .pdf); " + followUp;
      },
      JobScope::EachSchool);
}

}  // namespace ejournal::app::service

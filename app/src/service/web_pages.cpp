// The web pages of every role (docs/web.md). Each page gets its data from the JSON API routes through callApi
// (web_api.h), so the API's role checks, narrowing, rules, reports and audit apply unchanged; the only things
// read here without an API call are the school's name and periods for the header and menus, and the student
// lists of the classes the API's own visibilityOf lets the user see.
#include "service/web_pages.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "archive_usecases.h"
#include "ejournal/archive/archive.h"
#include "ejournal/model/files.h"
#include "ejournal/model/index.h"
#include "ejournal/store/archive_index.h"
#include "service/core.h"
#include "service/password.h"
#include "service/web_jobs.h"

namespace ejournal::app::service::web {

using Poco::Net::HTTPResponse;
using Query = std::map<std::string, std::string>;

namespace {

std::string jsonBody(const Poco::JSON::Object& o) {
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

std::string queryString(const Query& q) {
  Poco::URI uri("/");
  for (const auto& [k, v] : q)
    if (!v.empty()) uri.addQueryParameter(k, v);
  return uri.getRawQuery();
}

std::string encodePath(const std::string& segment) {
  std::string out;
  Poco::URI::encode(segment, "/?#[]@!$&'()*+,;=% ", out);
  return out;
}

std::string str(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o || !o->has(key) || o->get(key).isEmpty()) return {};
  return o->get(key).toString();
}

double num(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o || !o->has(key) || o->get(key).isEmpty()) return 0;
  return o->get(key).convert<double>();
}

Poco::JSON::Array::Ptr arr(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o || !o->has(key)) return new Poco::JSON::Array;
  auto a = o->getArray(key);
  return a ? a : Poco::JSON::Array::Ptr(new Poco::JSON::Array);
}

ApiError notFound() { return ApiError(HTTPResponse::HTTP_NOT_FOUND, "not_found", "такой страницы нет"); }

void requirePost(const Page& p) {
  if (p.req.getMethod() != "POST")
    throw ApiError(HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                   "эта страница принимает только формы");
}

// The months of the academic year, for the check's month picker.
Data monthChoices(Page& p, const std::string& selected) {
  static const char* names[] = {"январь", "февраль", "март",     "апрель",  "май",    "июнь",
                                "июль",   "август",  "сентябрь", "октябрь", "ноябрь", "декабрь"};
  Data list(Data::type::list);
  auto snap = p.journal();
  if (!snap) return list;
  int y = snap->journal.year.start.year(), m = snap->journal.year.start.month();
  const int endKey = snap->journal.year.end.year() * 12 + snap->journal.year.end.month();
  for (; y * 12 + m <= endKey; ++m) {
    if (m == 13) {
      m = 1;
      ++y;
    }
    char id[8];
    std::snprintf(id, sizeof id, "%04d-%02d", y, m);
    Data d;
    d.set("id", std::string(id));
    d.set("title", std::string(names[m - 1]) + " " + std::to_string(y));
    d.set("selected", selected == id);
    list.push_back(d);
  }
  return list;
}

// The scope of a check or report page: ?month=YYYY-MM, or ?period=, or ?from=&to=, and ?class=; the default
// is the current month. Returns the API query and fills the page data (pickers, a label).
Query scopeQuery(Page& p, Data& d, bool defaultToPeriod) {
  Query q;
  const std::string period = p.q("period"), from = p.q("from"), to = p.q("to");
  std::string month = p.q("month");
  if (!period.empty()) {
    q["period"] = period;
    p.periodShown = period;
  } else if (!from.empty() || !to.empty()) {
    q["from"] = from;
    q["to"] = to;
  } else if (defaultToPeriod && month.empty()) {
    q["period"] = p.currentPeriod();
    p.periodShown = q["period"];
  } else {
    if (month.empty()) {
      const model::Date today = p.core.clock->now().date;
      char id[8];
      std::snprintf(id, sizeof id, "%04d-%02d", today.year(), today.month());
      month = id;
      // Outside the academic year: its last month with lessons is more useful than an empty one.
      if (auto snap = p.journal(); snap && today > snap->journal.year.end) {
        std::snprintf(id, sizeof id, "%04d-%02d", snap->journal.year.end.year(),
                      snap->journal.year.end.month());
        month = id;
      }
    }
    int y = 0, m = 0;
    if (std::sscanf(month.c_str(), "%d-%d", &y, &m) != 2 || m < 1 || m > 12 || y < 2000 || y > 2100)
      throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_parameter",
                     "некорректный месяц «" + month + "» (ГГГГ-ММ)");
    const model::Date first = model::Date::fromYmd(y, m, 1);
    const model::Date last =
        (m == 12 ? model::Date::fromYmd(y + 1, 1, 1) : model::Date::fromYmd(y, m + 1, 1)) - 1;
    q["from"] = first.toString();
    q["to"] = last.toString();
  }
  if (!p.q("class").empty()) q["class"] = p.q("class");
  d.set("months", monthChoices(p, q.count("period") ? std::string() : month));
  d.set("periods", p.periodChoices(q.count("period") ? q["period"] : std::string(), true));
  d.set("from", q.count("from") ? q["from"] : std::string());
  d.set("to", q.count("to") ? q["to"] : std::string());
  d.set("scopeQuery", queryString(q));
  return q;
}

// Copies the scope pickers made by scopeQuery into the page's data.
void merge(Data& to, const Data& from) {
  for (const char* k : {"months", "periods", "from", "to", "scopeQuery"})
    if (const Data* v = from.get(k)) to.set(k, *v);
}

Data classChoices(Page& p, const std::string& selected, bool withSubjects) {
  Data list(Data::type::list);
  auto classes = p.apiJson("GET", "/api/v1/classes");
  for (const auto& v : *arr(classes, "classes")) {
    auto c = v.extract<Poco::JSON::Object::Ptr>();
    Data d = toData(c);
    d.set("selected", str(c, "id") == selected);
    if (!withSubjects) d.set("subjects", false);
    list.push_back(d);
  }
  return list;
}

// A chart's data for charts.js, as a data attribute (escaped by the template engine, read back by the
// browser).
std::string chartJson(const std::string& kind, const std::vector<std::string>& labels,
                      const std::vector<std::pair<std::string, std::vector<double>>>& series) {
  Poco::JSON::Object o;
  o.set("kind", kind);
  Poco::JSON::Array l;
  for (const auto& s : labels) l.add(s);
  o.set("labels", l);
  Poco::JSON::Array sets;
  for (const auto& [name, values] : series) {
    Poco::JSON::Object s;
    s.set("label", name);
    Poco::JSON::Array vals;
    for (double v : values) vals.add(v);
    s.set("data", vals);
    sets.add(s);
  }
  o.set("datasets", sets);
  return jsonBody(o);
}

std::string roleHome(store::Role r) {
  switch (r) {
    case store::Role::Admin:
      return "/users";
    case store::Role::Deputy:
      return "/check";
    case store::Role::Secretary:
      return "/printouts";
    case store::Role::ClassTeacher:
      return "/class";
    case store::Role::Teacher:
      return "/findings";
    case store::Role::Auditor:
      return "/archives";
    case store::Role::RegionalInspector:
      return "/region";
    case store::Role::RegionalAdmin:
      return "/users";
  }
  return "/password";
}

// ---- session pages
// ------------------------------------------------------------------------------------------

void logoutPage(Page& p) {
  requirePost(p);
  p.api("POST", "/api/v1/auth/logout");
  setCookie(p.res, kSessionCookie, "", 0);
  redirect(p.res, "/login?bye=1");
}

void passwordPage(Page& p) {
  if (p.req.getMethod() == "POST") {
    if (p.f("newPassword") != p.f("newPassword2")) {
      p.error = "новый пароль и его повтор не совпадают";
    } else {
      Poco::JSON::Object body;
      body.set("oldPassword", p.f("oldPassword"));
      body.set("newPassword", p.f("newPassword"));
      try {
        p.api("POST", "/api/v1/me/password", {}, jsonBody(body));
        setCookie(p.res, kSessionCookie, "", 0);
        redirect(p.res, "/login?changed=1");
        return;
      } catch (const ApiError& e) {
        p.error = e.what();
      }
    }
  }
  Data d = p.base("Смена пароля", "");
  sendHtml(p.res, render("password", d),
           p.error.empty() ? HTTPResponse::HTTP_OK : HTTPResponse::HTTP_BAD_REQUEST);
}

// ---- deputy: the check, reports, charts
// ---------------------------------------------------------------------

void checkPage(Page& p) {
  Data d;
  Query q = scopeQuery(p, d, false);
  Query json = q;
  json["format"] = "json";
  auto control = p.apiJson("GET", "/api/v1/reports/control", json);
  auto program = p.apiJson("GET", "/api/v1/reports/program", json);
  auto results = p.apiJson("GET", "/api/v1/reports/results", json);
  Data page = p.base("Проверка журнала", "/check");
  merge(page, d);
  page.set("classes", classChoices(p, p.q("class"), false));
  page.set("scopeAction", "/check");
  page.set("showMonths", true);
  page.set("showClasses", true);
  page.set("control", toData(control));
  page.set("program", toData(program));
  page.set("results", toData(results));
  page.set("mayPull", mayCall(p.core, *p.user, "POST", "/api/v1/pull"));
  page.set("mayRecord", mayCall(p.core, *p.user, "POST", "/api/v1/checks"));
  for (const char* k : {"period", "from", "to", "class"})
    if (q.count(k)) page.set(std::string("record_") + k, q.at(k));
  page.set("pullPeriods", p.periodChoices(p.currentPeriod(), true));
  // Charts: program completion per class and subject, findings per rule, results per class.
  std::vector<std::string> labels;
  std::vector<double> percent;
  for (const auto& v : *arr(program, "rows")) {
    auto r = v.extract<Poco::JSON::Object::Ptr>();
    std::string label = str(r, "class_name") + " " + str(r, "subject_name");
    if (!str(r, "subgroup_name").empty()) label += " (" + str(r, "subgroup_name") + ")";
    labels.push_back(label);
    percent.push_back(num(r, "percent"));
  }
  page.set("programChart", chartJson("bar", labels, {{"Выполнение программы, %", percent}}));
  labels.clear();
  std::vector<double> counts;
  for (const auto& v : *arr(control, "totals")) {
    auto r = v.extract<Poco::JSON::Object::Ptr>();
    labels.push_back(str(r, "title"));
    counts.push_back(num(r, "count"));
  }
  page.set("rulesChart", chartJson("bar", labels, {{"Замечаний", counts}}));
  page.set("hasRules", !labels.empty());
  labels.clear();
  std::vector<double> success, quality;
  for (const auto& v : *arr(results, "rows")) {
    auto r = v.extract<Poco::JSON::Object::Ptr>();
    labels.push_back(str(r, "class_name"));
    success.push_back(num(r, "success_percent"));
    quality.push_back(num(r, "quality_percent"));
  }
  page.set("resultsChart",
           chartJson("bar", labels, {{"Успеваемость, %", success}, {"Качество знаний, %", quality}}));
  sendHtml(p.res, render("check", page));
}

// The deputy records the check of the page's scope: the findings' history is kept and each teacher is sent
// their remarks (docs/followup.md). Back to the check page with the outcome.
void recordCheckPage(Page& p) {
  requirePost(p);
  Query q;
  for (const char* k : {"period", "from", "to", "class"})
    if (!p.f(k).empty()) q[k] = p.f(k);
  auto r = p.apiJson("POST", "/api/v1/checks", q);
  p.flash = str(r, "message");
  checkPage(p);
}

// A teacher's remarks of the latest recorded check, with «Ознакомлен(а)» (POST: the acknowledgement, audited
// by the API).
void remarksPage(Page& p) {
  if (p.req.getMethod() == "POST") {
    const std::string id = p.f("check");
    if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) throw notFound();
    auto r = p.apiJson("POST", "/api/v1/checks/" + id + "/acknowledge");
    p.flash = r->optValue<bool>("first", false)
                  ? "Отмечено: Вы ознакомлены с замечаниями проверки"
                  : "Вы уже отметили, что ознакомлены с замечаниями этой проверки";
  }
  auto r = p.apiJson("GET", "/api/v1/me/remarks");
  Data page = p.base("Замечания проверки", "/remarks");
  page.set("remarks", toData(r));
  page.set("hasCheck", r->has("check"));
  page.set("hasRemarks", arr(r, "remarks")->size() > 0);
  page.set("acknowledged", r->optValue<bool>("acknowledged", false));
  sendHtml(p.res, render("remarks", page));
}

// Substitutions and the forecast as tables, with the check's scope.
void reportPage(Page& p) {
  const std::string kind = p.q("kind");
  if (kind != "substitutions" && kind != "forecast") throw notFound();
  Data d;
  Query q = scopeQuery(p, d, false);
  Query json = q;
  json["format"] = "json";
  auto report = p.apiJson("GET", "/api/v1/reports/" + kind, json);
  Data page = p.base(kind == "substitutions" ? "Замещённые уроки" : "Прогноз выполнения программы", "/check");
  merge(page, d);
  page.set("classes", classChoices(p, p.q("class"), false));
  page.set("kind", kind);
  page.set("kindParam", kind);
  page.set("scopeAction", "/report");
  page.set("showMonths", true);
  page.set("showClasses", true);
  page.set("report", toData(report));
  page.set(kind, true);
  sendHtml(p.res, render("report", page));
}

// ---- teachers: their findings; class teacher: their class -------------------------------------------------

void findingsPage(Page& p) {
  Data d;
  Query q = scopeQuery(p, d, true);
  Query json = q;
  json["format"] = "json";
  // The control report, narrowed by the API to the user's own lessons (teacher) or class (class teacher): the
  // findings grouped by class and subject, each with its date, lesson and what is wrong.
  auto control = p.apiJson("GET", "/api/v1/reports/control", json);
  Data page = p.base("Мои замечания", "/findings");
  merge(page, d);
  page.set("classes", classChoices(p, p.q("class"), false));
  page.set("scopeAction", "/findings");
  page.set("showMonths", true);
  page.set("showClasses", true);
  page.set("control", toData(control));
  page.set("deadline", russianDate(str(control->getObject("header"), "to")));
  sendHtml(p.res, render("findings", page));
}

void classPage(Page& p) {
  Data d;
  Query q = scopeQuery(p, d, true);
  Query json = q;
  json["format"] = "json";
  auto results = p.apiJson("GET", "/api/v1/reports/results", json);
  Query statsQuery;
  if (!p.q("class").empty()) statsQuery["class"] = p.q("class");
  auto stats = p.apiJson("GET", "/api/v1/stats", statsQuery);
  Data page = p.base("Мой класс", "/class");
  merge(page, d);
  page.set("scopeAction", "/class");
  page.set("results", toData(results));
  Data rows(Data::type::list);
  for (const auto& v : *arr(stats, "stats")) {
    auto s = v.extract<Poco::JSON::Object::Ptr>();
    Data r = toData(s);
    r.set("periodTitle", p.periodTitle(str(s, "periodId")));
    rows.push_back(r);
  }
  page.set("stats", rows);
  sendHtml(p.res, render("class", page));
}

// ---- secretary: printouts, sealing
// ----------------------------------------------------------------------------

// The page count of a PDF written by libharu (one "/Type /Page" dictionary per page, uncompressed).
int pdfPages(const std::string& pdf) {
  int n = 0;
  for (size_t pos = pdf.find("/Type /Page"); pos != std::string::npos; pos = pdf.find("/Type /Page", pos + 1))
    if (pos + 11 >= pdf.size() || pdf[pos + 11] != 's') ++n;
  return n;
}

std::string printKey(const std::string& period) { return "print:" + period; }

void printoutsPage(Page& p) {
  // The page is built from the printouts endpoint: its roles, not /classes's, may see it.
  const Route* route = findRoute(p.core, "GET", "/api/v1/printouts/journal");
  if (!route) throw notFound();
  requireAllowed(*route, p.caller());
  const std::string period = p.q("period", p.currentPeriod());
  p.periodShown = period;
  auto classes = p.apiJson("GET", "/api/v1/classes");
  Data page = p.base("Печать журналов", "/printouts");
  page.set("periods", p.periodChoices(period, true));
  page.set("period", period);
  page.set("periodTitle", p.periodTitle(period));
  // Page and sheet counts from the latest finished print of this period.
  std::map<std::string, std::pair<std::string, std::string>> counts;
  std::optional<WebTask> running, last;
  for (const auto& t : webTasks(p.core).list()) {
    if (t.key != printKey(period)) continue;
    if (t.state == WebTask::State::Running && !running) running = t;
    if (t.state == WebTask::State::Done && !last) last = t;
  }
  if (last)
    for (const auto& r : last->rows)
      if (r.size() >= 4) counts[r[0]] = {r[2], r[3]};
  auto snap = p.journal();
  std::optional<Visibility> vis;
  if (snap) vis = visibilityOf(*p.user, snap->index);  // the API's own rule for whose students a user may see
  Data list(Data::type::list);
  for (const auto& v : *arr(classes, "classes")) {
    auto c = v.extract<Poco::JSON::Object::Ptr>();
    Data d = toData(c);
    const std::string id = str(c, "id");
    d.set("query", queryString({{"class", id}, {"period", period}}));
    d.set("summaryQuery", queryString({{"class", id}}));
    if (auto it = counts.find(str(c, "name")); it != counts.end()) {
      d.set("pages", it->second.first);
      d.set("sheets", it->second.second);
    }
    if (snap && vis && vis->seesClass(id)) {
      Data students(Data::type::list);
      const model::Period* per = snap->index.period(period);
      std::string yearId;
      for (const auto& pp : snap->journal.periods)
        if (pp.kind == model::PeriodKind::Year) yearId = pp.id;
      for (const auto& st : snap->journal.students) {
        bool inClass = false;
        for (const auto& e : st.enrolments) inClass = inClass || e.classId == id;
        if (!inClass) continue;
        Data s;
        s.set("name", st.fullName());
        s.set("query", queryString({{"period", per ? period : yearId}}));
        s.set("yearQuery", queryString({{"period", yearId}}));
        s.set("id", encodePath(st.id));
        students.push_back(s);
      }
      d.set("students", students);
    }
    list.push_back(d);
  }
  page.set("classes", list);
  if (running) page.set("runningTask", running->id);
  if (last) {
    page.set("lastTask", last->id);
    page.set("lastFinished", last->finished ? last->finished->toRussian() : std::string());
  }
  page.set("maySeal", mayCall(p.core, *p.user, "POST", "/api/v1/archives"));
  sendHtml(p.res, render("printouts", page));
}

void printAll(Page& p) {
  requirePost(p);
  const std::string period = p.f("period");
  if (period.empty()) throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "missing_field", "выберите период");
  // The permission of the work itself, before starting it (and again on every API call it makes).
  const Route* route = findRoute(p.core, "GET", "/api/v1/printouts/journal");
  if (!route) throw notFound();
  requireAllowed(*route, p.caller());
  WebTask task;
  task.key = printKey(period);
  task.title = "Печать классных журналов: " + p.periodTitle(period);
  task.owner = p.user->login;
  task.method = "GET";
  task.pattern = "/api/v1/printouts/journal";
  task.columns = {"Класс", "Итог", "Страниц", "Листов"};
  ServiceCore& core = p.core;
  const Caller caller = p.caller();
  const std::string title = p.periodTitle(period);
  std::string id = webTasks(core).start(
      task, [&core, caller, period, title](const TaskUpdate& update, const std::filesystem::path& dir) {
        auto classes = callApi(core, caller, "GET", "/api/v1/classes").json();
        auto list = arr(classes, "classes");
        update([&](WebTask& t) {
          t.total = static_cast<int>(list->size());
          t.step = "получен список классов";
        });
        std::vector<std::pair<std::string, std::string>> files;
        int pagesTotal = 0, printed = 0;
        for (size_t i = 0; i < list->size(); ++i) {
          auto c = list->getObject(static_cast<unsigned>(i));
          const std::string id = str(c, "id"), name = str(c, "name");
          update([&](WebTask& t) { t.step = "печатается журнал " + name; });
          std::vector<std::string> row = {name, "", "", ""};
          try {
            ApiAnswer a = callApi(core, caller, "GET", "/api/v1/printouts/journal",
                                  {{"class", id}, {"period", period}});
            const int pages = pdfPages(a.body);
            pagesTotal += pages;
            ++printed;
            files.emplace_back("journal-" + id + "-" + period + ".pdf", std::move(a.body));
            row = {name, "напечатан", std::to_string(pages), std::to_string((pages + 1) / 2)};
          } catch (const ApiError& e) {
            if (e.status() != HTTPResponse::HTTP_BAD_REQUEST) throw;
            row[1] = e.what();  // a period not of the class's grade
          }
          update([&](WebTask& t) {
            t.rows.push_back(row);
            t.done = static_cast<int>(i + 1);
          });
        }
        if (files.empty())
          throw Error(ErrorKind::Input, period, "нет классов, для которых печатается этот период");
        const std::string zipName = "journals-" + period + ".zip";
        model::writeFileAtomic(dir / zipName, zipStored(files));
        update([&](WebTask& t) {
          t.file = dir / zipName;
          t.fileName = zipName;
          t.fileType = "application/zip";
          t.message = "Напечатано журналов: " + std::to_string(printed) +
                      ", страниц всего: " + std::to_string(pagesTotal) + " (" + title + ")";
        });
      });
  redirect(p.res, "/tasks/" + id);
}

void sealPage(Page& p) {
  requirePost(p);
  const std::string period = p.f("period");
  const bool correction = p.f("correction") == "1";
  const std::string reason = p.f("reason");
  const Route* route = findRoute(p.core, "POST", "/api/v1/archives");
  if (!route) throw notFound();
  requireAllowed(*route, p.caller());
  WebTask task;
  task.key = "seal:" + period;
  task.title =
      std::string(correction ? "Исправление архива: " : "Запечатывание периода: ") + p.periodTitle(period);
  task.owner = p.user->login;
  task.method = "POST";
  task.pattern = "/api/v1/archives";
  task.total = 2;
  ServiceCore& core = p.core;
  const Caller caller = p.caller();
  std::string id = webTasks(core).start(task, [&core, caller, period, correction, reason](
                                                  const TaskUpdate& update, const std::filesystem::path&) {
    update([](WebTask& t) { t.step = "печать документов периода, подпись и запись архива"; });
    Poco::JSON::Object body;
    body.set("period", period);
    if (correction) {
      body.set("correction", true);
      body.set("reason", reason);
    }
    auto a = callApi(core, caller, "POST", "/api/v1/archives", {}, jsonBody(body)).json();
    update([](WebTask& t) {
      t.done = 1;
      t.step = "проверка запечатанного архива";
    });
    const std::string archiveId = str(a, "id");
    auto v = callApi(core, caller, "GET", "/api/v1/archives/" + encodePath(archiveId) + "/verify").json();
    std::string notes;
    for (const auto& n : *arr(v, "notes")) notes += (notes.empty() ? "" : "; ") + n.toString();
    update([&](WebTask& t) {
      t.done = 2;
      t.outcome = {{"Архив", archiveId},
                   {"Период", str(a, "periodTitle")},
                   {"Версия", str(a, "version")},
                   {"Документов", std::to_string(arr(a, "documents")->size())},
                   {"SHA-256 манифеста", str(a, "manifestSha256")},
                   {"Запечатал", str(a, "createdBy")},
                   {"Подпись и проверка",
                    std::string(v->getValue<bool>("ok") ? "архив проверен: " : "ОШИБКА: ") + notes},
                   {"Срок хранения", str(a, "retentionYears") + " лет, уничтожение не ранее " +
                                         russianDate(str(a, "earliestDisposal"))}};
      if (!str(a, "reason").empty()) t.outcome.push_back({"Причина исправления", str(a, "reason")});
      t.message = "Период запечатан в архив " + archiveId;
      t.file.clear();
      t.fileName = archiveId;  // downloaded through the API's archive download
    });
  });
  redirect(p.res, "/tasks/" + id);
}

// ---- auditor: archives
// ------------------------------------------------------------------------------------------

void archivesPage(Page& p) {
  auto list = p.apiJson("GET", "/api/v1/archives");
  Data page = p.base("Архивы", "/archives");
  Data archives(Data::type::list);
  const bool verifyAll = p.q("verify") == "all";
  int bad = 0;
  for (const auto& v : *arr(list, "archives")) {
    auto a = v.extract<Poco::JSON::Object::Ptr>();
    Data d = toData(a);
    d.set("href", "/archives/" + encodePath(str(a, "id")));
    if (verifyAll) {
      auto r = p.apiJson("GET", "/api/v1/archives/" + encodePath(str(a, "id")) + "/verify");
      const bool ok = r->getValue<bool>("ok");
      bad += ok ? 0 : 1;
      d.set("verified", true);
      d.set("ok", ok);
      d.set("problems", toData(Poco::Dynamic::Var(arr(r, "problems"))));
    }
    archives.push_back(d);
  }
  page.set("archives", archives);
  page.set("none", arr(list, "archives")->size() == 0);
  if (verifyAll) {
    // The chain between the archives as well: the use case of `ejournal verify --all`, trusting what the
    // API's verify trusts (archive.ca, else archive.cert).
    const std::string school = schoolFor(p.core, *p.user, p.school());
    const std::vector<std::string> ca = p.core.config.trustOf(school);
    archive::Archive all(archiveDirOf(p.core, school), archive::posixFileSystem(), p.core.clock);
    auto chain = all.verifyAll(verifyOptions(ca));
    callApiAudit(p, "verify", "все архивы", chain.ok() ? "ok" : "failed");
    Data problems(Data::type::list), notes(Data::type::list);
    for (const auto& pr : chain.problems) problems.push_back(Data(pr.toString()));
    for (const auto& n : chain.notes) notes.push_back(Data(n));
    page.set("chainOk", chain.ok());
    page.set("chainProblems", problems);
    page.set("chainNotes", notes);
    page.set("verifiedAll", true);
    page.set("allOk", bad == 0 && chain.ok());
    page.set("badCount", std::to_string(bad));
  }
  // Search in the archive index: the CLI's `ejournal archive find` (the same index and query), for the roles
  // that may read archives.
  const std::string student = p.q("student"), cls = p.q("class"), subject = p.q("subject"),
                    year = p.q("year");
  page.set("student", student);
  page.set("class", cls);
  page.set("subject", subject);
  page.set("year", year);
  if (!student.empty() || !cls.empty() || !subject.empty() || !year.empty()) {
    archive::Archive store(archiveDirOf(p.core, schoolFor(p.core, *p.user, p.school())),
                           archive::posixFileSystem(), p.core.clock);
    auto index = store::openArchiveIndex(*p.core.store);
    store::ArchiveIndexQuery q;
    q.directory = std::filesystem::absolute(store.directory()).lexically_normal().string();
    if (index->archives(q.directory).empty() && !store.list().empty()) reindexArchives(*p.core.store, store);
    if (!year.empty()) {
      int y = 0;
      if (std::sscanf(year.c_str(), "%d", &y) != 1 || y < 2000 || y > 2100)
        throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_parameter", "учебный год — число, например 2025");
      q.year = y;
    }
    if (!student.empty()) q.tags["student"].push_back(student);
    if (!cls.empty()) q.tags["class"].push_back(cls);
    if (!subject.empty()) q.tags["subject"].push_back(subject);
    Data hits(Data::type::list);
    auto found = index->find(q);
    for (const auto& h : found) {
      Data d;
      d.set("archive", h.fileName);
      d.set("href", "/archives/" + encodePath(h.fileName));
      d.set("document", h.document);
      d.set("title", h.title);
      d.set("kind", h.kind);
      d.set("memberQuery", queryString({{"name", h.document}}));
      d.set("archivePath", encodePath(h.fileName));
      hits.push_back(d);
    }
    page.set("searched", true);
    page.set("hits", hits);
    page.set("hitCount", std::to_string(found.size()));
  }
  sendHtml(p.res, render("archives", page));
}

void archivePage(Page& p, const std::string& id) {
  auto a = p.apiJson("GET", "/api/v1/archives/" + encodePath(id));
  Data page = p.base("Архив " + id, "/archives");
  Data d = toData(a);
  page.set("archive", d);
  page.set("archivePath", encodePath(id));
  Data docs(Data::type::list);
  for (const auto& v : *arr(a, "documents")) {
    auto doc = v.extract<Poco::JSON::Object::Ptr>();
    Data x = toData(doc);
    x.set("memberQuery", queryString({{"name", str(doc, "name")}}));
    x.set("kb", number(num(doc, "size") / 1024.0, 1));
    docs.push_back(x);
  }
  page.set("documents", docs);
  if (p.q("verify") == "1") {
    const bool content = p.q("content") == "1";
    std::map<std::string, std::string> query;
    if (content) query["content"] = "1";
    auto r = p.apiJson("GET", "/api/v1/archives/" + encodePath(id) + "/verify", query);
    page.set("verified", true);
    page.set("verify", toData(r));
    page.set("ok", r->getValue<bool>("ok"));
  }
  sendHtml(p.res, render("archive", page));
}

// A student's extract from archived data: the use case of `ejournal archive extract-student`, for the roles
// that may read archive documents.
void archiveExtract(Page& p) {
  const Route* route = findRoute(p.core, "GET", "/api/v1/archives/{id}/member");
  if (!route) throw notFound();
  requireAllowed(*route, p.caller());
  const std::string student = p.q("student");
  int year = 0;
  if (student.empty() || std::sscanf(p.q("year").c_str(), "%d", &year) != 1)
    throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "missing_parameter",
                   "укажите ученика («Фамилия Имя») и учебный год (например, 2025)");
  archive::Archive archives(archiveDirOf(p.core, schoolFor(p.core, *p.user, p.school())),
                            archive::posixFileSystem(), p.core.clock);
  StudentExtract ex;
  try {
    ex = extractStudent(archives, student, year, p.core.clock);
  } catch (const Error& e) {
    callApiAudit(p, "download", "extract:" + student, "failed", e.what());
    throw;
  }
  callApiAudit(p, "download", ex.archive + ":extract", "ok", "выписка из архива: " + ex.student);
  sendBytes(p.res, ex.pdf.bytes, "application/pdf", "extract-" + std::to_string(year) + ".pdf");
}

// ---- audit log
// ------------------------------------------------------------------------------------------------

void auditPage(Page& p) {
  Query q;
  for (const char* k : {"after", "actor", "action"})
    if (!p.q(k).empty()) q[k] = p.q(k);
  q["limit"] = "200";
  auto records = p.apiJson("GET", "/api/v1/audit", q);
  auto verify = p.apiJson("GET", "/api/v1/audit/verify");
  Data page = p.base("Журнал аудита", "/audit");
  page.set("records", toData(Poco::Dynamic::Var(arr(records, "records"))));
  page.set("verify", toData(verify));
  page.set("actor", p.q("actor"));
  page.set("action", p.q("action"));
  sendHtml(p.res, render("audit", page));
}

// ---- administrator
// ----------------------------------------------------------------------------------------------

void usersPage(Page& p) {
  HTTPResponse::HTTPStatus status = HTTPResponse::HTTP_OK;
  if (p.req.getMethod() == "POST") {
    Poco::JSON::Object body;
    for (const char* k : {"login", "fullName", "role", "staffId", "password"})
      if (!p.f(k).empty()) body.set(k, p.f(k));
    // The regional administrator creates a user of the school chosen (or named in the form).
    if (p.user->role == store::Role::RegionalAdmin) {
      const std::string school = p.f("school").empty() ? p.school() : p.f("school");
      if (!school.empty()) body.set("school", school);
    }
    try {
      p.api("POST", "/api/v1/users", {}, jsonBody(body));
      p.flash = "Пользователь «" + p.f("login") + "» создан";
    } catch (const ApiError& e) {
      p.error = e.what();
      status = e.status();
    }
  }
  auto users = p.apiJson("GET", "/api/v1/users");
  Data page = p.base("Пользователи", "/users");
  Data list(Data::type::list);
  for (const auto& v : *arr(users, "users")) {
    auto u = v.extract<Poco::JSON::Object::Ptr>();
    Data d = toData(u);
    d.set("path", encodePath(str(u, "login")));
    d.set("locked", !str(u, "lockedUntil").empty());
    list.push_back(d);
  }
  page.set("users", list);
  Data roles(Data::type::list);
  for (auto r : {store::Role::Teacher, store::Role::ClassTeacher, store::Role::Deputy, store::Role::Secretary,
                 store::Role::Auditor, store::Role::Admin}) {
    Data d;
    d.set("id", std::string(store::toString(r)));
    d.set("title", std::string(store::russianTitle(r)));
    d.set("selected", p.f("role") == store::toString(r));
    roles.push_back(d);
  }
  page.set("roles", roles);
  if (p.user->role == store::Role::RegionalAdmin && !p.school().empty()) page.set("formSchool", p.school());
  if (status != HTTPResponse::HTTP_OK) {
    page.set("formLogin", p.f("login"));
    page.set("formFullName", p.f("fullName"));
    page.set("formStaffId", p.f("staffId"));
  }
  sendHtml(p.res, render("users", page), status);
}

void userAction(Page& p, const std::string& login) {
  requirePost(p);
  const std::string action = p.f("action");
  Poco::JSON::Object body;
  std::string done;
  if (action == "disable") {
    body.set("disabled", true);
    done = "отключён";
  } else if (action == "enable") {
    body.set("disabled", false);
    done = "включён";
  } else if (action == "unlock") {
    body.set("unlock", true);
    done = "разблокирован";
  } else if (action == "password") {
    body.set("password", p.f("password"));
    done = "получил новый пароль";
  } else {
    throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_field", "неизвестное действие");
  }
  try {
    p.api("PATCH", "/api/v1/users/" + encodePath(login), {}, jsonBody(body));
    p.flash = "Пользователь «" + login + "» " + done;
  } catch (const ApiError& e) {
    if (e.status() == HTTPResponse::HTTP_FORBIDDEN || e.status() == HTTPResponse::HTTP_UNAUTHORIZED) throw;
    p.error = e.what();
  }
  p.req.setMethod("GET");
  usersPage(p);
}

void jobsPage(Page& p) {
  auto jobs = p.apiJson("GET", "/api/v1/jobs");
  Data page = p.base("Задания", "/jobs");
  page.set("jobs", toData(Poco::Dynamic::Var(arr(jobs, "jobs"))));
  page.set("mayRun", mayCall(p.core, *p.user, "POST", "/api/v1/jobs/{name}/run"));
  page.set("mayPull", mayCall(p.core, *p.user, "POST", "/api/v1/pull"));
  page.set("pullPeriods", p.periodChoices(p.currentPeriod(), true));
  // The service's health, from /healthz.
  try {
    page.set("health", toData(p.apiJson("GET", "/healthz")));
  } catch (const ApiError&) {
  }
  Data tasks(Data::type::list);
  for (const auto& t : webTasks(p.core).list()) {
    if (!mayCall(p.core, *p.user, t.method, t.pattern)) continue;
    Data d;
    d.set("id", t.id);
    d.set("title", t.title);
    d.set("owner", t.owner);
    d.set("started", t.started.toRussian());
    d.set("state", std::string(t.state == WebTask::State::Running ? "выполняется"
                               : t.state == WebTask::State::Done  ? "готово"
                                                                  : "ошибка"));
    tasks.push_back(d);
  }
  page.set("tasks", tasks);
  sendHtml(p.res, render("jobs", page));
}

void runJob(Page& p, const std::string& name) {
  requirePost(p);
  try {
    auto run = p.apiJson("POST", "/api/v1/jobs/" + encodePath(name) + "/run");
    p.flash = "Задание «" + name + "» выполнено: " + str(run, "message");
  } catch (const ApiError& e) {
    if (e.status() == HTTPResponse::HTTP_FORBIDDEN || e.status() == HTTPResponse::HTTP_UNAUTHORIZED) throw;
    p.error = "Задание «" + name + "»: " + e.what();
  }
  p.req.setMethod("GET");
  jobsPage(p);
}

void pullPage(Page& p) {
  requirePost(p);
  const std::string period = p.f("period");
  const Route* route = findRoute(p.core, "POST", "/api/v1/pull");
  if (!route) throw notFound();
  requireAllowed(*route, p.caller());
  WebTask task;
  task.key = "pull";
  task.title = "Выгрузка из dnevnik.ru: " + p.periodTitle(period);
  task.owner = p.user->login;
  task.method = "POST";
  task.pattern = "/api/v1/pull";
  task.total = 1;
  ServiceCore& core = p.core;
  const Caller caller = p.caller();
  std::string id = webTasks(core).start(
      task, [&core, caller, period](const TaskUpdate& update, const std::filesystem::path&) {
        update([](WebTask& t) { t.step = "запросы к dnevnik.ru"; });
        Poco::JSON::Object body;
        body.set("period", period);
        auto r = callApi(core, caller, "POST", "/api/v1/pull", {}, jsonBody(body)).json();
        update([&](WebTask& t) {
          t.done = 1;
          for (const auto& [k, v] : *r)
            if (!v.isEmpty() && !v.isArray() && v.type() != typeid(Poco::JSON::Object::Ptr))
              t.outcome.push_back({k, v.toString()});
          t.message = "Выгрузка завершена";
        });
      });
  redirect(p.res, "/tasks/" + id);
}

void backupsPage(Page& p) {
  if (p.req.getMethod() == "POST") {
    auto r = p.apiJson("POST", "/api/v1/backups");
    p.flash = "Резервная копия создана: " + str(r, "file");
  }
  auto list = p.apiJson("GET", "/api/v1/backups");
  Data page = p.base("Резервные копии", "/backups");
  page.set("backups", toData(list));
  sendHtml(p.res, render("backups", page));
}

// ---- regional roles: the region's schools, the school chooser
// ---------------------------------------------------------------

void requireRegional(const Page& p) {
  if (!store::isRegional(p.user->role))
    throw ApiError(HTTPResponse::HTTP_FORBIDDEN, "forbidden",
                   "недостаточно прав: страница школ региона — для методиста управления образования и "
                   "администратора региона; роль «" +
                       std::string(store::russianTitle(p.user->role)) + "» работает со своей школой");
}

// The page a regional user lands on after choosing a school: the inspector's check of its journal, the
// regional administrator's list of its users.
std::string schoolHome(store::Role r) { return r == store::Role::RegionalInspector ? "/check" : "/users"; }

// A figure of the regional report's JSON, or «—» when it has nothing to divide by (null).
std::string figure(const Poco::JSON::Object::Ptr& o, const std::string& key, int decimals) {
  if (!o || !o->has(key) || o->get(key).isEmpty()) return "—";
  return number(o->get(key).convert<double>(), decimals);
}

Data regionalRow(const Poco::JSON::Object::Ptr& r, const std::string& chosen) {
  Data d;
  const std::string id = str(r, "school");
  d.set("id", id);
  d.set("short", str(r, "school_short"));
  d.set("name", str(r, "school_name"));
  d.set("chosen", !id.empty() && id == chosen);
  d.set("chooseQuery", queryString({{"id", id}}));
  d.set("lessons", str(r, "lessons_held"));
  d.set("topicsPercent", figure(r, "topics_on_time_percent", 1));
  d.set("marksPerLesson", figure(r, "marks_per_lesson", 2));
  d.set("workMarks", str(r, "work_marks"));
  d.set("lateWorkMarks", str(r, "late_work_marks"));
  d.set("latePer100", figure(r, "late_work_marks_per_100", 1));
  d.set("programPercent", figure(r, "program_percent", 1));
  d.set("linesBehind", str(r, "lines_behind"));
  d.set("programLines", str(r, "program_lines"));
  const std::string open = str(r, "open_findings");  // null: the school was never checked
  d.set("openFindings", open.empty() ? std::string("—") : open);
  Data byRule(Data::type::list);
  for (const auto& v : *arr(r, "open_by_rule")) byRule.push_back(toData(v));
  d.set("hasOpenByRule", arr(r, "open_by_rule")->size() > 0);
  d.set("openByRule", byRule);
  const std::string check = str(r, "last_check");
  d.set("lastCheck", check.empty() ? std::string("не проводилась") : russianDate(check));
  d.set("checked", !check.empty());
  const std::string seal = str(r, "last_seal_period");
  d.set("sealed", !seal.empty());
  if (!seal.empty()) {
    d.set("sealTitle", str(r, "last_seal_title"));
    d.set("sealAt", russianDate(str(r, "last_seal_at")));
  }
  return d;
}

// The stored schools for the chooser, with the one chosen marked.
Data schoolChoices(Page& p, const std::map<std::string, int>& usersBySchool, bool withUsers) {
  Data list(Data::type::list);
  const std::string chosen = p.school();
  for (const auto& sch : p.core.store->schoolList()) {
    Data d;
    d.set("id", sch.id);
    d.set("short", sch.shortName.empty() ? sch.id : sch.shortName);
    d.set("name", sch.fullName);
    d.set("chosen", sch.id == chosen);
    d.set("chooseQuery", queryString({{"id", sch.id}}));
    d.set("usersQuery", queryString({{"school", sch.id}}));
    if (withUsers) {
      auto it = usersBySchool.find(sch.id);
      d.set("users", std::to_string(it == usersBySchool.end() ? 0 : it->second));
    }
    list.push_back(d);
  }
  return list;
}

// The periods offered for the regional report: those of the chosen school's journal, else of the first
// stored school's (every school's journal names its quarters alike: 2025-Q1 ...).
std::shared_ptr<const Snapshot> referenceJournal(Page& p) {
  if (auto snap = p.journal()) return snap;
  const auto schools = p.core.store->schools();
  if (schools.empty()) return nullptr;
  try {
    return p.core.cache->get(schools.front());
  } catch (const ApiError&) {
    return nullptr;
  }
}

// /region: the inspector's comparison of the region's schools for a period, with the school chooser; the
// regional administrator's list of schools with their users.
void regionPage(Page& p) {
  requireRegional(p);
  const bool inspector = p.user->role == store::Role::RegionalInspector;
  Data page = p.base(inspector ? "Школы региона: сравнительный отчёт" : "Школы региона", "/region");
  if (p.q("choose") == "1")
    page.set("notice", std::string("Выберите школу, с журналом которой вы будете работать"));
  page.set("inspector", inspector);
  const std::string chosen = p.school();
  if (!chosen.empty()) page.set("chosenId", chosen);
  if (!inspector) {
    std::map<std::string, int> users;
    int regional = 0;
    const auto list = p.apiJson("GET", "/api/v1/users", {{"school", ""}});  // every school's
    for (const auto& v : *arr(list, "users")) {
      auto u = v.extract<Poco::JSON::Object::Ptr>();
      if (str(u, "school").empty())
        ++regional;
      else
        ++users[str(u, "school")];
    }
    page.set("schools", schoolChoices(p, users, true));
    page.set("regionalUsers", std::to_string(regional));
    sendHtml(p.res, render("region", page));
    return;
  }
  page.set("schools", schoolChoices(p, {}, false));
  auto ref = referenceJournal(p);
  Query q;
  std::string period = p.q("period");
  const std::string from = p.q("from"), to = p.q("to");
  if (period.empty() && (from.empty() || to.empty()) && ref)
    period = currentPeriodOf(ref->journal, p.core.clock->now().date);
  if (!period.empty()) {
    q["period"] = period;
  } else {
    q["from"] = from;
    q["to"] = to;
  }
  Data periods(Data::type::list);
  if (ref)
    for (const auto& per : ref->journal.periods) {
      Data d;
      d.set("id", per.id);
      d.set("title", model::russianPeriodName(per, ref->journal.year.startYear));
      d.set("selected", per.id == period);
      periods.push_back(d);
    }
  page.set("periods", periods);
  page.set("from", from);
  page.set("to", to);
  page.set("reportQuery", queryString(q));
  Query json = q;
  json["format"] = "json";
  json["school"] = "";  // the comparison is of every school, whichever is chosen
  auto report = p.apiJson("GET", "/api/v1/region/report", json);
  auto header = report->getObject("header");
  page.set("periodLabel", str(header, "period_label"));
  page.set("academicYear", str(header, "academic_year"));
  page.set("from_ru", russianDate(str(header, "from")));
  page.set("to_ru", russianDate(str(header, "to")));
  page.set("asOf_ru", russianDate(str(header, "as_of")));
  page.set("created_ru", russianDate(str(header, "created")));
  Data rows(Data::type::list);
  std::vector<std::string> labels;
  std::vector<double> topics, program;
  for (const auto& v : *arr(report, "rows")) {
    auto r = v.extract<Poco::JSON::Object::Ptr>();
    rows.push_back(regionalRow(r, chosen));
    labels.push_back(str(r, "school_short"));
    topics.push_back(num(r, "topics_on_time_percent"));
    program.push_back(num(r, "program_percent"));
  }
  page.set("rows", rows);
  page.set("total", regionalRow(report->getObject("total"), ""));
  page.set("schoolsCount", str(report, "schools"));
  page.set("schoolsChecked", str(report, "schools_checked"));
  page.set("schoolsSealed", str(report, "schools_sealed"));
  page.set("chart",
           chartJson("bar", labels,
                     {{"Темы записаны в день урока, %", topics}, {"Выполнение программы, %", program}}));
  page.set("hasChart", !labels.empty());
  sendHtml(p.res, render("region", page));
}

// /region/school?id=...: a regional user chooses the school the other pages are about (the cookie
// ejournal_school); an empty id forgets the choice. Then to the school's page for the role.
void regionSchoolPage(Page& p) {
  requireRegional(p);
  const std::string id = p.q("id", p.f("id"));
  if (id.empty()) {
    setCookie(p.res, kSchoolCookie, "", 0);
    redirect(p.res, "/region");
    return;
  }
  schoolFor(p.core, *p.user, id);  // 404 for a school the store does not hold
  std::string value;
  Poco::URI::encode(id, ";,= \"\\", value);
  setCookie(p.res, kSchoolCookie, value, -1);
  redirect(p.res, schoolHome(p.user->role));
}

// ---- tasks
// ------------------------------------------------------------------------------------------------------

WebTask visibleTask(Page& p, const std::string& id) {
  auto t = webTasks(p.core).get(id);
  if (!t)
    throw ApiError(HTTPResponse::HTTP_NOT_FOUND, "not_found", "такой задачи нет (или она давно завершена)");
  if (!mayCall(p.core, *p.user, t->method, t->pattern))
    throw ApiError(HTTPResponse::HTTP_FORBIDDEN, "forbidden",
                   "недостаточно прав: роль «" + std::string(store::russianTitle(p.user->role)) +
                       "» не может выполнять «" + t->method + " " + t->pattern + "»");
  return *t;
}

std::string stateText(WebTask::State s) {
  return s == WebTask::State::Running ? "выполняется" : s == WebTask::State::Done ? "готово" : "ошибка";
}

void taskPage(Page& p, const std::string& id, const std::string& what) {
  WebTask t = visibleTask(p, id);
  if (what == "status") {
    Poco::JSON::Object o;
    o.set("state", std::string(t.state == WebTask::State::Running ? "running"
                               : t.state == WebTask::State::Done  ? "done"
                                                                  : "failed"));
    o.set("stateText", stateText(t.state));
    o.set("done", t.done);
    o.set("total", t.total);
    o.set("step", t.step);
    o.set("message", t.message);
    sendJson(p.res, o);
    return;
  }
  if (what == "download") {
    if (t.file.empty()) throw ApiError(HTTPResponse::HTTP_NOT_FOUND, "not_found", "у этой задачи нет файла");
    callApiAudit(p, "download", t.fileName, "ok", t.title);
    sendFile(p.res, t.file, t.fileType, t.fileName);
    return;
  }
  if (!what.empty()) throw notFound();
  Data page = p.base(t.title, "");
  page.set("task", t.id);
  page.set("taskTitle", t.title);
  page.set("owner", t.owner);
  page.set("started", t.started.toRussian());
  // Mustache shows a section for any string, even an empty one: set only what there is.
  if (t.finished) page.set("finished", t.finished->toRussian());
  page.set("running", t.state == WebTask::State::Running);
  page.set("failed", t.state == WebTask::State::Failed);
  page.set("stateText", stateText(t.state));
  page.set("done", std::to_string(t.done));
  page.set("total", std::to_string(std::max(t.total, 1)));
  page.set("step", t.step);
  if (t.state != WebTask::State::Running && !t.message.empty()) page.set("message", t.message);
  Data outcome(Data::type::list);
  for (const auto& [k, v] : t.outcome) {
    Data d;
    d.set("label", k);
    d.set("value", v);
    outcome.push_back(d);
  }
  page.set("outcome", outcome);
  Data columns(Data::type::list);
  for (const auto& c : t.columns) columns.push_back(Data(c));
  page.set("columns", columns);
  Data rows(Data::type::list);
  for (const auto& r : t.rows) {
    Data cells(Data::type::list);
    for (const auto& c : r) cells.push_back(Data(c));
    Data row;
    row.set("cells", cells);
    rows.push_back(row);
  }
  page.set("rows", rows);
  page.set("hasFile", !t.file.empty() && t.state == WebTask::State::Done);
  page.set("fileName", t.fileName);
  if (t.pattern == "/api/v1/archives" && t.state == WebTask::State::Done)
    page.set("archiveHref", "/archives/" + encodePath(t.fileName));
  sendHtml(p.res, render("task", page));
}

// ---- downloads through the API
// ------------------------------------------------------------------------------

void filesProxy(Page& p) {
  // The raw (still encoded) path: callApi decodes the path parameters once, as the API's dispatcher does.
  const std::string raw = p.req.getURI().substr(0, p.req.getURI().find_first_of("?#"));
  const std::string apiPath = raw.substr(std::min(raw.size(), std::string("/files").size()));
  if (apiPath.rfind("/api/v1/", 0) != 0 || p.req.getMethod() != "GET") throw notFound();
  ApiAnswer a = p.api("GET", apiPath, p.query);
  p.res.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(a.status));
  if (!a.disposition.empty()) p.res.set("Content-Disposition", a.disposition);
  p.res.set("Cache-Control", "no-store");
  p.res.setContentType(a.contentType);
  p.res.setContentLength64(a.body.size());
  p.res.send().write(a.body.data(), static_cast<std::streamsize>(a.body.size()));
}

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : path) {
    if (c == '/') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;  // Poco::URI::getPath() has decoded them already
}

}  // namespace

// An audit record for what a page does outside an API call (a download of a task's file, an extract from
// archived data), with the page's user and address, as Call::audit writes them.
void callApiAudit(Page& p, const std::string& action, const std::string& object, const std::string& outcome,
                  const std::string& details) {
  p.core.auditLog->append(
      {p.user ? p.user->login : std::string("anonymous"), action, object, outcome, details, p.address});
}

void loginPage(Page& p) {
  HTTPResponse::HTTPStatus status = HTTPResponse::HTTP_OK;
  std::string loginCsrf = cookie(p.req, kLoginCookie);
  if (p.req.getMethod() == "POST") {
    if (!sameSecret(p.f("csrf"), loginCsrf)) {
      p.error = "форма входа устарела: обновите страницу и войдите снова";
      status = HTTPResponse::HTTP_FORBIDDEN;
    } else {
      Poco::JSON::Object body;
      body.set("login", p.f("login"));
      body.set("password", p.f("password"));
      try {
        auto r = p.apiJson("POST", "/api/v1/auth/login", {}, jsonBody(body));
        setCookie(p.res, kSessionCookie, str(r, "token"), -1);
        setCookie(p.res, kLoginCookie, "", 0);
        std::string next = p.f("next");
        if (next.empty() || next[0] != '/' || next.rfind("//", 0) == 0 ||
            next.find('\\') != std::string::npos)
          next = "/";
        redirect(p.res, next);
        return;
      } catch (const ApiError& e) {
        p.error = e.what();
        status = e.status();
      }
    }
  }
  if (loginCsrf.empty()) {
    loginCsrf = randomSecret(24);
    setCookie(p.res, kLoginCookie, loginCsrf, -1);
  }
  Data d = p.base("Вход", "");
  d.set("loginCsrf", loginCsrf);
  d.set("next", p.q("next", p.f("next")));
  d.set("loginValue", p.f("login"));
  if (p.q("expired") == "1") d.set("notice", "Сеанс завершён или истёк: войдите снова");
  if (p.q("bye") == "1") d.set("notice", "Вы вышли из системы");
  if (p.q("changed") == "1") d.set("notice", "Пароль изменён: войдите с новым паролем");
  sendHtml(p.res, render("login", d), status);
}

void routePage(Page& p) {
  const auto segs = split(p.path);
  const std::string method = p.req.getMethod();
  const std::string first = segs.empty() ? std::string() : segs[0];
  if (segs.empty()) return redirect(p.res, roleHome(p.user->role));
  // A school user's pages are about their own school: ?school= naming another one is refused, as by the API.
  if (!store::isRegional(p.user->role) && !p.q("school").empty()) schoolFor(p.core, *p.user, p.q("school"));
  // The inspector's school pages need a school: in a store of several, without a choice, the chooser first.
  static const std::set<std::string> schoolPages = {"check",     "report",   "findings", "class",
                                                    "printouts", "archives", "seal"};
  if (p.user->role == store::Role::RegionalInspector && method == "GET" && schoolPages.count(first) &&
      p.school().empty() && p.core.store->schools().size() > 1)
    return redirect(p.res, "/region?choose=1");
  if (first == "files") return filesProxy(p);
  if (segs.size() == 1) {
    if (first == "logout") return logoutPage(p);
    if (first == "password") return passwordPage(p);
    if (first == "check") return checkPage(p);
    if (first == "remarks") return remarksPage(p);
    if (first == "report") return reportPage(p);
    if (first == "findings") return findingsPage(p);
    if (first == "class") return classPage(p);
    if (first == "printouts") return printoutsPage(p);
    if (first == "seal") return sealPage(p);
    if (first == "archives") return archivesPage(p);
    if (first == "audit") return auditPage(p);
    if (first == "users") return usersPage(p);
    if (first == "jobs") return jobsPage(p);
    if (first == "pull") return pullPage(p);
    if (first == "backups") return backupsPage(p);
    if (first == "region") return regionPage(p);
  }
  if (first == "region" && segs.size() == 2 && segs[1] == "school") return regionSchoolPage(p);
  if (first == "check" && segs.size() == 2 && segs[1] == "record") return recordCheckPage(p);
  if (first == "printouts" && segs.size() == 2 && segs[1] == "print") return printAll(p);
  if (first == "archives" && segs.size() == 2 && segs[1] == "extract") return archiveExtract(p);
  if (first == "archives" && segs.size() == 2) return archivePage(p, segs[1]);
  if (first == "users" && segs.size() == 2) return userAction(p, segs[1]);
  if (first == "jobs" && segs.size() == 3 && segs[2] == "run") return runJob(p, segs[1]);
  if (first == "tasks" && (segs.size() == 2 || segs.size() == 3))
    return taskPage(p, segs[1], segs.size() == 3 ? segs[2] : std::string());
  throw notFound();
}

}  // namespace ejournal::app::service::web

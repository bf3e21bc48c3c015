// The regional comparison report in the service and the region's web pages (issue 16): three schools in one
// store (samples/tiny.xml and two copies with their own ids and names, each uploaded by its own
// administrator, created by the regional administrator), GET /api/v1/region/report as JSON (the same bytes as
// app::buildRegionalReport on the same store), CSV and PDF (qpdf --check, pdftotext), refused to every other
// role, answered from its cache until an ingest or a recorded check; the web page /region, the school chooser
// and its cookie, and a school user who cannot reach another school through ?school= or the cookie.
#define BOOST_TEST_MODULE region_service
#include <Poco/JSON/Array.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ejournal/model/files.h"
#include "ejournal/reports/regional.h"
#include "regional_usecase.h"
#include "service_env.h"
#include "shell.h"

namespace fs = std::filesystem;
using namespace ejournal;
using namespace ejournal::servicetest;
using store::Role;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// tiny.xml as school `id` named «`shortName`».
std::string schoolXml(const std::string& id, const std::string& shortName, const std::string& fullName) {
  std::string xml = model::readFile(fs::path(EJOURNAL_SOURCE_DIR) / "samples/tiny.xml");
  xml = std::regex_replace(
      xml, std::regex("<school id=\"stupeni\" fullName=\"[^\"]*\" shortName=\"[^\"]*\""),
      "<school id=\"" + id + "\" fullName=\"" + fullName + "\" shortName=\"" + shortName + "\"");
  BOOST_REQUIRE(contains(xml, "<school id=\"" + id + "\""));
  return xml;
}

const std::string kStupeni = "МАОУ лицей «Ступени»";
const std::string kSchoolB = "МБОУ СОШ № 7";
const std::string kSchoolC = "МАОУ гимназия № 9";

// The store of three schools through the API, as a region grows: the regional administrator creates each new
// school's administrator, who uploads its journal.
struct Region {
  Env env;
  std::string inspector, regionAdmin, deputy, adminB;
  explicit Region(const std::string& backend, const std::string& name) : env(backend, name) {
    env.ingestTiny();
    inspector = env.token(Role::RegionalInspector);
    regionAdmin = env.token(Role::RegionalAdmin);
    deputy = env.token(Role::Deputy);
    adminB =
        addSchool("school-b", kSchoolB, "Муниципальное бюджетное общеобразовательное учреждение «СОШ № 7»");
    addSchool("school-c", kSchoolC, "Муниципальное автономное общеобразовательное учреждение гимназия № 9");
    BOOST_REQUIRE(env.service->store().schools().size() == 3u);
  }
  std::string addSchool(const std::string& id, const std::string& shortName, const std::string& fullName) {
    const std::string login = "admin-" + id, password = "Школа " + id + " 2025!";
    Resp created = call(env.port, "POST", "/api/v1/users", regionAdmin,
                        jsonBody({{"login", login},
                                  {"fullName", "Администратор " + shortName},
                                  {"role", "admin"},
                                  {"school", id},
                                  {"password", password}}));
    BOOST_REQUIRE_MESSAGE(created.status == 201, created.body);
    Resp login_ = call(env.port, "POST", "/api/v1/auth/login", {},
                       jsonBody({{"login", login}, {"password", password}}));
    BOOST_REQUIRE(login_.status == 200);
    const std::string token = login_.json()->getValue<std::string>("token");
    Resp ingested = call(env.port, "POST", "/api/v1/ingest?name=" + id + ".xml", token,
                         schoolXml(id, shortName, fullName), "application/xml");
    BOOST_REQUIRE_MESSAGE(ingested.status == 200, ingested.body);
    return token;
  }
  // The report as app::buildRegionalReport makes it directly on the service's store, as JSON.
  std::string direct(const std::string& period, std::vector<std::string> schools = {}) {
    app::RegionalOptions o;
    o.period = period;
    o.schools = std::move(schools);
    for (const auto& id : env.service->store().schools())
      o.archiveDirectories.push_back((env.service->config().archiveDir / id).string());
    std::ostringstream out;
    reports::write(app::buildRegionalReport(env.service->store(), o, *env.clock), reports::Format::Json, out);
    return out.str();
  }
};

Poco::JSON::Object::Ptr rowOf(const Poco::JSON::Object::Ptr& report, const std::string& school) {
  for (const auto& v : *report->getArray("rows")) {
    auto r = v.extract<Poco::JSON::Object::Ptr>();
    if (r->getValue<std::string>("school") == school) return r;
  }
  BOOST_FAIL("no row of " + school);
  return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_CASE(region_report_in_json_csv_and_pdf_for_the_inspector_only) {
  for (const auto& backend : backends()) {
    BOOST_TEST_CONTEXT(backend) {
      Region region(backend, "regionreport");
      auto& env = region.env;

      Resp json = call(env.port, "GET", "/api/v1/region/report?period=2025-Q1", region.inspector);
      BOOST_REQUIRE_MESSAGE(json.status == 200, json.body);
      BOOST_TEST(contains(json.contentType, "application/json"));
      BOOST_TEST(json.header("X-Ejournal-Cache") == "miss");
      // Exactly what the use case gives on the same store: one row per school, the weighted total.
      BOOST_TEST(json.body == region.direct("2025-Q1"));
      auto report = json.json();
      BOOST_TEST(report->getValue<int>("schools") == 3);
      BOOST_REQUIRE(report->getArray("rows")->size() == 3u);
      auto total = report->getObject("total");
      int lessons = 0, marks = 0;
      for (const std::string id : {"stupeni", "school-b", "school-c"}) {
        auto r = rowOf(report, id);
        BOOST_TEST(r->getValue<int>("lessons_held") > 0, id);
        lessons += r->getValue<int>("lessons_held");
        marks += r->getValue<int>("marks");
      }
      BOOST_TEST(total->getValue<int>("lessons_held") == lessons);
      BOOST_TEST(total->getValue<int>("marks") == marks);
      BOOST_TEST(rowOf(report, "school-b")->getValue<std::string>("school_short") == kSchoolB);

      // Some schools only; a school named twice is one row.
      Resp two =
          call(env.port, "GET", "/api/v1/region/report?period=2025-Q1&schools=school-c,stupeni,school-c",
               region.inspector);
      BOOST_REQUIRE_MESSAGE(two.status == 200, two.body);
      BOOST_TEST(two.json()->getArray("rows")->size() == 2u);
      BOOST_TEST(two.body == region.direct("2025-Q1", {"school-c", "stupeni"}));

      // CSV: a header line, the three schools and the total, ';' with a BOM by default, as an attachment.
      Resp csv = call(env.port, "GET", "/api/v1/region/report?period=2025-Q1&format=csv", region.inspector);
      BOOST_REQUIRE_MESSAGE(csv.status == 200, csv.body);
      BOOST_TEST(contains(csv.contentType, "text/csv"));
      BOOST_TEST(csv.body.rfind("\xEF\xBB\xBF", 0) == 0u);
      BOOST_TEST(std::count(csv.body.begin(), csv.body.end(), '\n') == 5);
      for (const auto& name : {kStupeni, kSchoolB, kSchoolC}) BOOST_TEST(contains(csv.body, name), name);
      BOOST_TEST(contains(csv.header("Content-Disposition"), "region-2025-Q1.csv"));
      Resp rfc =
          call(env.port, "GET", "/api/v1/region/report?period=2025-Q1&format=csv&sep=,", region.inspector);
      BOOST_TEST(rfc.body.rfind("school,", 0) == 0u, rfc.body.substr(0, 40));

      // PDF: a valid file naming every school.
      Resp pdf = call(env.port, "GET", "/api/v1/region/report?period=2025-Q1&format=pdf", region.inspector);
      BOOST_REQUIRE_MESSAGE(pdf.status == 200, pdf.body.substr(0, 300));
      BOOST_TEST(pdf.contentType == "application/pdf");
      BOOST_TEST(contains(pdf.header("Content-Disposition"), "region-2025-Q1.pdf"));
      const fs::path file = env.dir / "region.pdf";
      model::writeFileAtomic(file, pdf.body);
      testsupport::shellOutput("qpdf --check '" + file.string() + "' 2>&1");
      const std::string text = testsupport::shellOutput("pdftotext -layout '" + file.string() + "' - 2>&1");
      for (const auto& name : {kStupeni, kSchoolB, kSchoolC}) BOOST_TEST(contains(text, name), name);
      BOOST_TEST(contains(text, "СРАВНИТЕЛЬНЫЙ ОТЧЁТ ПО ШКОЛАМ"), text);

      // Every other role is refused, the regional administrator too (accounts, no journal data).
      for (Role r : store::kAllRoles) {
        if (r == Role::RegionalInspector) continue;
        Resp refused = call(env.port, "GET", "/api/v1/region/report?period=2025-Q1", env.token(r));
        BOOST_TEST(refused.status == 403, store::toString(r) << " -> " << refused.status);
        BOOST_TEST(contains(refused.errorMessage(), "недостаточно прав"), refused.body);
      }
      BOOST_TEST(call(env.port, "GET", "/api/v1/region/report?period=2025-Q1", region.adminB).status == 403);
      BOOST_TEST(call(env.port, "GET", "/api/v1/region/report?period=2025-Q1").status == 401);

      // Bad input: a clear Russian error naming what is wrong.
      Resp noPeriod = call(env.port, "GET", "/api/v1/region/report", region.inspector);
      BOOST_TEST(noPeriod.status == 400);
      BOOST_TEST(contains(noPeriod.errorMessage(), "укажите период"), noPeriod.body);
      Resp both = call(env.port, "GET", "/api/v1/region/report?period=2025-Q1&from=2025-09-01&to=2025-09-30",
                       region.inspector);
      BOOST_TEST(both.status == 400);
      Resp unknown =
          call(env.port, "GET", "/api/v1/region/report?period=2025-Q1&schools=nowhere", region.inspector);
      BOOST_TEST(unknown.status == 404);
      BOOST_TEST(contains(unknown.errorMessage(), "школы «nowhere» нет в хранилище"), unknown.body);
      BOOST_TEST(contains(unknown.errorMessage(), "school-b"), unknown.body);
      Resp format =
          call(env.port, "GET", "/api/v1/region/report?period=2025-Q1&format=xml", region.inspector);
      BOOST_TEST(format.status == 400);
      BOOST_TEST(contains(format.errorMessage(), "json, csv, text, pdf"), format.body);
      Resp period = call(env.port, "GET", "/api/v1/region/report?period=2030-Q1", region.inspector);
      BOOST_TEST(period.status == 404, period.body);
      BOOST_TEST(contains(period.errorMessage(), "школа «"), period.body);
      BOOST_TEST(contains(period.errorMessage(), "нет периода «2030-Q1»"), period.body);
      Resp range =
          call(env.port, "GET", "/api/v1/region/report?from=2025-09-01&to=2025-09-12", region.inspector);
      BOOST_TEST(range.status == 200, range.body);
      BOOST_TEST(range.body == [&] {
        app::RegionalOptions o;
        o.from = "2025-09-01";
        o.to = "2025-09-12";
        std::ostringstream out;
        reports::write(app::buildRegionalReport(env.service->store(), o, *env.clock), reports::Format::Json,
                       out);
        return out.str();
      }());
    }
  }
}

BOOST_AUTO_TEST_CASE(region_report_is_cached_until_an_ingest_or_a_recorded_check) {
  for (const auto& backend : backends()) {
    BOOST_TEST_CONTEXT(backend) {
      Region region(backend, "regioncache");
      auto& env = region.env;
      const std::string path = "/api/v1/region/report?period=2025-Q1";
      Resp first = call(env.port, "GET", path, region.inspector);
      BOOST_REQUIRE_MESSAGE(first.status == 200, first.body);
      BOOST_TEST(first.header("X-Ejournal-Cache") == "miss");
      Resp second = call(env.port, "GET", path, region.inspector);
      BOOST_TEST(second.header("X-Ejournal-Cache") == "hit");
      BOOST_TEST(second.body == first.body);
      // Other formats of the same parameters come from the same built report.
      Resp csv = call(env.port, "GET", path + "&format=csv", region.inspector);
      BOOST_TEST(csv.header("X-Ejournal-Cache") == "hit");
      // Requests of the same new parameters at once: one builds, the others wait for it and take its report.
      std::vector<std::thread> threads;
      std::vector<Resp> concurrent(4);
      for (size_t i = 0; i < concurrent.size(); ++i)
        threads.emplace_back([&, i] {
          concurrent[i] = call(env.port, "GET", "/api/v1/region/report?period=2025-H1", region.inspector);
        });
      for (auto& t : threads) t.join();
      int built = 0;
      for (const auto& r : concurrent) {
        BOOST_TEST(r.status == 200, r.body);
        BOOST_TEST(r.body == concurrent.front().body);
        built += r.header("X-Ejournal-Cache") == "miss";
      }
      BOOST_TEST(built == 1);
      // Other parameters are another report.
      BOOST_TEST(
          call(env.port, "GET", path + "&schools=stupeni", region.inspector).header("X-Ejournal-Cache") ==
          "miss");

      // School B's administrator uploads its journal with one more mark: the next answer is built anew.
      std::string xml =
          schoolXml("school-b", kSchoolB, "Муниципальное бюджетное общеобразовательное учреждение «СОШ № 7»");
      const std::string anchor = "    <mark id=\"m001\"";
      BOOST_REQUIRE(contains(xml, anchor));
      xml.insert(xml.find(anchor),
                 "    <mark id=\"m999\" student=\"s02\" lesson=\"l5a-0901-1\" value=\"4\" "
                 "at=\"2025-09-01T16:40:00\" by=\"t3\"/>\n");
      Resp ingested =
          call(env.port, "POST", "/api/v1/ingest?name=school-b.xml", region.adminB, xml, "application/xml");
      BOOST_REQUIRE_MESSAGE(ingested.status == 200, ingested.body);
      Resp after = call(env.port, "GET", path, region.inspector);
      BOOST_REQUIRE(after.status == 200);
      BOOST_TEST(after.header("X-Ejournal-Cache") == "miss");
      BOOST_TEST(after.body != first.body);
      BOOST_TEST(rowOf(after.json(), "school-b")->getValue<int>("marks") ==
                 rowOf(first.json(), "school-b")->getValue<int>("marks") + 1);
      BOOST_TEST(rowOf(after.json(), "stupeni")->getValue<int>("marks") ==
                 rowOf(first.json(), "stupeni")->getValue<int>("marks"));
      BOOST_TEST(after.body == region.direct("2025-Q1"));
      BOOST_TEST(call(env.port, "GET", path, region.inspector).header("X-Ejournal-Cache") == "hit");

      // The deputy of «Ступени» records a check: its last check shows at once.
      BOOST_TEST(rowOf(after.json(), "stupeni")->isNull("last_check"));
      Resp recorded = call(env.port, "POST", "/api/v1/checks?period=2025-Q1", region.deputy, "{}");
      BOOST_REQUIRE_MESSAGE(recorded.status == 201, recorded.body);
      Resp checked = call(env.port, "GET", path, region.inspector);
      BOOST_TEST(checked.header("X-Ejournal-Cache") == "miss");
      BOOST_TEST(rowOf(checked.json(), "stupeni")->getValue<std::string>("last_check") == "2025-10-20");
      BOOST_TEST(checked.json()->getValue<int>("schools_checked") == 1);
      BOOST_TEST(checked.body == region.direct("2025-Q1"));
    }
  }
}

BOOST_AUTO_TEST_CASE(region_pages_and_the_school_chooser) {
  Region region("sqlite", "regionweb");
  auto& env = region.env;
  const std::string inspector = "ejournal_session=" + region.inspector;

  // The inspector's home is /region: the comparison of every school, the chooser, the downloads.
  Resp home = page(env.port, "/", inspector);
  BOOST_TEST(home.status == 303);
  BOOST_TEST(home.header("Location") == "/region");
  Resp regionPage = page(env.port, "/region", inspector);
  BOOST_REQUIRE_MESSAGE(regionPage.status == 200, regionPage.body.substr(0, 2000));
  for (const auto& name : {kStupeni, kSchoolB, kSchoolC}) BOOST_TEST(contains(regionPage.body, name), name);
  for (const std::string id : {"stupeni", "school-b", "school-c"})
    BOOST_TEST(contains(regionPage.body, "/region/school?id=" + id), id);
  BOOST_TEST(contains(regionPage.body, "id=\"region-table\""));
  BOOST_TEST(contains(regionPage.body, "id=\"school-chooser\""));
  BOOST_TEST(contains(regionPage.body, "Школа: <strong>не выбрана</strong>"));
  BOOST_TEST(contains(regionPage.body, "/files/api/v1/region/report?format=pdf&amp;period=2025-Q1"));
  BOOST_TEST(contains(regionPage.body, "data-chart="));
  BOOST_TEST(contains(regionPage.body, "Итого"));
  // The PDF button works through the pages' download proxy.
  Resp pdf = page(env.port, "/files/api/v1/region/report?format=pdf&period=2025-Q1", inspector);
  BOOST_TEST(pdf.status == 200);
  BOOST_TEST(pdf.contentType == "application/pdf");

  // Without a chosen school a school page sends the inspector to the chooser.
  Resp unchosen = page(env.port, "/check", inspector);
  BOOST_TEST(unchosen.status == 303);
  BOOST_TEST(unchosen.header("Location") == "/region?choose=1");
  BOOST_TEST(contains(page(env.port, "/region?choose=1", inspector).body, "Выберите школу"));

  // Choosing school B sets the cookie and opens its check page.
  Resp chosen = page(env.port, "/region/school?id=school-b", inspector);
  BOOST_TEST(chosen.status == 303);
  BOOST_TEST(chosen.header("Location") == "/check");
  const std::string setCookie = chosen.header("Set-Cookie");
  BOOST_TEST(contains(setCookie, "ejournal_school=school-b"), setCookie);
  for (const char* attr : {"HttpOnly", "SameSite=Strict", "Path=/"})
    BOOST_TEST(contains(setCookie, attr), attr);
  Resp check = page(env.port, "/check", inspector + "; ejournal_school=school-b");
  BOOST_REQUIRE_MESSAGE(check.status == 200, check.body.substr(0, 2000));
  BOOST_TEST(contains(check.body, kSchoolB));
  BOOST_TEST(!contains(check.body, kStupeni));
  BOOST_TEST(contains(check.body, "сменить школу"));
  // The cookie switches the school of the pages: «Ступени» now.
  Resp checkA = page(env.port, "/check", inspector + "; ejournal_school=stupeni");
  BOOST_REQUIRE(checkA.status == 200);
  BOOST_TEST(contains(checkA.body, kStupeni));
  BOOST_TEST(!contains(checkA.body, kSchoolB));
  // ?school= wins over the cookie; an unknown school is a Russian 404.
  Resp asked = page(env.port, "/check?school=school-c", inspector + "; ejournal_school=stupeni");
  BOOST_TEST(contains(asked.body, kSchoolC));
  BOOST_TEST(!contains(asked.body, kStupeni));
  Resp nowhere = page(env.port, "/region/school?id=nowhere", inspector);
  BOOST_TEST(nowhere.status == 404);
  BOOST_TEST(contains(nowhere.body, "школы «nowhere» нет в хранилище"));
  // Forgetting the choice clears the cookie.
  Resp forget = page(env.port, "/region/school?id=", inspector);
  BOOST_TEST(forget.header("Location") == "/region");
  BOOST_TEST(contains(forget.header("Set-Cookie"), "Max-Age=0"));

  // The regional administrator: the schools with their users, each school's users behind its link.
  const std::string regionAdmin = "ejournal_session=" + region.regionAdmin;
  Resp adminPage = page(env.port, "/region", regionAdmin);
  BOOST_REQUIRE_MESSAGE(adminPage.status == 200, adminPage.body.substr(0, 2000));
  for (const auto& name : {kStupeni, kSchoolB, kSchoolC}) BOOST_TEST(contains(adminPage.body, name), name);
  BOOST_TEST(contains(adminPage.body, "/users?school=school-b"));
  BOOST_TEST(!contains(adminPage.body, "region-table"));  // no journal data
  Resp toUsers = page(env.port, "/region/school?id=school-b", regionAdmin);
  BOOST_TEST(toUsers.header("Location") == "/users");
  Resp users = page(env.port, "/users", regionAdmin + "; ejournal_school=school-b");
  BOOST_REQUIRE(users.status == 200);
  BOOST_TEST(contains(users.body, "admin-school-b"));
  BOOST_TEST(!contains(users.body, "admin-school-c"));
  BOOST_TEST(!contains(users.body, ">" + env.logins[Role::Deputy] + "<"));
  Resp apiUsers = call(env.port, "GET", "/api/v1/users?school=school-c", region.regionAdmin);
  BOOST_REQUIRE(apiUsers.status == 200);
  BOOST_TEST(apiUsers.json()->getArray("users")->size() == 1u, apiUsers.body);

  // A school user cannot reach another school: ?school= is a Russian 403 page, the cookie is ignored, the
  // chooser and the region page are refused.
  const std::string deputy = "ejournal_session=" + region.deputy;
  Resp other = page(env.port, "/check?school=school-b", deputy);
  BOOST_TEST(other.status == 403);
  BOOST_TEST(contains(other.body, "нет доступа к данным другой школы"), other.body.substr(0, 2000));
  BOOST_TEST(!contains(other.body, kSchoolB));
  Resp cookieOther = page(env.port, "/check", deputy + "; ejournal_school=school-b");
  BOOST_REQUIRE(cookieOther.status == 200);
  BOOST_TEST(contains(cookieOther.body, kStupeni));
  BOOST_TEST(!contains(cookieOther.body, kSchoolB));
  Resp own = page(env.port, "/check?school=stupeni", deputy);
  BOOST_TEST(own.status == 200);
  Resp regionDenied = page(env.port, "/region", deputy);
  BOOST_TEST(regionDenied.status == 403);
  BOOST_TEST(contains(regionDenied.body, "Доступ запрещён"));
  BOOST_TEST(contains(regionDenied.body, "для методиста управления образования"));
  BOOST_TEST(page(env.port, "/region/school?id=school-b", deputy).status == 403);
  const std::string adminB = "ejournal_session=" + region.adminB;
  Resp usersB = page(env.port, "/users?school=stupeni", adminB);
  BOOST_TEST(usersB.status == 403);
  Resp usersBCookie = page(env.port, "/users", adminB + "; ejournal_school=stupeni");
  BOOST_TEST(usersBCookie.status == 200);
  BOOST_TEST(!contains(usersBCookie.body, ">" + env.logins[Role::Deputy] + "<"));
}

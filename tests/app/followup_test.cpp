// The follow-up of recorded checks (issue 13, docs/followup.md) on samples/tiny.xml, each case on SQLite and,
// when EJOURNAL_PG is set, on a fresh PostgreSQL database: stable finding identity; a journal checked,
// changed (topic filled in, marks posted, a new problem), checked again and again (new, open since when,
// corrected, reopened); two checks of unchanged data change nothing; a narrower check corrects nothing
// outside it; the справка's follow-up; acknowledgements; one message per teacher through a real SMTP server
// (python3-aiosmtpd) with their remarks only and a Russian subject; a server that is down, retried and
// delivered once; the class teacher's daily summary line by line.
#define BOOST_TEST_MODULE followup_test
#include "followup.h"

#include <Poco/Net/ServerSocket.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "ejournal/ingest/ingest.h"
#include "ejournal/model/files.h"
#include "ejournal/model/index.h"
#include "ejournal/render/render.h"
#include "ejournal/reports/reports.h"
#include "ejournal/rules/rules.h"
#include "ejournal/store/audit.h"
#include "ejournal/store/checks.h"
#include "ejournal/store/store.h"
#include "mailer.h"
#include "run_cli.h"
#include "service_env.h"
#include "store_fixture.h"

extern char** environ;

// Printing the values the checks compare.
namespace ejournal::model {
std::ostream& operator<<(std::ostream& o, const Date& d) { return o << d.toString(); }
std::ostream& operator<<(std::ostream& o, const DateTime& d) { return o << d.toString(); }
std::ostream& operator<<(std::ostream& o, FindingState s) { return o << toString(s); }
std::ostream& boost_test_print_type(std::ostream& o, const std::optional<Date>& d) {
  return d ? o << d->toString() : o << "(none)";
}
}  // namespace ejournal::model
namespace ejournal::store {
std::ostream& operator<<(std::ostream& o, MessageStatus s) { return o << toString(s); }
}  // namespace ejournal::store

namespace fs = std::filesystem;
using namespace ejournal;
using model::Date;
using model::DateTime;
using model::FindingState;

namespace {

Date day(const char* s) { return *Date::parse(s); }

model::Journal tiny() {
  const std::string bytes = model::readFile(fs::path(EJOURNAL_SOURCE_DIR) / "samples/tiny.xml");
  return ingest::readJournal(bytes, "tiny.xml");
}

// A store with its clock, and the tiny journal ingested (optionally with staff e-mail addresses).
struct School {
  std::shared_ptr<model::FixedClock> clock;
  std::unique_ptr<store::Store> store;
  model::Journal journal;
  int runs = 0;
  storetest::TempDir tmp;

  School(const storetest::Backend& b, bool emails = false)
      : clock(std::make_shared<model::FixedClock>(*DateTime::parse("2025-09-15T17:00:00"))),
        store(store::Store::open(b.connection, clock)),
        journal(tiny()) {
    if (emails)
      for (auto& s : journal.staff) s.email = s.id + "@school.example";
    put();
  }
  void at(const char* t) { clock->set(*DateTime::parse(t)); }
  // Stores the journal as it is now as a new ingest run.
  void put() {
    auto tx = store->beginIngest({"xml:test", "run-" + std::to_string(++runs), clock->now()});
    tx->upsert(journal);
    tx->commit();
  }
  model::Lesson& lesson(const std::string& id) {
    for (auto& l : journal.lessons)
      if (l.id == id) return l;
    BOOST_FAIL("no lesson " + id);
    throw;
  }
  // Records a check of the sample's two weeks (or of a class), made on the clock's today. The dates are
  // fixed, so what changes between checks is the data, not the plan to date.
  store::CheckRecord check(const std::string& classRef = "") {
    const model::Journal j = store->load({});
    const model::JournalIndex ix(j);
    const auto scope = rules::resolveScope(ix, "", "2025-09-01", "2025-09-12", classRef, "", "", *clock);
    return app::recordCheck(*store, ix, scope, rules::Config::schoolDefaults(), "test").check;
  }
  std::map<std::string, model::TrackedFinding> tracked() {
    std::map<std::string, model::TrackedFinding> out;
    for (auto& t : store::openCheckHistory(*store)->findings("stupeni")) out.emplace(t.key, t);
    return out;
  }
};

// The tracked finding of a rule about a lesson.
const model::TrackedFinding& about(const std::map<std::string, model::TrackedFinding>& all,
                                   const std::string& rule, const std::string& lesson) {
  for (const auto& [k, t] : all)
    if (t.finding.rule == rule && t.finding.lessonId == lesson) return t;
  BOOST_FAIL("no tracked finding " + rule + " " + lesson);
  throw;
}

// A local SMTP server (tests/support/smtp_capture.py, python3-aiosmtpd) on a free port of 127.0.0.1, writing
// each message it receives to a directory, decoded by Python's email package.
class SmtpCapture {
 public:
  explicit SmtpCapture(const fs::path& dir, int port = 0) : dir_(dir) {
    if (port == 0) {
      Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
      port = probe.address().port();
    }
    port_ = port;
    start();
  }
  ~SmtpCapture() { stop(); }
  int port() const { return port_; }
  void start() {
    fs::create_directories(dir_);
    fs::remove(dir_ / "ready");
    const std::string script = std::string(EJOURNAL_SOURCE_DIR) + "/tests/support/smtp_capture.py";
    std::string p = std::to_string(port_), d = dir_.string();
    const char* argv[] = {"/usr/bin/python3", script.c_str(), p.c_str(), d.c_str(), nullptr};
    BOOST_REQUIRE(posix_spawn(&pid_, argv[0], nullptr, nullptr, const_cast<char**>(argv), environ) == 0);
    for (int i = 0; i < 200 && !fs::exists(dir_ / "ready"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    BOOST_REQUIRE_MESSAGE(fs::exists(dir_ / "ready"), "the SMTP capture (python3-aiosmtpd) did not start");
  }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = 0;
  }
  // The decoded messages received, in order.
  std::vector<std::string> messages() const {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir_))
      if (e.path().extension() == ".txt") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<std::string> out;
    for (const auto& f : files) out.push_back(model::readFile(f));
    return out;
  }

 private:
  fs::path dir_;
  int port_ = 0;
  pid_t pid_ = 0;
};

std::string header(const std::string& message, const std::string& name) {
  std::istringstream in(message);
  std::string line;
  while (std::getline(in, line) && !line.empty())
    if (line.rfind(name + ": ", 0) == 0) return line.substr(name.size() + 2);
  return "";
}

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

app::SmtpSettings smtpAt(int port) {
  app::SmtpSettings s;
  s.host = "127.0.0.1";
  s.port = port;
  s.from = "ejournal@school.example";
  s.timeoutSeconds = 5;
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(finding_identity_is_stable_and_unique) {
  const model::Journal j = tiny();
  const model::JournalIndex ix(j);
  model::FixedClock clock(*DateTime::parse("2025-10-30T12:00:00"));
  const auto scope = rules::resolveScope(ix, "2025-Q1", "", "", "", "", "", clock);
  const auto config = rules::Config::schoolDefaults();
  const auto first = rules::check(ix, scope, config);
  BOOST_REQUIRE(!first.empty());
  std::set<std::string> keys;
  for (const auto& f : first)
    BOOST_TEST(keys.insert(model::findingKey(f)).second, "duplicate key " << model::findingKey(f));
  // The same problem found again, even with other figures, a new message or another teacher, is the same
  // finding.
  model::Finding f = first.front();
  const std::string key = model::findingKey(f);
  f.message = "другой текст";
  f.figures = {{"days", 99}};
  f.teacherId = "t7";
  f.severity = model::Severity::Warning;
  BOOST_TEST(model::findingKey(f) == key);
  f.studentId = "s01";
  BOOST_TEST(model::findingKey(f) != key);
  // Duplicates collapse to one.
  std::vector<model::Finding> twice = first;
  twice.insert(twice.end(), first.begin(), first.end());
  BOOST_TEST(model::distinctFindings(twice).size() == first.size());
  // Separators inside ids cannot make two findings share a key.
  model::Finding a, b;
  a.rule = "r";
  a.classId = "x|y";
  b.rule = "r";
  b.classId = "x";
  b.subjectId = "y";
  BOOST_TEST(model::findingKey(a) != model::findingKey(b));
}

BOOST_AUTO_TEST_CASE(history_new_open_corrected_reopened) {
  storetest::forEachBackend([](const storetest::Backend& b) {
    School s(b);
    auto history = store::openCheckHistory(*s.store);
    // Check 1 on 15.09.2025: everything is new.
    const auto c1 = s.check();
    BOOST_TEST(c1.id > 0);
    BOOST_TEST(c1.checkDate == day("2025-09-15"));
    BOOST_TEST(c1.dataState == "run-1");
    BOOST_TEST(c1.rulesVersion == rules::Config::schoolDefaults().version());
    BOOST_TEST(c1.deadline == day("2025-09-22"));  // five school days: Tue..Fri, Mon
    BOOST_TEST(c1.found > 10);
    BOOST_TEST(c1.fresh == c1.found);
    BOOST_TEST(c1.open == 0);
    BOOST_TEST(c1.corrected == 0);
    const auto before = s.tracked();
    BOOST_TEST(before.size() == static_cast<size_t>(c1.found));
    BOOST_TEST(about(before, "topic.missing", "l5a-0912-3").state == FindingState::New);

    // Check 1b the same day, nothing changed: nothing changes.
    s.at("2025-09-15T18:00:00");
    const auto c1b = s.check();
    BOOST_TEST(c1b.found == c1.found);
    BOOST_TEST(c1b.fresh == 0);
    BOOST_TEST(c1b.open == c1.found);
    BOOST_TEST(c1b.corrected == 0);
    BOOST_TEST(c1b.reopened == 0);
    const auto same = s.tracked();
    BOOST_TEST(same.size() == before.size());
    for (const auto& [k, t] : same) {
      BOOST_TEST_CONTEXT(k) {
        BOOST_REQUIRE(before.count(k));
        BOOST_TEST(t.openedOn == before.at(k).openedOn);
        BOOST_TEST(t.openedCheck == c1.id);
        BOOST_TEST(t.firstCheck == c1.id);
        BOOST_TEST(!t.correctedOn);
        BOOST_TEST(t.state == FindingState::Open);
      }
    }

    // The teachers correct: the empty English lesson of 12.09 gets its topic, homework, attendance and marks.
    // And a new problem: the topic of 01.09 math in 5А is wiped.
    s.at("2025-10-15T12:00:00");
    auto& empty = s.lesson("l5a-0912-3");
    empty.topic = "Числительные от 11 до 20";
    empty.topicEnteredAt = *DateTime::parse("2025-10-14T15:00:00");
    empty.topicEnteredBy = "t5";
    empty.homework = "Учебник с. 20, упр. 7";
    empty.attendanceTaken = true;
    for (const char* st : {"s01", "s02", "s03", "s04"}) {
      model::Mark m;
      m.id = std::string("mx-") + st;
      m.studentId = st;
      m.lessonId = "l5a-0912-3";
      m.value = *model::MarkValue::parse("4");
      m.enteredAt = *DateTime::parse("2025-10-14T15:10:00");
      m.enteredBy = "t5";
      m.history = {{std::nullopt, m.value, m.enteredAt, "t5"}};
      s.journal.marks.push_back(m);
    }
    s.lesson("l5a-0901-1").topic = "";
    s.put();
    const auto c2 = s.check();
    BOOST_TEST(c2.dataState == "run-2");
    BOOST_TEST(c2.checkDate == day("2025-10-15"));
    const auto after = s.tracked();
    for (const char* rule :
         {"topic.missing", "homework.recorded", "attendance.recorded", "marks.per_lesson"}) {
      BOOST_TEST_CONTEXT(rule) {
        const auto& t = about(after, rule, "l5a-0912-3");
        BOOST_TEST(t.state == FindingState::Corrected);
        BOOST_TEST(t.correctedCheck == c2.id);
        BOOST_TEST(t.correctedOn == day("2025-10-15"));
        BOOST_TEST(t.openedOn == day("2025-09-15"));
      }
    }
    const auto& fresh = about(after, "topic.missing", "l5a-0901-1");
    BOOST_TEST(fresh.state == FindingState::New);
    BOOST_TEST(fresh.openedOn == day("2025-10-15"));
    const auto& late = about(after, "topic.same_day", "l5a-0902-1");
    BOOST_TEST(late.state == FindingState::Open);
    BOOST_TEST(late.openedOn == day("2025-09-15"));
    BOOST_TEST(late.openedCheck == c1.id);
    // Entering the topic a month late is a problem of its own.
    BOOST_TEST(about(after, "topic.same_day", "l5a-0912-3").state == FindingState::New);
    BOOST_TEST(c2.corrected == 4);
    BOOST_TEST(c2.fresh == 2);
    BOOST_TEST(c2.reopened == 0);
    BOOST_TEST(c2.open == c1.found - 4);
    BOOST_TEST(c2.found == c2.fresh + c2.open);
    // What check 2 saw stays as it was.
    const auto r2 = history->results(c2.id);
    int corrected = 0;
    for (const auto& t : r2)
      if (t.state == FindingState::Corrected) {
        ++corrected;
        BOOST_TEST(t.correctedOn == day("2025-10-15"));
      }
    BOOST_TEST(corrected == 4);

    // Check 3: the topic comes back on 01.09, the 12.09 lesson's topic is wiped again: corrected and
    // reopened.
    s.at("2025-10-20T12:00:00");
    s.lesson("l5a-0901-1").topic = "Натуральные числа и шкалы";
    s.lesson("l5a-0912-3").topic = "";
    s.put();
    const auto c3 = s.check();
    const auto third = s.tracked();
    const auto& back = about(third, "topic.missing", "l5a-0912-3");
    BOOST_TEST(back.state == FindingState::Reopened);
    BOOST_TEST(back.reopened == 1);
    BOOST_TEST(back.openedOn == day("2025-10-20"));
    BOOST_TEST(back.firstOn == day("2025-09-15"));
    BOOST_TEST(!back.correctedOn);
    BOOST_TEST(about(third, "topic.missing", "l5a-0901-1").state == FindingState::Corrected);
    BOOST_TEST(about(third, "topic.missing", "l5a-0901-1").correctedOn == day("2025-10-20"));
    // The late topic is gone with the topic.
    BOOST_TEST(about(third, "topic.same_day", "l5a-0912-3").state == FindingState::Corrected);
    BOOST_TEST(c3.reopened == 1);
    BOOST_TEST(c3.corrected == 2);
    BOOST_TEST(c3.fresh == 0);
    // The checks, newest first.
    const auto all = history->checks("stupeni");
    BOOST_REQUIRE(all.size() == 4u);
    BOOST_TEST(all.front().id == c3.id);
    BOOST_TEST(all.back().id == c1.id);
    BOOST_TEST(history->check(c2.id)->corrected == 4);
  });
}

BOOST_AUTO_TEST_CASE(narrower_check_corrects_nothing_outside_it) {
  storetest::forEachBackend([](const storetest::Backend& b) {
    School s(b);
    const auto c1 = s.check();
    s.at("2025-09-16T12:00:00");
    const auto c2 = s.check("8Б");  // 8Б only: 5А's findings are not looked at, so not corrected
    BOOST_TEST(c2.corrected == 0);
    BOOST_TEST(c2.fresh == 0);
    BOOST_TEST(c2.found < c1.found);
    for (const auto& [k, t] : s.tracked()) BOOST_TEST(t.state != FindingState::Corrected, k);
  });
}

BOOST_AUTO_TEST_CASE(control_report_follow_up_and_acknowledgements) {
  storetest::forEachBackend([](const storetest::Backend& b) {
    School s(b);
    {
      // No recorded check: the справка is as before, without a follow-up.
      const model::Journal j = s.store->load({});
      const model::JournalIndex ix(j);
      BOOST_TEST(!app::followUpFor(*s.store, ix).has_value());
    }
    s.check();
    s.at("2025-10-15T12:00:00");
    s.lesson("l5a-0912-3").topic = "Числительные от 11 до 20";
    s.put();
    const auto c2 = s.check();
    auto history = store::openCheckHistory(*s.store);
    BOOST_TEST(history->acknowledge(c2.id, "t3", "ivanova", *DateTime::parse("2025-10-16T08:00:00")));
    BOOST_TEST(!history->acknowledge(c2.id, "t3", "ivanova", *DateTime::parse("2025-10-17T08:00:00")));
    BOOST_REQUIRE(history->acknowledgements(c2.id).size() == 1u);
    BOOST_TEST(history->acknowledgements(c2.id).front().at == *DateTime::parse("2025-10-16T08:00:00"));
    BOOST_CHECK_THROW(history->acknowledge(9999, "t3", "x", s.clock->now()), Error);

    const model::Journal j = s.store->load({});
    const model::JournalIndex ix(j);
    const auto scope = rules::resolveScope(ix, "2025-Q1", "", "", "", "", "", *s.clock);
    const auto config = rules::Config::schoolDefaults();
    auto report =
        reports::buildControlReport(ix, scope, rules::check(ix, scope, config), config, s.clock->now());
    report.followUp = app::followUpFor(*s.store, ix);
    BOOST_REQUIRE(report.followUp.has_value());
    const auto& u = *report.followUp;
    BOOST_TEST(u.checkId == c2.id);
    BOOST_TEST(u.previousCheckDate == day("2025-09-15"));
    BOOST_TEST(u.corrected == 1);
    const reports::TeacherFollowUp* petrov = nullptr;
    for (const auto& t : u.teachers)
      if (t.teacherId == "t5") petrov = &t;
    BOOST_REQUIRE(petrov);
    BOOST_TEST(petrov->corrected == 1);
    BOOST_TEST(petrov->open > 0);
    BOOST_TEST(petrov->oldestOpenSince == day("2025-09-15"));
    BOOST_TEST(!petrov->acknowledged);
    BOOST_TEST(petrov->openItems.front().days == 30);
    std::ostringstream text, json, csv;
    reports::write(report, reports::Format::Text, text);
    reports::write(report, reports::Format::Json, json);
    reports::write(report, reports::Format::Csv, csv);
    BOOST_TEST(
        contains(text.str(), "Петров Д. О.:\n  устранено после проверки от 15.09.2025: 1\n  не устранено: " +
                                 std::to_string(petrov->open) + " (самое давнее — с 15.09.2025)\n"));
    BOOST_TEST(contains(text.str(), "Не ознакомлены с замечаниями: "));
    BOOST_TEST(contains(text.str(), "Иванова М. П.:"));
    BOOST_TEST(!contains(text.str().substr(text.str().find("Не ознакомлены")), "Иванова"));
    BOOST_TEST(contains(text.str(), "ознакомлен(а): 16.10.2025 08:00"));
    BOOST_TEST(contains(json.str(), "\"followup\": {\"check\": " + std::to_string(c2.id)));
    BOOST_TEST(contains(json.str(), "\"previous_check_date\": \"2025-09-15\""));
    BOOST_TEST(contains(csv.str().substr(0, csv.str().find('\n')), "corrected_since_previous_check"));
    // The PDF: the follow-up table, the open list and who has not acknowledged (pdftotext reads it back).
    {
      const render::Pdf pdf = render::renderControlReport(report);
      const fs::path file = s.tmp.path() / "control.pdf";
      model::writeFileAtomic(file, pdf.bytes);
      std::string text;
      BOOST_TEST(storetest::run("pdftotext -layout '" + file.string() + "' -", &text) == 0);
      BOOST_TEST(contains(text, "Устранение замечаний (проверка от 15.10.2025"), text);
      BOOST_TEST(contains(text, "Не устранённые замечания"));
      BOOST_TEST(contains(text, "Не ознакомлены с замечаниями:"));
      BOOST_TEST(contains(text, "Петров Д. О."));
    }
    // The printed class journal's remarks: each marked corrected (with the day) or open since when.
    {
      std::vector<model::Finding> remarks;
      for (const auto& f :
           rules::check(ix, rules::resolveScope(ix, "2025-Q1", "", "", "5a", "", "", *s.clock), config))
        remarks.push_back(f);
      const size_t before = remarks.size();
      render::RenderOptions opt;
      opt.remarkStatus = app::remarkStatus(*s.store, ix, "5a", remarks);
      BOOST_TEST(remarks.size() == before + 1);  // the corrected remark is printed too
      const std::string key = model::findingKey(remarks.back());
      BOOST_TEST(opt.remarkStatus.at(key) == "устранено 15.10.2025");
      const render::Pdf pdf = render::renderClassJournal(ix, "5a", "2025-Q1", remarks, opt);
      const fs::path file = s.tmp.path() / "journal-5a.pdf";
      model::writeFileAtomic(file, pdf.bytes);
      std::string text;
      BOOST_TEST(storetest::run("pdftotext -layout '" + file.string() + "' -", &text) == 0);
      BOOST_TEST(contains(text, "устранено 15.10.2025"));
      BOOST_TEST(contains(text, "не устранено с 15.09.2025"));
    }
    // Without the follow-up the outputs are those of before (no follow-up member, column or section).
    report.followUp.reset();
    std::ostringstream plainText, plainJson, plainCsv;
    reports::write(report, reports::Format::Text, plainText);
    reports::write(report, reports::Format::Json, plainJson);
    reports::write(report, reports::Format::Csv, plainCsv);
    BOOST_TEST(!contains(plainText.str(), "Устранение замечаний"));
    BOOST_TEST(!contains(plainJson.str(), "followup"));
    BOOST_TEST(!contains(plainCsv.str(), "open_remarks"));
  });
}

BOOST_AUTO_TEST_CASE(one_message_per_teacher_through_smtp) {
  storetest::forEachBackend([](const storetest::Backend& b) {
    storetest::TempDir dir;
    School s(b, /*emails=*/true);
    const auto c1 = s.check();
    const model::Journal j = s.store->load({});
    const model::JournalIndex ix(j);
    const auto q = app::queueRemarks(*s.store, ix, c1, {}, "https://journal.school.example/me");
    BOOST_TEST(q.withoutAddress.empty());
    BOOST_TEST(q.alreadyQueued == 0);
    // Queued again for the same check: nothing new.
    const auto again = app::queueRemarks(*s.store, ix, c1, {}, "");
    BOOST_TEST(again.queued == 0);
    BOOST_TEST(again.alreadyQueued == q.queued);

    // Whose remarks the check has, and which of them.
    std::map<std::string, std::vector<model::TrackedFinding>> mine;
    for (const auto& t : store::openCheckHistory(*s.store)->results(c1.id))
      if (!t.finding.teacherId.empty()) mine[t.finding.teacherId].push_back(t);
    BOOST_TEST(q.queued == static_cast<int>(mine.size()));

    SmtpCapture smtp(dir.path() / "mail");
    const auto r = app::deliverOutbox(*s.store, smtpAt(smtp.port()), *s.clock);
    BOOST_TEST(r.sent == q.queued);
    BOOST_TEST(r.failed == 0);
    const auto got = smtp.messages();
    BOOST_REQUIRE(got.size() == static_cast<size_t>(q.queued));
    std::set<std::string> to;
    for (const auto& m : got) {
      const std::string addr = header(m, "To");
      BOOST_TEST(to.insert(addr).second, "two messages to " << addr);
      const std::string staff = addr.substr(0, addr.find('@'));
      BOOST_TEST_CONTEXT(staff) {
        BOOST_REQUIRE(mine.count(staff));
        BOOST_TEST(header(m, "Subject") ==
                   "Замечания по электронному журналу: проверка от 15.09.2025, устранить до 22.09.2025");
        BOOST_TEST(header(m, "Charset") == "utf-8");
        BOOST_TEST(header(m, "Batch") == "check:" + std::to_string(c1.id));
        // Their remarks, all of them, and nobody else's.
        for (const auto& t : mine[staff])
          BOOST_TEST(contains(m, "Что не так: " + t.finding.message + "."), t.key);
        size_t remarks = 0;
        for (size_t p = m.find("   Что не так: "); p != std::string::npos;
             p = m.find("   Что не так: ", p + 1))
          ++remarks;
        BOOST_TEST(remarks == mine[staff].size());
        BOOST_TEST(contains(m, "до 22.09.2025 включительно"));
        BOOST_TEST(contains(m, "https://journal.school.example/me"));
      }
    }
    // Petrov's message, exactly: the empty English lesson.
    std::string petrov;
    for (const auto& m : got)
      if (header(m, "To") == "t5@school.example") petrov = m;
    BOOST_TEST(contains(petrov, "Уважаемый Дмитрий Олегович!\n"));
    BOOST_TEST(contains(petrov,
                        "   Где: класс 5А, Английский язык, урок 12.09.2025 (3-й урок).\n"
                        "   Что не так: тема урока не записана.\n"));
    // Delivered once: a second run sends nothing.
    const auto r2 = app::deliverOutbox(*s.store, smtpAt(smtp.port()), *s.clock);
    BOOST_TEST(r2.sent == 0);
    BOOST_TEST(smtp.messages().size() == got.size());
  });
}

BOOST_AUTO_TEST_CASE(server_down_is_retried_and_delivered_once) {
  storetest::forEachBackend([](const storetest::Backend& b) {
    storetest::TempDir dir;
    School s(b, /*emails=*/true);
    const auto c1 = s.check();
    const model::Journal j = s.store->load({});
    const model::JournalIndex ix(j);
    const auto q = app::queueRemarks(*s.store, ix, c1, {}, "");
    BOOST_REQUIRE(q.queued > 0);
    // A free port nobody listens on: the server is down.
    int port = 0;
    {
      Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
      port = probe.address().port();
    }
    const auto down = app::deliverOutbox(*s.store, smtpAt(port), *s.clock);
    BOOST_TEST(down.sent == 0);
    BOOST_TEST(down.failed == q.queued);
    BOOST_REQUIRE(!down.problems.empty());
    BOOST_TEST(
        contains(down.problems.front(), "почтовый сервер 127.0.0.1:" + std::to_string(port) + " недоступен"));
    BOOST_TEST(contains(down.summary(), "не доставлено: " + std::to_string(q.queued)));
    auto history = store::openCheckHistory(*s.store);
    for (const auto& m : history->messages("stupeni", "")) {
      BOOST_TEST(m.status == store::MessageStatus::Failed);
      BOOST_TEST(m.attempts == 1);
      BOOST_TEST(contains(m.lastError, "недоступен"));
    }
    // Still down on the retry: two attempts each, nothing lost.
    BOOST_TEST(app::deliverOutbox(*s.store, smtpAt(port), *s.clock).failed == q.queued);
    // The server is up on that port now: the next run delivers every message once.
    SmtpCapture smtp(dir.path() / "mail", port);
    const auto up = app::deliverOutbox(*s.store, smtpAt(port), *s.clock);
    BOOST_TEST(up.sent == q.queued);
    BOOST_TEST(up.failed == 0);
    BOOST_TEST(smtp.messages().size() == static_cast<size_t>(q.queued));
    for (const auto& m : history->messages("stupeni", "")) {
      BOOST_TEST(m.status == store::MessageStatus::Sent);
      BOOST_TEST(m.attempts == 3);
      BOOST_TEST(m.sentAt.has_value());
    }
    BOOST_TEST(app::deliverOutbox(*s.store, smtpAt(port), *s.clock).sent == 0);
    BOOST_TEST(smtp.messages().size() == static_cast<size_t>(q.queued));
  });
}

BOOST_AUTO_TEST_CASE(daily_class_teacher_summary_on_tiny) {
  const model::Journal j = tiny();
  const model::JournalIndex ix(j);
  // 12.09.2025 in 5А: the English lesson has nothing recorded.
  const auto s = app::buildDailySummary(ix, "5a", day("2025-09-12"));
  BOOST_TEST(s.className == "5А");
  BOOST_TEST(s.classTeacherId == "t3");
  BOOST_TEST(s.lessons == 3);
  BOOST_TEST(s.incomplete == 1);
  const std::vector<std::string> lines = {
      "Петров Д. О.:",
      "  3-й урок, Английский язык: не заполнено — тема урока, посещаемость, отметки",
  };
  BOOST_TEST(s.lines == lines, boost::test_tools::per_element());
  std::istringstream text(app::dailySummaryText(s));
  std::vector<std::string> got;
  for (std::string line; std::getline(text, line);) got.push_back(line);
  const std::vector<std::string> expected = {
      "Уважаемая Мария Петровна!",
      "",
      "Заполнение электронного журнала 5А класса за 12.09.2025 (уроков: 3).",
      "Не полностью заполнены уроки: 1.",
      "",
      "Петров Д. О.:",
      "  3-й урок, Английский язык: не заполнено — тема урока, посещаемость, отметки",
      "",
      "Просим напомнить учителям-предметникам заполнить журнал (п. 3.4 Положения об электронном журнале).",
      "",
      "Электронный журнал",
  };
  BOOST_TEST(got == expected, boost::test_tools::per_element());
  // 8Б the same day: every lesson filled in.
  const auto b = app::buildDailySummary(ix, "8b", day("2025-09-12"));
  BOOST_TEST(b.lessons == 4);
  BOOST_TEST(b.incomplete == 0);
  BOOST_TEST(b.lines.empty());
  BOOST_TEST(
      contains(app::dailySummaryText(b), "Все уроки заполнены: темы, посещаемость и отметки записаны.\n"));
  // A Saturday: no lessons.
  BOOST_TEST(app::buildDailySummary(ix, "5a", day("2025-09-13")).lessons == 0);
}

// The service: the deputy records a check over the API (the teacher's address from their service user), the
// message goes out through SMTP, the teacher reads their remarks and acknowledges them once (audited), the
// справка shows who has not acknowledged; a teacher may not record checks.
BOOST_AUTO_TEST_CASE(service_records_a_check_and_the_teacher_acknowledges) {
  for (const auto& backend : servicetest::backends()) {
    BOOST_TEST_CONTEXT("back end " << backend) {
      storetest::TempDir dir;
      SmtpCapture smtp(dir.path() / "mail");
      servicetest::Env env(backend, "followup_ack",
                           {{"smtp.host", "127.0.0.1"},
                            {"smtp.port", std::to_string(smtp.port())},
                            {"smtp.from", "ejournal@school.example"},
                            {"web.url", "https://journal.school.example/remarks"}});
      env.ingestTiny();
      const std::string admin = env.token(store::Role::Admin);
      auto patched = servicetest::call(env.port, "PATCH", "/api/v1/users/teacher", admin,
                                       servicetest::jsonBody({{"email", "morozova@school.example"}}));
      BOOST_REQUIRE_MESSAGE(patched.status == 200, patched.body);
      const std::string teacher = env.token(store::Role::Teacher);  // staff t6, Морозова А. В.
      BOOST_TEST(servicetest::call(env.port, "POST", "/api/v1/checks?from=2025-09-01&to=2025-09-12", teacher)
                     .status == 403);
      const std::string deputy = env.token(store::Role::Deputy);
      auto recorded =
          servicetest::call(env.port, "POST", "/api/v1/checks?from=2025-09-01&to=2025-09-12", deputy);
      BOOST_REQUIRE_MESSAGE(recorded.status == 201, recorded.body);
      const auto check = recorded.json();
      const std::string id = check->getValue<std::string>("id");
      BOOST_TEST(check->getValue<int>("new") == check->getValue<int>("found"));
      BOOST_TEST(contains(check->getValue<std::string>("message"), "Доставка: отправлено писем: 1"),
                 check->getValue<std::string>("message"));
      // Only Морозова has an address: exactly her message, with her remarks and the page's address.
      const auto got = smtp.messages();
      BOOST_REQUIRE(got.size() == 1u);
      BOOST_TEST(header(got[0], "To") == "morozova@school.example");
      BOOST_TEST(contains(got[0], "Уважаемая Анна Викторовна!"));
      BOOST_TEST(contains(got[0], "Английский язык (2 группа)"));
      BOOST_TEST(!contains(got[0], "Математика"));
      BOOST_TEST(contains(got[0], "https://journal.school.example/remarks"));
      // Her page's data.
      auto remarks = servicetest::call(env.port, "GET", "/api/v1/me/remarks", teacher);
      BOOST_REQUIRE_MESSAGE(remarks.status == 200, remarks.body);
      BOOST_TEST(!remarks.json()->getValue<bool>("acknowledged"));
      BOOST_TEST(remarks.json()->getArray("remarks")->size() > 0u);
      // The deputy's справка: she has not acknowledged yet.
      auto report = servicetest::call(
          env.port, "GET", "/api/v1/reports/control?from=2025-09-01&to=2025-09-12&format=text", deputy);
      BOOST_REQUIRE(report.status == 200);
      const std::string before = report.body.substr(report.body.find("Не ознакомлены с замечаниями"));
      BOOST_TEST(contains(before.substr(0, before.find('\n')), "Морозова А. В."), before);
      // «Ознакомлен(а)», once.
      auto ack = servicetest::call(env.port, "POST", "/api/v1/checks/" + id + "/acknowledge", teacher);
      BOOST_REQUIRE_MESSAGE(ack.status == 200, ack.body);
      BOOST_TEST(ack.json()->getValue<bool>("first"));
      auto again = servicetest::call(env.port, "POST", "/api/v1/checks/" + id + "/acknowledge", teacher);
      BOOST_TEST(!again.json()->getValue<bool>("first"));
      BOOST_TEST(servicetest::call(env.port, "POST", "/api/v1/checks/9999/acknowledge", teacher).status ==
                 404);
      BOOST_TEST(servicetest::call(env.port, "GET", "/api/v1/me/remarks", teacher)
                     .json()
                     ->getValue<bool>("acknowledged"));
      auto audit = servicetest::call(env.port, "GET", "/api/v1/audit?action=check.acknowledge", admin);
      BOOST_TEST(contains(audit.body, "\"check:" + id + "\""), audit.body);
      auto after = servicetest::call(
          env.port, "GET", "/api/v1/reports/control?from=2025-09-01&to=2025-09-12&format=text", deputy);
      const std::string line = after.body.substr(after.body.find("Не ознакомлены с замечаниями"));
      BOOST_TEST(!contains(line.substr(0, line.find('\n')), "Морозова"), line);
      BOOST_TEST(contains(after.body, "ознакомлен(а): 20.10.2025 10:00"));
      // The checks list carries the acknowledgement.
      auto list = servicetest::call(env.port, "GET", "/api/v1/checks", deputy);
      BOOST_TEST(contains(list.body, "\"staff\":\"t6\""), list.body);
    }
  }
}

// Staff e-mail addresses in the XML format (version 2): read, written back only when present, validated.
BOOST_AUTO_TEST_CASE(staff_email_in_the_xml_format) {
  std::string xml = model::readFile(fs::path(EJOURNAL_SOURCE_DIR) / "samples/tiny.xml");
  const std::string person = R"(<person id="t5" lastName="Петров")";
  BOOST_REQUIRE(xml.find(person) != std::string::npos);
  xml.replace(xml.find(person), person.size(),
              R"(<person id="t5" email="petrov@school.example" lastName="Петров")");
  xml.replace(xml.find(R"(version="1")"), 11, R"(version="2")");
  const model::Journal j = ingest::readJournal(xml, "tiny-email.xml");
  const model::JournalIndex ix(j);
  BOOST_TEST(ix.staff("t5")->email == "petrov@school.example");
  BOOST_TEST(ix.staff("t3")->email.empty());
  const std::string written = ingest::writeJournal(j);
  BOOST_TEST(contains(written, R"(version="2")"));
  BOOST_TEST(contains(written, R"(email="petrov@school.example")"));
  const model::Journal back = ingest::readJournal(written, "written.xml");
  BOOST_REQUIRE(back.staff.size() == j.staff.size());
  for (size_t i = 0; i < j.staff.size(); ++i) {
    BOOST_TEST(back.staff[i].id == j.staff[i].id);
    BOOST_TEST(back.staff[i].email == j.staff[i].email);
  }
  // Without addresses the writer keeps version 1, as before.
  BOOST_TEST(contains(ingest::writeJournal(tiny()), R"(version="1")"));
  // Not an address: refused by the schema, naming the line.
  std::string bad = xml;
  bad.replace(bad.find("petrov@school.example"), 21, "не адрес");
  BOOST_CHECK_THROW(ingest::readJournal(bad, "bad.xml"), std::exception);
}

// The jobs: the monthly control-report job records the check and queues the remarks; the notify job fails
// (and says why) while the SMTP server is down, and the run after it is up delivers the message once.
BOOST_AUTO_TEST_CASE(jobs_record_the_monthly_check_and_retry_delivery) {
  for (const auto& backend : servicetest::backends()) {
    BOOST_TEST_CONTEXT("back end " << backend) {
      storetest::TempDir dir;
      int port = 0;
      {
        Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
        port = probe.address().port();
      }
      servicetest::Env env(backend, "followup_jobs",
                           {{"smtp.host", "127.0.0.1"},
                            {"smtp.port", std::to_string(port)},
                            {"smtp.from", "ejournal@school.example"},
                            {"smtp.timeout", "5"},
                            {"jobs.control-report.enabled", "true"},
                            {"jobs.control-report.schedule", "monthly 1 06:00"},
                            {"jobs.notify.enabled", "true"},
                            {"jobs.notify.schedule", "every 30"}});
      env.ingestTiny();
      const std::string admin = env.token(store::Role::Admin);
      BOOST_REQUIRE(servicetest::call(env.port, "PATCH", "/api/v1/users/teacher", admin,
                                      servicetest::jsonBody({{"email", "morozova@school.example"}}))
                        .status == 200);
      // The monthly job: the report, the recorded check, the queued remarks; the server is down.
      auto monthly = servicetest::call(env.port, "POST", "/api/v1/jobs/control-report/run", admin, "{}");
      BOOST_REQUIRE_MESSAGE(monthly.status == 200, monthly.body);
      const std::string said = monthly.json()->getValue<std::string>("message");
      BOOST_TEST(contains(said, "Проверка № 1 от 20.10.2025"), said);
      BOOST_TEST(contains(said, "не доставлено: 1"), said);
      // The notify job fails while the server is down, naming it.
      auto down = servicetest::call(env.port, "POST", "/api/v1/jobs/notify/run", admin, "{}");
      BOOST_TEST(down.status == 502, down.body);
      BOOST_TEST(contains(down.body, "недоступен"), down.body);
      // Up now: one message, once.
      SmtpCapture smtp(dir.path() / "mail", port);
      auto up = servicetest::call(env.port, "POST", "/api/v1/jobs/notify/run", admin, "{}");
      BOOST_REQUIRE_MESSAGE(up.status == 200, up.body);
      BOOST_TEST(contains(up.body, "отправлено писем: 1"), up.body);
      auto again = servicetest::call(env.port, "POST", "/api/v1/jobs/notify/run", admin, "{}");
      BOOST_TEST(contains(again.body, "отправлено писем: 0"), again.body);
      const auto got = smtp.messages();
      BOOST_REQUIRE(got.size() == 1u);
      BOOST_TEST(header(got[0], "To") == "morozova@school.example");
      BOOST_TEST(header(got[0], "Subject") ==
                 "Замечания по электронному журналу: проверка от 20.10.2025, устранить до 05.11.2025");
      // Five school days: 21–24.10, then the autumn holidays (25.10–04.11), then 05.11.
      // The deputy's list of checks shows it.
      auto list = servicetest::call(env.port, "GET", "/api/v1/checks", env.token(store::Role::Deputy));
      BOOST_TEST(contains(list.body, "\"actor\":\"scheduler\""), list.body);
    }
  }
}

// The command line: `ejournal check --record` twice (unchanged data: nothing new, nothing corrected), the
// outbox, delivery with `ejournal notify --smtp`, the справка's follow-up, the daily summaries.
BOOST_AUTO_TEST_CASE(cli_check_record_notify_and_report) {
  storetest::TempDir dir;
  std::string xml = model::readFile(fs::path(EJOURNAL_SOURCE_DIR) / "samples/tiny.xml");
  for (const char* id : {"t3", "t4", "t5", "t6", "t7"}) {
    const std::string person = std::string("<person id=\"") + id + "\"";
    xml.replace(xml.find(person), person.size(), person + " email=\"" + id + "@school.example\"");
  }
  xml.replace(xml.find(R"(version="1")"), 11, R"(version="2")");
  model::writeFileAtomic(dir.path() / "tiny.xml", xml);
  const std::string db = "--db=" + (dir.path() / "cli.db").string();
  ::setenv("EJOURNAL_NOW", "2025-09-15T17:00:00", 1);
  auto cli = [&](std::vector<std::string> args) { return testsupport::runCli(args, dir.path()); };
  BOOST_REQUIRE(cli({"ingest", db, (dir.path() / "tiny.xml").string()}).code == 0);
  auto first = cli({"check", db, "--from", "2025-09-01", "--to", "2025-09-12", "--record"});
  BOOST_TEST(first.code == 1);  // findings
  BOOST_TEST(contains(first.err, "Проверка № 1 от 15.09.2025: замечаний 14 (новых 14"), first.err);
  BOOST_TEST(contains(first.err, "Сообщений учителям в очереди: 5"), first.err);
  BOOST_TEST(contains(first.out, "тема урока не записана"));  // the check's own output as before
  auto second = cli({"check", db, "--from", "2025-09-01", "--to", "2025-09-12", "--record"});
  BOOST_TEST(contains(second.err,
                      "Проверка № 2 от 15.09.2025: замечаний 14 (новых 0, не устранено 14, выявлено "
                      "повторно 0); устранено 0."),
             second.err);
  auto list = cli({"notify", db, "--list"});
  BOOST_TEST(list.code == 0, list.err);
  size_t lines = 0;
  for (char ch : list.out) lines += ch == '\n';
  BOOST_TEST(lines == 10u, list.out);  // five teachers, two checks
  SmtpCapture smtp(dir.path() / "mail");
  auto sent = cli({"notify", db, "--smtp", "127.0.0.1:" + std::to_string(smtp.port()), "--from",
                   "ejournal@school.example", "--daily", "--date", "2025-09-12"});
  BOOST_TEST(sent.code == 0, sent.err);
  BOOST_TEST(contains(sent.out, "Сводки классным руководителям за 12.09.2025: в очереди 2"), sent.out);
  BOOST_TEST(contains(sent.out, "Доставка: отправлено писем: 12"), sent.out);
  BOOST_TEST(smtp.messages().size() == 12u);
  BOOST_TEST(contains(cli({"notify", db, "--smtp", "127.0.0.1:" + std::to_string(smtp.port()), "--from",
                           "ejournal@school.example"})
                          .out,
                      "отправлено писем: 0"));
  auto report = cli({"report", "control", db, "--from", "2025-09-01", "--to", "2025-09-12"});
  BOOST_TEST(
      contains(report.out, "Устранение замечаний (проверка от 15.09.2025, срок устранения — до 22.09.2025)"),
      report.out);
  BOOST_TEST(contains(report.out, "  устранено после проверки от 15.09.2025: 0\n"));
  // Bad options say what is wrong, in Russian.
  auto bad = cli({"notify", db, "--smtp", "127.0.0.1:notaport", "--from", "x@y.z"});
  BOOST_TEST(bad.code == 2);
  BOOST_TEST(contains(bad.err, "неверный порт «notaport»"), bad.err);
  BOOST_TEST(cli({"notify", db}).code == 2);
  ::unsetenv("EJOURNAL_NOW");
}

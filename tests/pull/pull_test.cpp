// The dnevnik.ru client against our emulator over real loopback HTTP: a clean pull equals the source on the
// fields the API carries; every API variant the emulator serves (a date-only `to` read as midnight, final
// marks in the allfinalmarks shape) ends with the same journal and the same store as the plain one, and an
// unknown final-marks shape is a clear error that stores nothing; marks posted after the range for its
// lessons are pulled; faults (429, 500, HTML pages, slow, malformed) end with the same data; 401/403 give a
// clear error and store nothing; ids beyond 2^53 survive; a second pull changes nothing; a changed mark
// arrives as a change with history (through the real SQLite and PostgreSQL stores); the CLI command through
// the built binaries.
#define BOOST_TEST_MODULE pull
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "ejournal/ingest/dnevnik.h"
#include "ejournal/model/files.h"
#include "emulator.h"
#include "hand_journal.h"
#if EJOURNAL_HAVE_SAMPLES
#include "ejournal/samples/generator.h"
#endif
#if EJOURNAL_HAVE_STORE
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>

#include <mutex>
#include <regex>

#include "ejournal/store/store.h"
#endif

namespace ejournal::model {
// Printing for Boost.Test messages.
std::ostream& operator<<(std::ostream& o, const MarkValue& v) { return o << v.toString(); }
std::ostream& operator<<(std::ostream& o, const DateTime& v) { return o << v.toString(); }
std::ostream& operator<<(std::ostream& o, const Date& v) { return o << v.toString(); }
}  // namespace ejournal::model

using namespace ejournal;
using namespace ejournal::ingest;
using pulltest::DnevnikEmulator;
using pulltest::EmulatorOptions;
using pulltest::Fault;
using pulltest::FaultKind;
using pulltest::FinalMarksShape;

namespace {

model::Date d(int y, int m, int day) { return model::Date::fromYmd(y, m, day); }

std::string opt(const std::optional<model::DateTime>& t) { return t ? t->toString() : "-"; }

// The journal restricted to lessons (and their marks and attendance) within the range.
model::Journal within(const model::Journal& j, model::DateRange r) {
  model::Journal out = j;
  out.lessons.clear();
  out.marks.clear();
  out.attendance.clear();
  std::set<std::string> ids;
  for (auto& l : j.lessons)
    if (r.contains(l.date)) out.lessons.push_back(l), ids.insert(l.id);
  for (auto& m : j.marks)
    if (ids.count(m.lessonId)) out.marks.push_back(m);
  for (auto& a : j.attendance)
    if (ids.count(a.lessonId)) out.attendance.push_back(a);
  return out;
}

enum class Compare {
  Carried,  // only what the API carries (a fresh pull without a stored journal)
  Full,     // everything (a pull given the stored journal)
};

// Lines describing every difference between the source and the pulled journal.
std::vector<std::string> differences(const model::Journal& src, const model::Journal& got, Compare how) {
  std::vector<std::string> out;
  auto check = [&](const std::string& what, const std::string& a, const std::string& b) {
    if (a != b) out.push_back(what + ": source «" + a + "», pulled «" + b + "»");
  };
  auto str = [](auto v) { return std::to_string(v); };
  check("school.id", src.school.id, got.school.id);
  check("school.shortName", src.school.shortName, got.school.shortName);
  check("school.fullName", src.school.fullName, got.school.fullName);
  if (how == Compare::Full) {
    check("school.director", src.school.director, got.school.director);
    check("year", src.year.label() + src.year.start.toString() + src.year.end.toString(),
          got.year.label() + got.year.start.toString() + got.year.end.toString());
    check("holidays", str(src.holidays.size()), str(got.holidays.size()));
    check("curriculum", str(src.curriculum.size()), str(got.curriculum.size()));
    check("timetable", str(src.timetable.size()), str(got.timetable.size()));
  }
  std::map<std::string, const model::Period*> periods;
  for (auto& p : got.periods) periods[p.id] = &p;
  check("periods", str(src.periods.size()), str(got.periods.size()));
  for (auto& p : src.periods) {
    auto* g = periods.count(p.id) ? periods[p.id] : nullptr;
    if (!g) {
      out.push_back("period " + p.id + " missing");
      continue;
    }
    check(
        "period " + p.id,
        str(static_cast<int>(p.kind)) + str(p.number) + p.dates.from.toString() + p.dates.to.toString(),
        str(static_cast<int>(g->kind)) + str(g->number) + g->dates.from.toString() + g->dates.to.toString());
    if (how == Compare::Full)
      check("period grades " + p.id, str(p.gradeFrom) + "-" + str(p.gradeTo),
            str(g->gradeFrom) + "-" + str(g->gradeTo));
  }
  std::map<std::string, const model::Staff*> staff;
  for (auto& s : got.staff) staff[s.id] = &s;
  check("staff", str(src.staff.size()), str(got.staff.size()));
  for (auto& s : src.staff) {
    auto* g = staff.count(s.id) ? staff[s.id] : nullptr;
    if (!g) {
      out.push_back("staff " + s.id + " missing");
      continue;
    }
    check("staff " + s.id, s.fullName() + "|" + s.position, g->fullName() + "|" + g->position);
  }
  std::map<std::string, const model::Subject*> subjects;
  for (auto& s : got.subjects) subjects[s.id] = &s;
  check("subjects", str(src.subjects.size()), str(got.subjects.size()));
  for (auto& s : src.subjects) {
    auto* g = subjects.count(s.id) ? subjects[s.id] : nullptr;
    if (!g) {
      out.push_back("subject " + s.id + " missing");
      continue;
    }
    check("subject " + s.id, s.name, g->name);
    // Read off the data by the pull: two marks in a cell (Work.markCount), taught without marks (no mark at
    // all).
    check("subject marking " + s.id, str(static_cast<int>(s.grading)) + "/" + str(s.twoMarksPerCell),
          str(static_cast<int>(g->grading)) + "/" + str(g->twoMarksPerCell));
    if (how == Compare::Full)
      check("subject order " + s.id, s.shortName + str(s.order), g->shortName + str(g->order));
  }
  std::map<std::string, const model::SchoolClass*> classes;
  for (auto& c : got.classes) classes[c.id] = &c;
  check("classes", str(src.classes.size()), str(got.classes.size()));
  for (auto& c : src.classes) {
    auto* g = classes.count(c.id) ? classes[c.id] : nullptr;
    if (!g) {
      out.push_back("class " + c.id + " missing");
      continue;
    }
    check("class " + c.id, c.name() + "|" + c.classTeacherId, g->name() + "|" + g->classTeacherId);
  }
  std::map<std::string, const model::Student*> students;
  for (auto& s : got.students) students[s.id] = &s;
  check("students", str(src.students.size()), str(got.students.size()));
  for (auto& s : src.students) {
    auto* g = students.count(s.id) ? students[s.id] : nullptr;
    if (!g) {
      out.push_back("student " + s.id + " missing");
      continue;
    }
    auto enr = [&](const model::Student& x) {
      std::set<std::string> classes;
      std::string full;
      for (auto& e : x.enrolments)
        classes.insert(e.classId),
            full += e.classId + e.from.toString() + (e.to ? e.to->toString() : "") + ";";
      std::string c;
      for (auto& k : classes) c += k + ";";
      return how == Compare::Full ? full : c;
    };
    check("student " + s.id, s.fullName() + "|" + enr(s), g->fullName() + "|" + enr(*g));
  }
  std::map<std::string, const model::Subgroup*> subgroups;
  for (auto& s : got.subgroups) subgroups[s.id] = &s;
  check("subgroups", str(src.subgroups.size()), str(got.subgroups.size()));
  for (auto& s : src.subgroups) {
    auto* g = subgroups.count(s.id) ? subgroups[s.id] : nullptr;
    if (!g) {
      out.push_back("subgroup " + s.id + " missing");
      continue;
    }
    auto members = [&](const model::Subgroup& x) {
      std::set<std::string> ids;
      for (auto& m : x.members) ids.insert(m.studentId + (how == Compare::Full ? m.from.toString() : ""));
      std::string c;
      for (auto& k : ids) c += k + ";";
      return c;
    };
    check("subgroup " + s.id,
          s.classId + "|" + s.subjectId + "|" + s.name + "|" + s.teacherId + "|" + members(s),
          g->classId + "|" + g->subjectId + "|" + g->name + "|" + g->teacherId + "|" + members(*g));
  }
  std::map<std::string, const model::Lesson*> lessons;
  for (auto& l : got.lessons) lessons[l.id] = &l;
  check("lessons", str(src.lessons.size()), str(got.lessons.size()));
  for (auto& l : src.lessons) {
    auto* g = lessons.count(l.id) ? lessons[l.id] : nullptr;
    if (!g) {
      out.push_back("lesson " + l.id + " missing");
      continue;
    }
    auto text = [&](const model::Lesson& x) {
      std::string teachers = how == Compare::Full
                                 ? x.teacherId + "/" + x.substituteTeacherId + "/" + str(x.hours)
                                 : (x.substituteTeacherId.empty() ? x.teacherId : x.substituteTeacherId);
      std::string s = x.date.toString() + "|" + str(x.slot) + "|" + x.classId + "|" + x.subgroupId + "|" +
                      x.subjectId + "|" + teachers + "|" + x.topic + "|" +
                      (x.topic.empty() ? "" : opt(x.topicEnteredAt) + "|" + x.topicEnteredBy) + "|" +
                      x.homework + "|" + str(x.attendanceTaken) + "|" + opt(x.attendanceEnteredAt);
      for (auto& w : x.works)
        s += "|" + w.id + ":" + std::string(model::toString(w.type)) + ":" + w.topic + ":" + str(w.weight);
      return s;
    };
    check("lesson " + l.id, text(l), text(*g));
  }
  std::map<std::string, const model::Mark*> marks;
  for (auto& m : got.marks) marks[m.id] = &m;
  check("marks", str(src.marks.size()), str(got.marks.size()));
  for (auto& m : src.marks) {
    auto* g = marks.count(m.id) ? marks[m.id] : nullptr;
    if (!g) {
      out.push_back("mark " + m.id + " missing");
      continue;
    }
    auto text = [&](const model::Mark& x) {
      std::string s = x.studentId + "|" + x.lessonId + "|" + x.workId + "|" + x.value.toString() + "|" +
                      str(x.weight) + "|" + x.enteredAt.toString();
      if (how == Compare::Full) s += "|" + x.enteredBy + "|" + str(x.history.size());
      return s;
    };
    check("mark " + m.id, text(m), text(*g));
  }
  std::map<std::string, const model::Attendance*> attendance;
  for (auto& a : got.attendance) attendance[a.lessonId + "/" + a.studentId] = &a;
  check("attendance", str(src.attendance.size()), str(got.attendance.size()));
  for (auto& a : src.attendance) {
    auto k = a.lessonId + "/" + a.studentId;
    auto* g = attendance.count(k) ? attendance[k] : nullptr;
    if (!g) {
      out.push_back("attendance " + k + " missing");
      continue;
    }
    check("attendance " + k, std::string(model::toString(a.status)) + opt(a.enteredAt),
          std::string(model::toString(g->status)) + opt(g->enteredAt));
  }
  std::map<std::string, const model::PeriodMark*> pms;
  auto pkey = [](const model::PeriodMark& p) {
    return p.studentId + "/" + p.subjectId + "/" + std::string(model::toString(p.kind)) + "/" + p.periodId;
  };
  for (auto& p : got.periodMarks) pms[pkey(p)] = &p;
  check("period marks", str(src.periodMarks.size()), str(got.periodMarks.size()));
  for (auto& p : src.periodMarks) {
    auto* g = pms.count(pkey(p)) ? pms[pkey(p)] : nullptr;
    if (!g) {
      out.push_back("period mark " + pkey(p) + " missing");
      continue;
    }
    check("period mark " + pkey(p), p.classId + p.value.toString() + opt(p.enteredAt) + p.enteredBy,
          g->classId + g->value.toString() + opt(g->enteredAt) + g->enteredBy);
  }
  return out;
}

void expectSame(const model::Journal& src, const model::Journal& got, Compare how) {
  auto diffs = differences(src, got, how);
  for (size_t i = 0; i < std::min<size_t>(diffs.size(), 15); ++i) BOOST_TEST_MESSAGE(diffs[i]);
  BOOST_TEST(diffs.empty(), diffs.size() << " differences, first: " << (diffs.empty() ? "" : diffs.front()));
}

struct Sleeps {
  std::vector<std::chrono::milliseconds> delays;
};

// The time of the tests' pulls (the marks window ends the day after it): just after the default range.
const model::Clock& pullClock() {
  static const model::FixedClock clock(model::DateTime{d(2025, 11, 1), 3 * 3600});
  return clock;
}

dnevnik::PullOptions options(const DnevnikEmulator& emu, Sleeps* sleeps = nullptr) {
  dnevnik::PullOptions o;
  o.clock = &pullClock();
  o.connection.baseUrl = emu.baseUrl();
  o.connection.token = "emulator-token";
  o.connection.timeout = std::chrono::milliseconds(5000);
  o.dates = model::DateRange{d(2025, 9, 1), d(2025, 10, 31)};
  o.retry.sleep = [sleeps](std::chrono::milliseconds ms) {
    if (sleeps) sleeps->delays.push_back(ms);
  };
  return o;
}

const model::Journal& hand() {
  static const model::Journal j = pulltest::handJournal();
  return j;
}

// The API variants the emulator serves; every one must give what the plain one gives.
struct Variant {
  const char* name;
  bool dateOnlyEndIsMidnight;
  FinalMarksShape finalMarks;
  bool periodsGroupSpelling;
  bool zeroBasedPeriodNumbers;
};
const Variant kVariants[] = {
    {"plain", false, FinalMarksShape::PersonFinalMarks, false, false},
    {"date-only to is midnight", true, FinalMarksShape::PersonFinalMarks, false, false},
    {"allfinalmarks", false, FinalMarksShape::AllFinalMarks, false, false},
    {"reporting-periods-group", false, FinalMarksShape::PersonFinalMarks, true, false},
    {"period numbers from 0", false, FinalMarksShape::PersonFinalMarks, false, true},
    {"allfinalmarks with period numbers from 0", false, FinalMarksShape::AllFinalMarks, false, true},
    {"all at once", true, FinalMarksShape::AllFinalMarks, true, true},
};

EmulatorOptions variantOptions(const Variant& v) {
  EmulatorOptions eo;
  eo.dateOnlyEndIsMidnight = v.dateOnlyEndIsMidnight;
  eo.finalMarks = v.finalMarks;
  eo.periodsGroupSpelling = v.periodsGroupSpelling;
  eo.zeroBasedPeriodNumbers = v.zeroBasedPeriodNumbers;
  return eo;
}

// Ids renumbered in the order the journal lists them, so two pulls of the same school under different ids (a
// shared PostgreSQL database never sees one school twice) compare field by field.
model::Journal canonical(const model::Journal& j) { return pulltest::withNumericIds(j, 1); }

model::Lesson& lessonOn(model::Journal& j, model::Date day, const std::string& subjectId) {
  auto it = std::find_if(j.lessons.begin(), j.lessons.end(),
                         [&](auto& l) { return l.date == day && l.subjectId == subjectId; });
  BOOST_REQUIRE(it != j.lessons.end());
  return *it;
}

// The hand-made school with a control work on the last lesson day of the first quarter (Thursday 23 October,
// physics in 10Б) whose marks are posted in the range's last second, just after it, 3 and 5 days later; one
// more mark of that lesson posted in the second quarter; and a second-quarter lesson marked within the marks
// window.
model::Journal lateMarks() {
  model::Journal j = hand();
  model::Lesson& last = lessonOn(j, d(2025, 10, 23), "3003");
  last.works.push_back(
      {"700003", model::WorkType::Control, "Контрольная работа № 2 «Прямолинейное движение»", 2});
  std::erase_if(j.marks, [&](const model::Mark& m) { return m.lessonId == last.id; });
  auto mark = [&](std::string id, std::string student, const model::Lesson& l, std::string work, int value,
                  model::DateTime at) {
    model::Mark m;
    m.id = std::move(id);
    m.studentId = std::move(student);
    m.lessonId = l.id;
    m.workId = std::move(work);
    m.weight = m.workId.empty() ? 1 : 2;
    m.value = model::MarkValue{model::MarkKind::Points, value};
    m.enteredAt = at;
    m.enteredBy = l.teacherId;
    j.marks.push_back(m);
  };
  mark("890001", "5005", last, "700003", 5, {d(2025, 10, 24), 86399});      // the range's last second
  mark("890002", "5006", last, "700003", 4, {d(2025, 10, 25), 0});          // the first second after it
  mark("890003", "5007", last, "700003", 3, {d(2025, 10, 26), 16 * 3600});  // 3 days after the lesson
  mark("890004", "5008", last, "700003", 4, {d(2025, 10, 28), 16 * 3600});  // 5 days after
  mark("890005", "5005", last, "", 5, {d(2025, 12, 1), 9 * 3600});          // in the second quarter
  model::Lesson next = last;  // a second-quarter lesson, marked while the first quarter's window is open
  next.id = "690001";
  next.date = d(2025, 11, 6);
  next.works.clear();
  next.topic = "Равномерное движение";
  next.topicEnteredAt = model::DateTime{next.date, 15 * 3600};
  next.attendanceEnteredAt = model::DateTime{next.date, 12 * 3600};
  j.lessons.push_back(next);
  mark("890006", "5006", next, "", 5, {next.date, 16 * 3600});
  return j;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(client)

BOOST_AUTO_TEST_CASE(clean_pull_equals_the_source_on_what_the_api_carries) {
  DnevnikEmulator emu(hand());
  dnevnik::PullStats stats;
  std::vector<size_t> partSizes;
  model::Journal got;
  bool first = true;
  stats = dnevnik::pull(options(emu), [&](const model::Journal& part) {
    BOOST_TEST(part.school.id == "1001");
    if (first) {
      BOOST_TEST(!part.students.empty());  // the reference data comes first
      BOOST_TEST(part.lessons.empty());
      got = part;
      first = false;
    } else {
      BOOST_TEST(part.students.empty());
      got.lessons.insert(got.lessons.end(), part.lessons.begin(), part.lessons.end());
      got.marks.insert(got.marks.end(), part.marks.begin(), part.marks.end());
      got.attendance.insert(got.attendance.end(), part.attendance.begin(), part.attendance.end());
      got.periodMarks.insert(got.periodMarks.end(), part.periodMarks.begin(), part.periodMarks.end());
    }
    partSizes.push_back(part.lessons.size());
  });
  BOOST_TEST(stats.parts == 4u);  // reference, September, October, period marks
  BOOST_TEST(stats.problems.empty());
  BOOST_TEST(stats.retries == 0u);
  BOOST_TEST(stats.requests == emu.requests());
  expectSame(hand(), got, Compare::Carried);
  // Every request carried the token in the Access-Token header (the emulator refuses others) and used /v2/.
  for (auto& r : emu.requestLog()) BOOST_TEST(r.find(" /v2/") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(pull_given_the_stored_journal_equals_the_source_in_full) {
  DnevnikEmulator emu(hand());
  auto o = options(emu);
  o.existing = &hand();
  model::Journal got = dnevnik::pullJournal(o);
  expectSame(hand(), got, Compare::Full);
  // The substitution is told from the stored timetable.
  auto it = std::find_if(got.lessons.begin(), got.lessons.end(),
                         [](auto& l) { return !l.substituteTeacherId.empty(); });
  BOOST_REQUIRE(it != got.lessons.end());
  BOOST_TEST(it->teacherId == "2006");
  BOOST_TEST(it->substituteTeacherId == "2003");
}

BOOST_AUTO_TEST_CASE(faults_end_with_the_same_data_as_a_clean_pull) {
  EmulatorOptions eo;
  eo.faults = {
      {FaultKind::TooManyRequests, "/lessons/", 1, 2, 3, 0},
      {FaultKind::ServerError, "/marks/", 0, 1, 1, 0},
      {FaultKind::HtmlError, "/reporting-periods", 0, 1, 1, 0},
      {FaultKind::Malformed, "lesson-log-entries", 0, 1, 1, 0},
      {FaultKind::Slow, "/final-marks", 0, 1, 1, 3000},
  };
  DnevnikEmulator emu(hand(), eo);
  Sleeps sleeps;
  auto o = options(emu, &sleeps);
  o.connection.timeout = std::chrono::milliseconds(1000);
  dnevnik::PullStats stats;
  model::Journal got = dnevnik::pullJournal(o, &stats);
  BOOST_TEST(emu.faultsFired() == 6u);
  BOOST_TEST(stats.retries >= 6u);  // more only if the loaded machine made a normal answer time out
  BOOST_TEST(sleeps.delays.size() == stats.retries);
  // Retry-After: 3 was honoured for both 429s.
  BOOST_TEST(std::count(sleeps.delays.begin(), sleeps.delays.end(), std::chrono::milliseconds(3000)) == 2);
  expectSame(hand(), got, Compare::Carried);

  DnevnikEmulator clean(hand());
  model::Journal reference = dnevnik::pullJournal(options(clean));
  expectSame(reference, got, Compare::Full);
}

BOOST_AUTO_TEST_CASE(retries_are_bounded_with_exponential_backoff) {
  EmulatorOptions eo;
  eo.faults = {{FaultKind::ServerError, "/subjects", 0, -1, 1, 0}};
  DnevnikEmulator emu(hand(), eo);
  Sleeps sleeps;
  auto o = options(emu, &sleeps);
  o.retry.maxAttempts = 4;
  o.retry.initialDelay = std::chrono::milliseconds(100);
  bool sinkCalled = false;
  try {
    dnevnik::pull(o, [&](const model::Journal&) { sinkCalled = true; });
    BOOST_FAIL("the pull should fail");
  } catch (const Error& e) {
    BOOST_TEST(static_cast<int>(e.kind()) == static_cast<int>(ErrorKind::Internal));
    BOOST_TEST(e.message().find("4 попыток") != std::string::npos, e.what());
    BOOST_TEST(e.message().find("apiServerError") != std::string::npos, e.what());
    BOOST_TEST(e.where().find("/v2/schools/1001/subjects") != std::string::npos, e.where());
  }
  BOOST_TEST(!sinkCalled);
  BOOST_REQUIRE(sleeps.delays.size() == 3u);
  BOOST_TEST(sleeps.delays[0].count() == 100);
  BOOST_TEST(sleeps.delays[1].count() == 200);
  BOOST_TEST(sleeps.delays[2].count() == 400);
}

BOOST_AUTO_TEST_CASE(expired_token_gives_a_clear_error_and_nothing_is_handed_over) {
  DnevnikEmulator emu(hand());
  emu.setToken("a-new-token");  // ours has expired
  bool sinkCalled = false;
  try {
    dnevnik::pull(options(emu), [&](const model::Journal&) { sinkCalled = true; });
    BOOST_FAIL("the pull should fail");
  } catch (const Error& e) {
    BOOST_TEST(static_cast<int>(e.kind()) == static_cast<int>(ErrorKind::Denied));
    BOOST_TEST(e.message().find("HTTP 401") != std::string::npos, e.what());
    BOOST_TEST(e.message().find("authorizationInvalidToken") != std::string::npos, e.what());
    BOOST_TEST(e.message().find("токен") != std::string::npos, e.what());
  }
  BOOST_TEST(!sinkCalled);
  BOOST_TEST(emu.requests() == 1u);  // 401 is not retried
}

BOOST_AUTO_TEST_CASE(a_401_late_in_the_pull_hands_over_nothing) {
  EmulatorOptions eo;
  eo.faults = {{FaultKind::Unauthorized, "/marks/", 3, 1, 1, 0}};
  DnevnikEmulator emu(hand(), eo);
  bool sinkCalled = false;
  BOOST_CHECK_THROW(dnevnik::pull(options(emu), [&](const model::Journal&) { sinkCalled = true; }), Error);
  BOOST_TEST(!sinkCalled);
}

BOOST_AUTO_TEST_CASE(school_out_of_scope_gives_403) {
  DnevnikEmulator emu(hand());
  auto o = options(emu);
  o.schoolId = "424242";
  try {
    dnevnik::pullJournal(o);
    BOOST_FAIL("the pull should fail");
  } catch (const Error& e) {
    BOOST_TEST(static_cast<int>(e.kind()) == static_cast<int>(ErrorKind::Denied));
    BOOST_TEST(e.message().find("HTTP 403") != std::string::npos, e.what());
    BOOST_TEST(e.message().find("authorizationOutOfScope") != std::string::npos, e.what());
  }
}

BOOST_AUTO_TEST_CASE(ids_beyond_2_pow_53_survive_exactly) {
  const uint64_t base = (uint64_t{1} << 53) + 1;  // 9007199254740993: not representable as a double
  model::Journal huge = pulltest::withNumericIds(hand(), base);
  EmulatorOptions eo;
  eo.lossyNumbers = true;
  DnevnikEmulator emu(huge, eo);
  // The numeric fields really are rounded on the wire; only the *_str twins are exact.
  auto transport =
      dnevnik::makeHttpTransport({emu.baseUrl(), "emulator-token", std::chrono::milliseconds(5000), ""});
  auto res = transport->send({"GET", "/v2/schools/" + huge.school.id, ""});
  BOOST_TEST(res.status == 200);
  BOOST_TEST(res.body.find("\"id\":9007199254740992") != std::string::npos, res.body);
  BOOST_TEST(res.body.find("\"id_str\":\"9007199254740993\"") != std::string::npos, res.body);

  auto o = options(emu);
  o.schoolId = huge.school.id;
  model::Journal got = dnevnik::pullJournal(o);
  expectSame(huge, got, Compare::Carried);
}

BOOST_AUTO_TEST_CASE(a_second_pull_changes_nothing_and_a_changed_mark_has_history) {
  DnevnikEmulator emu(hand());
  auto o = options(emu);
  model::Journal first = dnevnik::pullJournal(o);
  o.existing = &first;
  model::Journal second = dnevnik::pullJournal(o);
  expectSame(first, second, Compare::Full);

  const model::Mark& m = hand().marks.at(5);
  const model::MarkValue two{model::MarkKind::Points, 2}, three{model::MarkKind::Points, 3};
  const model::MarkValue changed = m.value == two ? three : two;
  const model::DateTime when{d(2025, 10, 30), 10 * 3600};
  BOOST_REQUIRE(emu.setMark(m.id, changed, when));
  o.existing = &second;
  model::Journal third = dnevnik::pullJournal(o);
  auto it = std::find_if(third.marks.begin(), third.marks.end(), [&](auto& x) { return x.id == m.id; });
  BOOST_REQUIRE(it != third.marks.end());
  BOOST_TEST(it->value == changed);
  BOOST_TEST(it->enteredAt == when);
  BOOST_REQUIRE(it->history.size() == 1u);
  BOOST_TEST(*it->history[0].oldValue == m.value);
  BOOST_TEST(*it->history[0].newValue == changed);
  BOOST_TEST(it->history[0].at == when);
}

BOOST_AUTO_TEST_CASE(a_period_name_is_resolved_against_the_reporting_periods) {
  DnevnikEmulator emu(hand());
  auto o = options(emu);
  o.dates.reset();
  o.period = "2025-Q1";
  dnevnik::PullStats stats;
  model::Journal got = dnevnik::pullJournal(o, &stats);
  BOOST_TEST(stats.dates.from == d(2025, 9, 1));
  BOOST_TEST(stats.dates.to == d(2025, 10, 24));
  expectSame(within(hand(), stats.dates), got, Compare::Carried);

  o.period = "2025-Q7";
  try {
    dnevnik::pullJournal(o);
    BOOST_FAIL("unknown period accepted");
  } catch (const Error& e) {
    BOOST_TEST(static_cast<int>(e.kind()) == static_cast<int>(ErrorKind::NotFound));
    BOOST_TEST(e.message().find("2025-Q1, ") != std::string::npos, e.what());
  }
  o.period.clear();
  o.dates = model::DateRange{d(2025, 10, 1), d(2025, 9, 1)};
  BOOST_CHECK_THROW(dnevnik::pullJournal(o), Error);
}

BOOST_AUTO_TEST_CASE(weekly_splitting_gives_the_same_data) {
  DnevnikEmulator emu(hand());
  auto o = options(emu);
  o.split = dnevnik::RangeSplit::Week;
  o.attendanceBatch = 7;
  dnevnik::PullStats stats;
  model::Journal got = dnevnik::pullJournal(o, &stats);
  expectSame(hand(), got, Compare::Carried);
  BOOST_TEST(stats.parts > 4u);
}

BOOST_AUTO_TEST_CASE(every_api_variant_gives_the_same_journal_as_the_plain_one) {
  DnevnikEmulator plainEmu(hand());
  const model::Journal plain = dnevnik::pullJournal(options(plainEmu));
  for (const Variant& v : kVariants) {
    BOOST_TEST_CONTEXT("variant " << v.name) {
      DnevnikEmulator emu(hand(), variantOptions(v));
      dnevnik::PullStats stats;
      model::Journal got = dnevnik::pullJournal(options(emu), &stats);
      for (auto& p : stats.problems) BOOST_TEST_MESSAGE(p);
      BOOST_TEST(stats.problems.empty());
      BOOST_TEST(got.periodMarks.size() == hand().periodMarks.size());
      BOOST_TEST(got.holidays.size() == hand().holidays.size());
      expectSame(hand(), got, Compare::Carried);
      expectSame(plain, got, Compare::Full);
      auto o = options(emu);
      o.existing = &hand();
      expectSame(hand(), dnevnik::pullJournal(o), Compare::Full);
      // Every ranged request names its times: a date-only end would be midnight on such deployments.
      for (const std::string& r : emu.requestLog())
        if (r.find("/lessons/") != std::string::npos || r.find("/marks/") != std::string::npos) {
          BOOST_TEST(r.find("T00:00:00/") != std::string::npos, r);
          BOOST_TEST(r.find("T23:59:59") != std::string::npos, r);
        }
    }
  }
}

BOOST_AUTO_TEST_CASE(the_midnight_variant_really_drops_the_last_day_of_a_date_only_range) {
  // Without this the variant test above could not fail: the switch must change what a date-only range
  // returns.
  EmulatorOptions eo;
  eo.dateOnlyEndIsMidnight = true;
  DnevnikEmulator emu(hand(), eo);
  DnevnikEmulator plain(hand());
  auto count = [](const DnevnikEmulator& e, const std::string& target) {
    auto transport =
        dnevnik::makeHttpTransport({e.baseUrl(), "emulator-token", std::chrono::milliseconds(5000), ""});
    auto res = transport->send({"GET", target, ""});
    BOOST_REQUIRE(res.status == 200);
    size_t n = 0;
    for (size_t p = res.body.find("\"title\""); p != std::string::npos; p = res.body.find("\"title\"", p + 1))
      ++n;
    return n;
  };
  // Tuesday 30 September: the two English subgroups of 10Б (4101, 4102) have a lesson.
  const std::string dateOnly = "/v2/edu-groups/4101/lessons/2025-09-01/2025-09-30";
  const std::string explicitTimes = "/v2/edu-groups/4101/lessons/2025-09-01T00:00:00/2025-09-30T23:59:59";
  BOOST_TEST(count(plain, dateOnly) == count(plain, explicitTimes));
  BOOST_TEST(count(emu, dateOnly) + 1 == count(emu, explicitTimes));
  BOOST_TEST(count(emu, explicitTimes) == count(plain, explicitTimes));
}

BOOST_AUTO_TEST_CASE(marks_posted_after_the_range_for_its_lessons_are_pulled_and_kept_by_lesson) {
  const model::Journal src = lateMarks();
  DnevnikEmulator emu(src);
  const model::FixedClock inTheSecondQuarter(model::DateTime{d(2025, 12, 20), 12 * 3600});
  auto o = options(emu);
  o.clock = &inTheSecondQuarter;
  o.dates.reset();
  o.period = "2025-Q1";  // 1 September - 24 October
  dnevnik::PullStats stats;
  model::Journal got = dnevnik::pullJournal(o, &stats);
  BOOST_TEST(stats.problems.empty());
  expectSame(within(src, {d(2025, 9, 1), d(2025, 10, 24)}), got, Compare::Carried);
  std::set<std::string> ids;
  for (auto& m : got.marks) ids.insert(m.id);
  for (const char* id : {"890001", "890002", "890003", "890004", "890005"})
    BOOST_TEST(ids.count(id) == 1u, id);
  BOOST_TEST(ids.count("890006") == 0u);  // its lesson is in the second quarter, outside the range
  BOOST_TEST(std::none_of(got.lessons.begin(), got.lessons.end(), [](auto& l) { return l.id == "690001"; }));
  // The control work's marks sit in its column, in the part of their lesson's month.
  auto late = std::find_if(got.marks.begin(), got.marks.end(), [](auto& m) { return m.id == "890004"; });
  BOOST_REQUIRE(late != got.marks.end());
  BOOST_TEST(late->workId == "700003");
  BOOST_TEST(late->enteredAt == (model::DateTime{d(2025, 10, 28), 16 * 3600}));
  // The marks were asked for up to the day after the pull, the lessons only for the range.
  const auto log = emu.requestLog();
  auto asked = [&](const std::string& s) {
    return std::any_of(log.begin(), log.end(), [&](auto& r) { return r.find(s) != std::string::npos; });
  };
  BOOST_TEST(asked("/marks/2025-12-01T00:00:00/2025-12-21T23:59:59"));
  BOOST_TEST(!asked("/lessons/2025-10-25"));
  BOOST_TEST(asked("/lessons/2025-10-01T00:00:00/2025-10-24T23:59:59"));
}

BOOST_AUTO_TEST_CASE(an_unknown_final_marks_shape_is_an_error_naming_the_request_and_its_keys) {
  EmulatorOptions eo;
  eo.finalMarks = FinalMarksShape::Unknown;
  DnevnikEmulator emu(hand(), eo);
  bool sinkCalled = false;
  try {
    dnevnik::pull(options(emu), [&](const model::Journal&) { sinkCalled = true; });
    BOOST_FAIL("the pull should fail");
  } catch (const Error& e) {
    BOOST_TEST(static_cast<int>(e.kind()) == static_cast<int>(ErrorKind::Input));
    BOOST_TEST(e.where().find("GET /v2/edu-groups/") == 0u, e.where());
    BOOST_TEST(e.where().find("/final-marks") != std::string::npos, e.where());
    BOOST_TEST(e.message().find("неизвестном виде") != std::string::npos, e.what());
    BOOST_TEST(e.message().find("«items», «totalCount»") != std::string::npos, e.what());
    BOOST_TEST(e.message().find("Ничего не загружено") != std::string::npos, e.what());
  }
  BOOST_TEST(!sinkCalled);
}

BOOST_AUTO_TEST_CASE(a_bad_base_url_and_an_empty_token_are_input_errors) {
  dnevnik::PullOptions o;
  o.connection.baseUrl = "ftp://example.org";
  o.connection.token = "x";
  o.dates = model::DateRange{d(2025, 9, 1), d(2025, 9, 30)};
  BOOST_CHECK_THROW(dnevnik::pullJournal(o), Error);
  o.connection.token.clear();
  BOOST_CHECK_THROW(dnevnik::pullJournal(o), Error);
}

BOOST_AUTO_TEST_CASE(provenance_names_the_source_and_a_fresh_run) {
  model::FixedClock clock(model::DateTime{d(2026, 5, 31), 18 * 3600});
  auto a = dnevnik::pullProvenance("https://api.dnevnik.ru", clock);
  auto b = dnevnik::pullProvenance("https://api.dnevnik.ru", clock);
  BOOST_TEST(a.source == "dnevnik:https://api.dnevnik.ru");
  BOOST_TEST(a.runId.rfind("pull-20260531T180000-", 0) == 0u, a.runId);
  BOOST_TEST(a.runId != b.runId);
  BOOST_TEST(a.at == clock.now());
}

BOOST_AUTO_TEST_SUITE_END()

#if EJOURNAL_HAVE_SAMPLES
BOOST_AUTO_TEST_CASE(generated_sample_first_quarter_round_trips) {
  samples::SampleOptions so;
  so.classes = 11;
  model::Journal src = pulltest::withNumericIds(samples::generate(so).journal, 1000000);
  DnevnikEmulator emu(src);
  auto o = options(emu);
  // At the end of the year: the marks window then holds every mark of the quarter's lessons, however late.
  const model::FixedClock atTheYearEnd(model::DateTime{d(2026, 5, 31), 18 * 3600});
  o.clock = &atTheYearEnd;
  o.dates.reset();
  o.period = "2025-Q1";
  dnevnik::PullStats stats;
  const auto t0 = std::chrono::steady_clock::now();
  model::Journal got = dnevnik::pullJournal(o, &stats);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  BOOST_TEST_MESSAGE("sample Q1: " << stats.requests << " requests, " << stats.lessons << " lessons, "
                                   << stats.marks << " marks in " << ms << " ms");
  for (auto& p : stats.problems) BOOST_TEST_MESSAGE(p);
  // The one notice: ОРКСЭ has no mark in the whole school, so the pull takes it for a subject taught without
  // marks (as the sample says it is).
  BOOST_TEST(stats.problems.size() == 1u);
  for (auto& p : stats.problems)
    BOOST_TEST(p.find("«Основы религиозных культур и светской этики»") != std::string::npos, p);
  model::Journal expected = within(src, stats.dates);
  expectSame(expected, got, Compare::Carried);
}
#endif

#if EJOURNAL_HAVE_STORE
namespace {

// A fresh directory under the system temp dir, removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("ejournal-pull-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

// One pull into a store, as cmd_pull does it: the stored journal of the school and range is the `existing`
// one.
store::IngestSummary pullInto(store::Store& st, dnevnik::PullOptions o, const model::Clock& clock) {
  o.loadExisting = [&](const std::string& school, model::DateRange r) -> std::optional<model::Journal> {
    auto known = st.schools();
    if (std::find(known.begin(), known.end(), school) == known.end()) return std::nullopt;
    return st.load(store::LoadFilter{school, r, ""});
  };
  auto tx = st.beginIngest(dnevnik::pullProvenance(o.connection.baseUrl, clock));
  dnevnik::pull(o, [&](const model::Journal& part) { tx->upsert(part); });
  return tx->commit();
}

// A new, empty PostgreSQL database on the server scripts/pg.sh started (EJOURNAL_PG), dropped when the test
// program ends: a store holds one school, so every pull into PostgreSQL gets a database of its own.
std::string freshPostgres() {
  static std::once_flag once;
  std::call_once(once, [] { Poco::Data::PostgreSQL::Connector::registerConnector(); });
  static int n = 0;
  const std::string base = std::getenv("EJOURNAL_PG");
  const std::string name = "ejpull_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
  static struct Dropper {
    std::string base;
    std::vector<std::string> names;
    ~Dropper() {
      try {
        Poco::Data::Session admin("PostgreSQL", base);
        for (const auto& db : names)
          admin << "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)", Poco::Data::Keywords::now;
      } catch (...) {  // the cluster is thrown away by scripts/pg.sh anyway
      }
    }
  } dropper{base, {}};
  Poco::Data::Session admin("PostgreSQL", base);
  admin << "CREATE DATABASE " + name, Poco::Data::Keywords::now;
  dropper.names.push_back(name);
  std::string conn = std::regex_replace(base, std::regex(R"(dbname\s*=\s*\S+)"), "dbname=" + name);
  if (conn == base) conn += " dbname=" + name;
  return "postgresql:" + conn;
}

// The SQLite file in `dir`, and a fresh PostgreSQL database when scripts/pg.sh exported EJOURNAL_PG.
std::vector<std::string> connections(const TempDir& dir) {
  std::vector<std::string> out{(dir.path / "pull.db").string()};
  if (const char* pg = std::getenv("EJOURNAL_PG"); pg && *pg) out.push_back(freshPostgres());
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(through_the_store)

BOOST_AUTO_TEST_CASE(pull_repull_and_a_changed_mark_with_history) {
  TempDir dir;
  model::FixedClock clock(model::DateTime{d(2025, 11, 1), 3 * 3600});
  for (const std::string& conn : connections(dir)) {
    BOOST_TEST_CONTEXT("store " << conn) {
      // Distinct ids per run, so a shared PostgreSQL database never sees a school twice.
      const uint64_t base = 7000000000000ull + static_cast<uint64_t>(::getpid()) * 100000ull +
                            (conn.rfind("postgresql:", 0) == 0 ? 50000u : 0u);
      const model::Journal src = pulltest::withNumericIds(hand(), base);
      DnevnikEmulator emu(src);
      auto st = store::Store::open(conn);
      auto o = options(emu);
      o.schoolId = src.school.id;

      store::IngestSummary first = pullInto(*st, o, clock);
      BOOST_TEST(first.inserted >= src.lessons.size() + src.marks.size() + src.attendance.size());
      BOOST_TEST(first.updated == 0u);
      model::Journal stored =
          st->load(store::LoadFilter{src.school.id, model::DateRange{d(2025, 9, 1), d(2025, 10, 31)}, ""});
      expectSame(src, stored, Compare::Carried);

      store::IngestSummary second = pullInto(*st, o, clock);
      BOOST_TEST(second.inserted == 0u);
      BOOST_TEST(second.updated == 0u);
      BOOST_TEST(second.markChanges == 0u);
      BOOST_TEST(second.unchanged >= first.inserted);

      const model::Mark& m = src.marks.at(10);
      const model::MarkValue two{model::MarkKind::Points, 2}, five{model::MarkKind::Points, 5};
      const model::MarkValue changed = m.value == two ? five : two;
      const model::DateTime when{d(2025, 10, 29), 14 * 3600};
      BOOST_REQUIRE(emu.setMark(m.id, changed, when));
      store::IngestSummary third = pullInto(*st, o, clock);
      BOOST_TEST(third.inserted == 0u);
      BOOST_TEST(third.updated == 1u);
      BOOST_TEST(third.markChanges == 1u);
      stored =
          st->load(store::LoadFilter{src.school.id, model::DateRange{d(2025, 9, 1), d(2025, 10, 31)}, ""});
      auto it = std::find_if(stored.marks.begin(), stored.marks.end(), [&](auto& x) { return x.id == m.id; });
      BOOST_REQUIRE(it != stored.marks.end());
      BOOST_TEST(it->value == changed);
      BOOST_REQUIRE(!it->history.empty());
      const model::MarkChange& c = it->history.back();
      BOOST_TEST(c.oldValue.has_value());
      if (c.oldValue) BOOST_TEST(*c.oldValue == m.value);
      BOOST_TEST(c.newValue.has_value());
      if (c.newValue) BOOST_TEST(*c.newValue == changed);
      BOOST_TEST(c.at == when);

      // Pulling once more records the change only once.
      store::IngestSummary fourth = pullInto(*st, o, clock);
      BOOST_TEST(fourth.updated == 0u);
      BOOST_TEST(fourth.markChanges == 0u);
    }
  }
}

BOOST_AUTO_TEST_CASE(every_api_variant_ends_with_the_same_store_as_the_plain_one) {
  TempDir dir;
  for (const std::string& conn : connections(dir)) {
    BOOST_TEST_CONTEXT("store " << conn) {
      const bool pg = conn.rfind("postgresql:", 0) == 0;
      std::optional<model::Journal> plain;
      uint64_t k = 0;
      for (const Variant& v : kVariants) {
        BOOST_TEST_CONTEXT("variant " << v.name) {
          // A fresh store (a SQLite file or a PostgreSQL database) per variant: a store that already holds
          // the plain pull would hide what a variant loses. Same digit count for every base, so canonical()
          // lines the ids up.
          const uint64_t base = 7100000000000ull + static_cast<uint64_t>(::getpid()) * 100000ull +
                                (pg ? 50000u : 0u) + 10000u * ++k;
          const model::Journal src = pulltest::withNumericIds(hand(), base);
          DnevnikEmulator emu(src, variantOptions(v));
          auto st = store::Store::open(pg ? freshPostgres()
                                          : (dir.path / ("variant-" + std::to_string(k) + ".db")).string());
          auto o = options(emu);
          o.schoolId = src.school.id;
          store::IngestSummary summary = pullInto(*st, o, pullClock());
          BOOST_TEST(summary.inserted >= src.lessons.size() + src.marks.size() + src.attendance.size());
          model::Journal stored = st->load(
              store::LoadFilter{src.school.id, model::DateRange{d(2025, 9, 1), d(2025, 10, 31)}, ""});
          expectSame(src, stored, Compare::Carried);
          BOOST_TEST(stored.periodMarks.size() == src.periodMarks.size());
          BOOST_TEST(stored.holidays.size() == src.holidays.size());
          if (!plain)
            plain = canonical(stored);
          else
            expectSame(*plain, canonical(stored), Compare::Full);
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(an_unknown_final_marks_shape_stores_nothing) {
  TempDir dir;
  for (const std::string& conn : connections(dir)) {
    BOOST_TEST_CONTEXT("store " << conn) {
      const uint64_t base = 7200000000000ull + static_cast<uint64_t>(::getpid()) * 100000ull +
                            (conn.rfind("postgresql:", 0) == 0 ? 50000u : 0u);
      const model::Journal src = pulltest::withNumericIds(hand(), base);
      EmulatorOptions eo;
      eo.finalMarks = FinalMarksShape::Unknown;
      DnevnikEmulator emu(src, eo);
      auto st = store::Store::open(conn);
      auto o = options(emu);
      o.schoolId = src.school.id;
      BOOST_CHECK_THROW(pullInto(*st, o, pullClock()), Error);
      auto schools = st->schools();
      BOOST_TEST(std::count(schools.begin(), schools.end(), src.school.id) == 0);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_rejected_token_stores_nothing) {
  TempDir dir;
  model::FixedClock clock(model::DateTime{d(2025, 11, 1), 3 * 3600});
  EmulatorOptions eo;
  eo.faults = {{FaultKind::Unauthorized, "lesson-log-entries", 0, 1, 1, 0}};  // late in the pull
  DnevnikEmulator emu(hand(), eo);
  auto st = store::Store::open((dir.path / "pull.db").string());
  BOOST_CHECK_THROW(pullInto(*st, options(emu), clock), Error);
  BOOST_TEST(st->schools().empty());
}

BOOST_AUTO_TEST_SUITE_END()

// ---- the CLI through the built binaries ----

namespace {

struct Process {
  pid_t pid = -1;
  explicit Process(const std::vector<std::string>& argv) {
    pid = ::fork();
    if (pid == 0) {
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
  }
  ~Process() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      int status = 0;
      ::waitpid(pid, &status, 0);
    }
  }
};

struct Run {
  int code = -1;
  std::string out, err;
};

Run runEjournal(const std::filesystem::path& dir, const std::string& args) {
  const std::string bin = std::string(EJOURNAL_BINARY_DIR) + "/app/ejournal";
  const auto out = dir / "stdout.txt", err = dir / "stderr.txt";
  const std::string cmd = "'" + bin + "' " + args + " >'" + out.string() + "' 2>'" + err.string() + "'";
  int status = std::system(cmd.c_str());
  Run r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = model::readFile(out);
  r.err = model::readFile(err);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(cli_pull_against_the_emulator_program) {
  BOOST_REQUIRE_MESSAGE(std::filesystem::exists(std::string(EJOURNAL_BINARY_DIR) + "/app/ejournal"),
                        "build app/ejournal first (a full build precedes ctest)");
  TempDir dir;
  const auto portFile = dir.path / "port";
  Process emulator({EJOURNAL_EMULATOR, "--builtin", "--port", "0", "--port-file", portFile.string(),
                    "--token", "cli-token", "--fault", "429:/marks/:0:1:1", "--fault",
                    "malformed:/lessons/:1:1"});
  for (int i = 0; i < 200 && !std::filesystem::exists(portFile); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  BOOST_REQUIRE(std::filesystem::exists(portFile));
  std::string port = model::readFile(portFile);
  port.erase(port.find_last_not_of("\n") + 1);
  const std::string url = "http://127.0.0.1:" + port;
  model::writeFileAtomic(dir.path / "token", "cli-token\n");
  model::writeFileAtomic(dir.path / "bad-token", "expired\n");
  const std::string db = (dir.path / "cli.db").string();
  const std::string common =
      "--base-url " + url + " --token-file '" + (dir.path / "token").string() + "' --db '" + db + "'";

  Run first = runEjournal(dir.path, "pull " + common + " --period 2025-Q1 --progress");
  BOOST_TEST(first.code == 0, first.err);
  // --progress on a standard error that is not a terminal: plain lines with the requests and the waits for
  // the API's limit (issue 15); the summary on standard output stays as it is.
  BOOST_TEST(first.err.find("загрузка из dnevnik.ru: запросов ") != std::string::npos, first.err);
  BOOST_TEST(first.err.find("ожидание ") != std::string::npos, first.err);
  BOOST_TEST(first.err.find("ответов 429 (ограничение API) 1") != std::string::npos, first.err);
  BOOST_TEST(first.out.find("загрузка из dnevnik.ru:") == std::string::npos, first.out);
  const size_t q1Lessons = within(hand(), {d(2025, 9, 1), d(2025, 10, 24)}).lessons.size();
  BOOST_TEST(first.out.find("уроков " + std::to_string(q1Lessons) + ",") != std::string::npos, first.out);
  BOOST_TEST(first.out.find("повторов 2") != std::string::npos,
             first.out);  // the 429 and the malformed answer

  Run again = runEjournal(dir.path, "pull " + common + " --from 2025-09-01 --to 2025-10-24");
  BOOST_TEST(again.code == 0, again.err);
  BOOST_TEST(again.out.find("новых записей 0, изменённых 0") != std::string::npos, again.out);

  auto st = store::Store::open(db);
  BOOST_TEST(st->schools() == std::vector<std::string>{"1001"});
  model::Journal stored =
      st->load(store::LoadFilter{"1001", model::DateRange{d(2025, 9, 1), d(2025, 10, 24)}, ""});
  expectSame(within(hand(), {d(2025, 9, 1), d(2025, 10, 24)}), stored, Compare::Carried);

  Run denied =
      runEjournal(dir.path, "pull --base-url " + url + " --token-file '" + (dir.path / "bad-token").string() +
                                "' --db '" + (dir.path / "denied.db").string() + "' --period 2025-Q1");
  BOOST_TEST(denied.code == 2);
  BOOST_TEST(denied.err.find("HTTP 401") != std::string::npos, denied.err);

  Run usage = runEjournal(dir.path, "pull " + common);
  BOOST_TEST(usage.code == 2);
  BOOST_TEST(usage.err.find("--period") != std::string::npos, usage.err);
}
#endif

// Tests of the journal XML format and the secure ingest: the schema accepts the tiny sample; every kind of
// bad or hostile document is refused with its problem at the right line:column; cross-reference errors are
// located; the canonical writer round-trips byte for byte; parts are handed out in bounded batches.
#define BOOST_TEST_MODULE ingest
#include "ejournal/ingest/ingest.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>

#include "ejournal/model/files.h"

namespace ej = ejournal;
using ej::ingest::Problem;

namespace {

std::string tinyXml() {
  return ej::model::readFile(std::filesystem::path(EJOURNAL_SOURCE_DIR) / "samples/tiny.xml");
}

// A minimal valid document; the line numbers in the comments are what the tests locate.
const std::string kMinimal = R"(<?xml version="1.0" encoding="UTF-8"?>
<journal xmlns="urn:ejournal:journal:1" version="1">
  <school id="sc" fullName="Школа № 1" shortName="Школа № 1"/>
  <year startYear="2025" from="2025-09-01" to="2026-05-31"/>
  <staff>
    <person id="t1" lastName="Иванова" firstName="Мария"/>
  </staff>
  <subjects>
    <subject id="math" name="Математика" order="1" grading="marked"/>
  </subjects>
  <classes>
    <class id="5a" grade="5" letter="А" teacher="t1"/>
  </classes>
  <students>
    <student id="s1" lastName="Петров" firstName="Пётр">
      <enrolment class="5a" from="2025-09-01"/>
    </student>
  </students>
  <lessons>
    <lesson id="l1" date="2025-09-01" slot="1" class="5a" subject="math" teacher="t1"/>
  </lessons>
  <marks>
    <mark id="m1" student="s1" lesson="l1" value="5" at="2025-09-01T15:00:00" by="t1"/>
  </marks>
</journal>
)";
// Lines: 3 school, 6 person, 12 class, 15 student, 20 lesson, 23 mark, 25 </journal>.

std::string replaced(std::string doc, const std::string& from, const std::string& to) {
  const size_t at = doc.find(from);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, "test document lacks: " + from);
  doc.replace(at, from.size(), to);
  return doc;
}

std::vector<Problem> problemsOf(std::string_view doc, const ej::ingest::ReadOptions& options = {}) {
  try {
    (void)ej::ingest::readJournal(doc, "doc.xml", options);
  } catch (const ej::ingest::InvalidDocument& e) {
    BOOST_TEST((e.kind() == ej::ErrorKind::Input));
    return e.problems();
  }
  return {};
}

std::string dump(const std::vector<Problem>& problems) {
  std::string out;
  for (const auto& p : problems) out += p.toString() + "\n";
  return out;
}

// The first problem is at line:column and its message contains `text`; with `only`, it is the only one.
enum class Count { Only, First };
void expectOne(const std::string& doc, int line, int column, const std::string& text,
               Count count = Count::Only) {
  const auto problems = problemsOf(doc);
  BOOST_TEST_INFO("problems:\n" << dump(problems));
  BOOST_REQUIRE(!problems.empty());
  if (count == Count::Only) BOOST_REQUIRE_EQUAL(problems.size(), 1u);
  BOOST_TEST(problems[0].file == "doc.xml");
  BOOST_TEST(problems[0].line == line);
  BOOST_TEST(problems[0].column == column);
  BOOST_TEST(problems[0].message.find(text) != std::string::npos, problems[0].message);
}

long peakRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// A TCP listener on 127.0.0.1 that counts connection attempts: proof that nothing was fetched.
class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    BOOST_REQUIRE(::listen(fd_, 16) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~Listener() { ::close(fd_); }
  int port() const { return port_; }
  int accepted() {
    int n = 0;
    for (int c; (c = ::accept(fd_, nullptr, nullptr)) >= 0; ++n) ::close(c);
    return n;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(schema)

BOOST_AUTO_TEST_CASE(tiny_sample_is_valid_and_complete) {
  const auto j = ej::ingest::readJournal(tinyXml(), "tiny.xml");
  BOOST_TEST(j.school.id == "stupeni");
  BOOST_TEST(j.year.startYear == 2025);
  BOOST_TEST(j.year.start.toString() == "2025-09-01");
  BOOST_TEST(j.periods.size() == 7u);
  BOOST_TEST(j.holidays.size() == 3u);
  BOOST_TEST(j.staff.size() == 7u);
  BOOST_TEST(j.subjects.size() == 4u);
  BOOST_TEST(j.classes.size() == 2u);
  BOOST_TEST(j.students.size() == 12u);
  BOOST_TEST(j.subgroups.size() == 2u);
  BOOST_TEST(j.curriculum.size() == 8u);
  BOOST_TEST(j.plan.size() == 47u);
  BOOST_TEST(j.timetable.size() == 29u);
  BOOST_TEST(j.lessons.size() == 58u);
  BOOST_TEST(j.marks.size() == 219u);
  BOOST_TEST(j.attendance.size() == 8u);
  BOOST_TEST(j.periodMarks.size() == 11u);

  // A few documented facts (samples/tiny.md).
  BOOST_TEST(j.subjects[1].twoMarksPerCell);
  const auto& s16 = j.students[11];
  BOOST_TEST(s16.id == "s16");
  BOOST_REQUIRE(s16.enrolments.size() == 1u);
  BOOST_TEST(s16.enrolments[0].to.has_value());
  BOOST_TEST(s16.enrolments[0].to->toString() == "2025-09-05");
  BOOST_TEST(!j.students[10].middleName.size());
  const ej::model::Lesson* sub = nullptr;
  for (const auto& l : j.lessons)
    if (l.id == "l8b-0909-5") sub = &l;
  BOOST_REQUIRE(sub);
  BOOST_TEST(sub->substituteTeacherId == "t7");
  BOOST_TEST(sub->attendanceTaken);
  const ej::model::Mark* changed = nullptr;
  int withHistory = 0;
  for (const auto& m : j.marks)
    if (!m.history.empty()) {
      changed = &m;
      ++withHistory;
    }
  BOOST_TEST(withHistory == 1);
  BOOST_REQUIRE(changed);
  BOOST_TEST(changed->id == "m068");
  BOOST_REQUIRE(changed->history.size() == 2u);
  BOOST_TEST(!changed->history[0].oldValue.has_value());
  BOOST_TEST(changed->history[1].oldValue->toString() == "3");
  BOOST_TEST(changed->history[1].newValue->toString() == "4");
  BOOST_TEST(changed->value.toString() == "4");
  BOOST_TEST((j.plan.back().workType == ej::model::WorkType::Control));
  BOOST_TEST(!j.plan.back().homework);
}

BOOST_AUTO_TEST_CASE(minimal_document_is_valid) {
  BOOST_TEST(problemsOf(kMinimal).empty(), dump(problemsOf(kMinimal)));
}

BOOST_AUTO_TEST_CASE(bad_mark_value) {
  expectOne(replaced(kMinimal, R"(value="5")", R"(value="7")"), 23, 88, "недопустимое значение «7»");
}

BOOST_AUTO_TEST_CASE(bad_date) {
  expectOne(replaced(kMinimal, R"(date="2025-09-01")", R"(date="2025-13-40")"), 20, 88, "2025-13-40");
}

BOOST_AUTO_TEST_CASE(unknown_element) {
  expectOne(replaced(kMinimal, "  </staff>\n", "    <teacher id=\"t2\"/>\n  </staff>\n"), 7, 23, "teacher",
            Count::First);
}

BOOST_AUTO_TEST_CASE(missing_attribute) {
  expectOne(replaced(kMinimal, R"( class="5a" subject="math")", R"( subject="math")"), 20, 77, "class");
}

BOOST_AUTO_TEST_CASE(wrong_namespace) {
  expectOne(replaced(kMinimal, "urn:ejournal:journal:1", "urn:other:journal"), 2, 48,
            "urn:ejournal:journal:1");
}

BOOST_AUTO_TEST_CASE(no_namespace) {
  expectOne(replaced(kMinimal, R"( xmlns="urn:ejournal:journal:1")", ""), 2, 22, "без пространства имён");
}

BOOST_AUTO_TEST_CASE(doctype_with_external_dtd_is_refused_without_fetching) {
  Listener nobody;
  const std::string doc =
      replaced(kMinimal, "<journal ",
               "<!DOCTYPE journal SYSTEM \"http://127.0.0.1:" + std::to_string(nobody.port()) +
                   "/evil.dtd\">\n<journal ");
  const auto problems = problemsOf(doc);
  BOOST_REQUIRE_EQUAL(problems.size(), 1u);
  BOOST_TEST(problems[0].line == 2);
  BOOST_TEST(problems[0].message.find("DOCTYPE") != std::string::npos);
  BOOST_TEST(nobody.accepted() == 0);
}

BOOST_AUTO_TEST_CASE(xxe_file_entity_is_refused) {
  std::string host;
  std::getline(std::ifstream("/etc/hostname"), host);
  const std::string doc =
      replaced(replaced(kMinimal, "<journal ",
                        "<!DOCTYPE journal [<!ENTITY xxe SYSTEM \"file:///etc/hostname\">]>\n<journal "),
               R"(fullName="Школа № 1")", R"(fullName="&xxe;")");
  const auto problems = problemsOf(doc);
  BOOST_REQUIRE_EQUAL(problems.size(), 1u);
  BOOST_TEST(problems[0].line == 2);
  BOOST_TEST(problems[0].message.find("DOCTYPE") != std::string::npos);
  if (!host.empty()) BOOST_TEST(dump(problems).find(host) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(billion_laughs_is_refused_quickly_in_little_memory) {
  std::string dtd = "<!DOCTYPE journal [\n <!ENTITY lol \"lol\">\n";
  for (int i = 1; i <= 9; ++i)
    dtd += " <!ENTITY lol" + std::to_string(i) + " \"" + [&] {
      std::string r;
      for (int k = 0; k < 10; ++k) r += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
      return r;
    }() + "\">\n";
  dtd += "]>\n";
  const std::string doc = replaced(replaced(kMinimal, "<journal ", dtd + "<journal "),
                                   R"(fullName="Школа № 1")", R"(fullName="&lol9;")");
  const long before = peakRssKb();
  const auto start = std::chrono::steady_clock::now();
  const auto problems = problemsOf(doc);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_REQUIRE_EQUAL(problems.size(), 1u);
  BOOST_TEST(problems[0].message.find("DOCTYPE") != std::string::npos);
  BOOST_TEST(seconds < 1.0);
  BOOST_TEST(peakRssKb() - before < 20 * 1024);  // less than 20 MB more than before
}

BOOST_AUTO_TEST_CASE(deep_nesting_is_refused_fast) {
  std::string doc = R"(<?xml version="1.0" encoding="UTF-8"?>)"
                    "\n<journal xmlns=\"urn:ejournal:journal:1\" version=\"1\">\n";
  const int depth = 100000;
  doc.reserve(doc.size() + depth * 8);
  for (int i = 0; i < depth; ++i) doc += "<a>";
  for (int i = 0; i < depth; ++i) doc += "</a>";
  doc += "\n</journal>\n";
  const auto start = std::chrono::steady_clock::now();
  const auto problems = problemsOf(doc);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST(seconds < 1.0);
  BOOST_REQUIRE(!problems.empty());
  bool depthReported = false;
  for (const auto& p : problems) depthReported |= p.message.find("вложенность") != std::string::npos;
  BOOST_TEST(depthReported, dump(problems));
  BOOST_TEST(problems.size() <= 50u);
}

BOOST_AUTO_TEST_CASE(schema_location_elsewhere_is_ignored) {
  Listener other;
  const std::string doc = replaced(kMinimal, R"(version="1">)",
                                   "version=\"1\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                                   "xsi:schemaLocation=\"urn:ejournal:journal:1 "
                                   "http://127.0.0.1:" +
                                       std::to_string(other.port()) + "/other.xsd\">");
  BOOST_TEST(problemsOf(doc).empty(), dump(problemsOf(doc)));
  BOOST_TEST(other.accepted() == 0);
}

BOOST_AUTO_TEST_CASE(several_problems_at_once_in_document_order) {
  std::string doc = replaced(kMinimal, R"(value="5")", R"(value="6")");
  doc = replaced(doc, R"(date="2025-09-01" slot)", R"(date="2025-02-30" slot)");
  doc = replaced(doc, R"(<class id="5a" grade="5")", R"(<class id="5a" grade="12")");
  const auto problems = problemsOf(doc);
  BOOST_TEST_INFO(dump(problems));
  BOOST_REQUIRE_EQUAL(problems.size(), 3u);
  BOOST_TEST(problems[0].line == 12);
  BOOST_TEST(problems[1].line == 20);
  BOOST_TEST(problems[2].line == 23);
}

BOOST_AUTO_TEST_CASE(problems_are_capped) {
  std::string marks;
  for (int i = 0; i < 200; ++i)
    marks += "    <mark id=\"x" + std::to_string(i) +
             "\" student=\"s1\" lesson=\"l1\" value=\"9\" at=\"2025-09-01T15:00:00\"/>\n";
  const std::string doc = replaced(kMinimal, "  </marks>\n", marks + "  </marks>\n");
  ej::ingest::ReadOptions options;
  options.maxProblems = 10;
  BOOST_TEST(problemsOf(doc, options).size() == 10u);
  BOOST_TEST(problemsOf(doc).size() == 50u);
}

BOOST_AUTO_TEST_CASE(size_cap_before_parsing) {
  ej::ingest::ReadOptions options;
  options.maxBytes = 100;
  const auto problems = problemsOf(kMinimal, options);
  BOOST_REQUIRE_EQUAL(problems.size(), 1u);
  BOOST_TEST(problems[0].message.find("слишком велик") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(only_utf8) {
  const auto problems = problemsOf(replaced(kMinimal, R"(encoding="UTF-8")", R"(encoding="windows-1251")"));
  BOOST_REQUIRE_EQUAL(problems.size(), 1u);
  BOOST_TEST(problems[0].message.find("UTF-8") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(not_xml_at_all) {
  const auto problems = problemsOf("{\"journal\": 1}");
  BOOST_REQUIRE_EQUAL(problems.size(), 1u);
  BOOST_TEST(problems[0].line == 1);
  BOOST_TEST(problems[0].message.find("ошибка синтаксиса XML") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(newer_format_version_is_refused) {
  const auto problems = problemsOf(replaced(kMinimal, R"(version="1")", R"(version="3")"));
  BOOST_REQUIRE_EQUAL(problems.size(), 1u);
  BOOST_TEST(problems[0].line == 2);
  BOOST_TEST(problems[0].message.find("версия формата 3") != std::string::npos);
  // Version 2 (staff e-mail addresses) is this reader's own.
  BOOST_TEST(problemsOf(replaced(kMinimal, R"(version="1")", R"(version="2")")).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cross_references)

BOOST_AUTO_TEST_CASE(mark_for_unknown_student) {
  expectOne(replaced(kMinimal, R"(student="s1" lesson="l1")", R"(student="s9" lesson="l1")"), 23, 5,
            "оценка m1: неизвестный ученик «s9»");
}

BOOST_AUTO_TEST_CASE(mark_for_unknown_lesson) {
  expectOne(replaced(kMinimal, R"(lesson="l1" value)", R"(lesson="l2" value)"), 23, 5,
            "неизвестный урок «l2»");
}

BOOST_AUTO_TEST_CASE(lesson_of_unknown_class) {
  expectOne(replaced(kMinimal, R"(slot="1" class="5a")", R"(slot="1" class="9z")"), 20, 5,
            "урок l1: неизвестный класс «9z»");
}

BOOST_AUTO_TEST_CASE(lesson_by_unknown_teacher) {
  expectOne(replaced(kMinimal, R"(subject="math" teacher="t1")", R"(subject="math" teacher="t5")"), 20, 5,
            "неизвестный учитель «t5»");
}

BOOST_AUTO_TEST_CASE(lesson_outside_the_academic_year) {
  expectOne(replaced(kMinimal, R"(date="2025-09-01" slot)", R"(date="2026-06-15" slot)"), 20, 5,
            "вне учебного года 2025/2026");
}

BOOST_AUTO_TEST_CASE(enrolment_in_unknown_class) {
  expectOne(replaced(kMinimal, R"(<enrolment class="5a")", R"(<enrolment class="6b")"), 16, 7,
            "ученик s1: неизвестный класс «6b»");
}

BOOST_AUTO_TEST_CASE(duplicate_ids) {
  std::string doc =
      replaced(kMinimal, "  </lessons>\n",
               "    <lesson id=\"l1\" date=\"2025-09-02\" slot=\"1\" class=\"5a\" subject=\"math\" "
               "teacher=\"t1\"/>\n  </lessons>\n");
  doc = replaced(doc, "  </marks>\n",
                 "    <mark id=\"m1\" student=\"s1\" lesson=\"l1\" value=\"4\" "
                 "at=\"2025-09-01T15:00:00\"/>\n  </marks>\n");
  const auto problems = problemsOf(doc);
  BOOST_TEST_INFO(dump(problems));
  BOOST_REQUIRE_EQUAL(problems.size(), 2u);
  BOOST_TEST(problems[0].line == 21);
  BOOST_TEST(problems[0].message.find("повторяющийся идентификатор урока «l1»") != std::string::npos);
  BOOST_TEST(problems[1].line == 25);
  BOOST_TEST(problems[1].message.find("повторяющийся идентификатор оценки «m1»") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(located_in_a_large_document_across_batches) {
  // The tiny sample with an unknown student in its last mark, read in batches of 7 records: the location must
  // still be the mark's own line in the file.
  std::string doc = tinyXml();
  const std::string last = R"(<mark id="m219" student=")";
  const size_t at = doc.find(last);
  BOOST_REQUIRE(at != std::string::npos);
  doc.replace(at + last.size(), 3, "s99");
  const int line = 1 + static_cast<int>(std::count(doc.begin(), doc.begin() + static_cast<long>(at), '\n'));
  for (auto pipeline : {ej::ingest::Pipeline::Sequential, ej::ingest::Pipeline::Overlapped}) {
    ej::ingest::ReadOptions options;
    options.batchRecords = 7;
    options.pipeline = pipeline;
    const auto problems = problemsOf(doc, options);
    BOOST_TEST_INFO(dump(problems));
    BOOST_REQUIRE_EQUAL(problems.size(), 1u);
    BOOST_TEST(problems[0].line == line);
    BOOST_TEST(problems[0].column == 5);
  }
}

// A mapped file whose pages the reader releases behind itself (what the CLI's ingest and verify --content
// do): released offsets only grow and cover the document at the end, the journal read is the same, and a
// problem found late is still located at its line and column (the released bytes are read again from the
// file).
BOOST_AUTO_TEST_CASE(released_pages_are_read_again_to_locate_problems) {
  const std::filesystem::path path =
      std::filesystem::path(EJOURNAL_BINARY_DIR) / ("ingest-release-" + std::to_string(::getpid()) + ".xml");
  std::string bad = tinyXml();
  const std::string last = R"(<mark id="m219" student=")";
  bad.replace(bad.find(last) + last.size(), 3, "s99");
  for (const std::string& doc : {tinyXml(), bad}) {
    ej::model::writeFileAtomic(path, doc);
    const ej::model::InputFile file(path, doc.size());
    std::filesystem::remove(path);  // the mapping keeps the bytes
    BOOST_REQUIRE(file.mapped());
    for (auto pipeline : {ej::ingest::Pipeline::Sequential, ej::ingest::Pipeline::Overlapped}) {
      ej::ingest::ReadOptions options;
      options.batchRecords = 7;
      options.pipeline = pipeline;
      std::vector<size_t> released;
      options.release = [&](size_t upTo) {
        released.push_back(upTo);
        file.release(upTo);
      };
      ej::ingest::ReadOptions plain = options;
      plain.release = nullptr;
      if (doc == bad) {
        const auto expected = problemsOf(doc, plain);
        BOOST_REQUIRE_EQUAL(expected.size(), 1u);
        const auto problems = problemsOf(file.bytes(), options);
        BOOST_REQUIRE_EQUAL(problems.size(), 1u);
        BOOST_TEST(problems[0].toString() == expected[0].toString());
      } else {
        BOOST_TEST(ej::ingest::writeJournal(ej::ingest::readJournal(file.bytes(), "doc.xml", options)) ==
                   ej::ingest::writeJournal(ej::ingest::readJournal(doc, "doc.xml", plain)));
      }
      // The raw scan ends with "everything" (SIZE_MAX); then the parse releases behind each batch, in order.
      std::erase(released, std::numeric_limits<size_t>::max());
      BOOST_REQUIRE(released.size() >= 3u);
      BOOST_TEST(std::is_sorted(released.begin(), released.end()));
      BOOST_TEST(released.back() > (doc == bad ? doc.find(last) : doc.rfind("<periodMark ")));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(parts_and_round_trip)

BOOST_AUTO_TEST_CASE(parts_are_bounded_batches_with_reference_data_first) {
  ej::ingest::ReadOptions options;
  options.batchRecords = 50;
  for (auto pipeline : {ej::ingest::Pipeline::Sequential, ej::ingest::Pipeline::Overlapped}) {
    options.pipeline = pipeline;
    std::vector<size_t> sizes;
    size_t lessons = 0, marks = 0, attendance = 0, periodMarks = 0;
    bool referenceOnlyFirst = true;
    ej::ingest::readJournal(
        tinyXml(), "tiny.xml",
        [&](const ej::model::Journal& part) {
          BOOST_TEST(part.school.id == "stupeni");
          const size_t records =
              part.lessons.size() + part.marks.size() + part.attendance.size() + part.periodMarks.size();
          if (sizes.empty()) {
            BOOST_TEST(part.students.size() == 12u);
            referenceOnlyFirst &= records == 0;
          } else {
            referenceOnlyFirst &= part.students.empty() && part.staff.empty() && part.classes.empty();
            BOOST_TEST(records <= 50u);
          }
          sizes.push_back(records);
          lessons += part.lessons.size();
          marks += part.marks.size();
          attendance += part.attendance.size();
          periodMarks += part.periodMarks.size();
        },
        options);
    BOOST_TEST(referenceOnlyFirst);
    // 58 lessons -> 2 parts, 219 marks -> 5, 8 attendance -> 1, 11 period marks -> 1; plus the reference
    // part.
    BOOST_TEST(sizes.size() == 10u);
    BOOST_TEST(lessons == 58u);
    BOOST_TEST(marks == 219u);
    BOOST_TEST(attendance == 8u);
    BOOST_TEST(periodMarks == 11u);
  }
}

BOOST_AUTO_TEST_CASE(sequential_and_overlapped_read_the_same) {
  ej::ingest::ReadOptions a, b;
  a.pipeline = ej::ingest::Pipeline::Sequential;
  b.pipeline = ej::ingest::Pipeline::Overlapped;
  b.batchRecords = 3;
  BOOST_TEST(ej::ingest::writeJournal(ej::ingest::readJournal(tinyXml(), "tiny.xml", a)) ==
             ej::ingest::writeJournal(ej::ingest::readJournal(tinyXml(), "tiny.xml", b)));
}

BOOST_AUTO_TEST_CASE(crlf_line_ends_and_bom_read_the_same_in_small_batches) {
  // Chunk boundaries come from Xerces positions: they must hold with CR LF line ends and a byte-order mark.
  const std::string tiny = tinyXml();
  std::string crlf;
  for (char c : tiny) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  ej::ingest::ReadOptions options;
  options.batchRecords = 7;
  const std::string expected = ej::ingest::writeJournal(ej::ingest::readJournal(tiny, "tiny.xml"));
  BOOST_TEST((ej::ingest::writeJournal(ej::ingest::readJournal(crlf, "crlf.xml", options)) == expected));
  BOOST_TEST((ej::ingest::writeJournal(ej::ingest::readJournal("\xEF\xBB\xBF" + tiny, "bom.xml", options)) ==
              expected));
  // A cross-reference problem after a BOM is still located on its line and column.
  const auto problems = problemsOf(
      "\xEF\xBB\xBF" + replaced(kMinimal, R"(student="s1" lesson="l1")", R"(student="s9" lesson="l1")"));
  BOOST_REQUIRE_EQUAL(problems.size(), 1u);
  BOOST_TEST(problems[0].line == 23);
  BOOST_TEST(problems[0].column == 5);
}

BOOST_AUTO_TEST_CASE(whole_document_on_one_line) {
  std::string oneLine = tinyXml();
  for (auto& c : oneLine)
    if (c == '\n') c = ' ';
  ej::ingest::ReadOptions options;
  options.batchRecords = 5;
  const auto j = ej::ingest::readJournal(oneLine, "one-line.xml", options);
  BOOST_TEST(j.marks.size() == 219u);
}

BOOST_AUTO_TEST_CASE(round_trip_is_byte_identical_after_first_canonical_write) {
  const std::string first = ej::ingest::writeJournal(ej::ingest::readJournal(tinyXml(), "tiny.xml"));
  const std::string second = ej::ingest::writeJournal(ej::ingest::readJournal(first, "canonical.xml"));
  BOOST_TEST(first.size() > 40000u);
  BOOST_TEST((first == second));
  // Everything survived: the canonical text differs from the hand-made file only by its comment line.
  std::string tiny = tinyXml();
  const size_t comment = tiny.find("<!--");
  tiny.erase(comment, tiny.find("-->\n") + 4 - comment);
  BOOST_TEST((first == tiny));
}

BOOST_AUTO_TEST_CASE(writer_escapes_text_that_people_type) {
  auto j = ej::ingest::readJournal(kMinimal, "doc.xml");
  j.lessons[0].topic = "Сравнение: a < b & b > c, \"кавычки\"\tи\nперевод строки";
  j.lessons[0].homework = "  с пробелами по краям  ";
  const std::string xml = ej::ingest::writeJournal(j);
  const auto back = ej::ingest::readJournal(xml, "escaped.xml");
  BOOST_TEST(back.lessons[0].topic == j.lessons[0].topic);
  BOOST_TEST(back.lessons[0].homework == j.lessons[0].homework);
  BOOST_TEST(ej::ingest::writeJournal(back) == xml);
}

BOOST_AUTO_TEST_CASE(holiday_grade_range_round_trips_and_defaults_to_every_grade) {
  auto j = ej::ingest::readJournal(tinyXml(), "tiny.xml");
  BOOST_TEST(j.holidays[0].gradeFrom == 1);  // no attributes: every grade
  BOOST_TEST(j.holidays[0].gradeTo == 11);
  j.holidays[0].gradeFrom = j.holidays[0].gradeTo = 1;  // the extra February week of the first grades
  const std::string xml = ej::ingest::writeJournal(j);
  BOOST_TEST(xml.find("gradeFrom=\"1\" gradeTo=\"1\"") != std::string::npos);
  const auto back = ej::ingest::readJournal(xml, "holidays.xml");
  BOOST_TEST(back.holidays[0].appliesTo(1));
  BOOST_TEST(!back.holidays[0].appliesTo(2));
  BOOST_TEST(back.holidays[1].appliesTo(10));
}

BOOST_AUTO_TEST_CASE(values_with_surrounding_whitespace_are_trimmed) {
  const auto j = ej::ingest::readJournal(
      replaced(replaced(kMinimal, R"(date="2025-09-01" slot="1")", R"(date=" 2025-09-01 " slot=" 1 ")"),
               R"(student="s1" lesson="l1")", R"(student=" s1 " lesson="l1 ")"),
      "doc.xml");
  BOOST_TEST(j.lessons[0].date.toString() == "2025-09-01");
  BOOST_TEST(j.lessons[0].slot == 1);
  BOOST_TEST(j.marks[0].studentId == "s1");
  BOOST_TEST(j.marks[0].lessonId == "l1");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(documentation)

BOOST_AUTO_TEST_CASE(example_in_xml_format_md_is_valid) {
  const std::string md =
      ej::model::readFile(std::filesystem::path(EJOURNAL_SOURCE_DIR) / "docs/xml-format.md");
  const size_t begin = md.find("```xml\n");
  BOOST_REQUIRE(begin != std::string::npos);
  const size_t end = md.find("```", begin + 7);
  const std::string example = md.substr(begin + 7, end - begin - 7);
  const auto j = ej::ingest::readJournal(example, "xml-format.md");
  BOOST_TEST(j.marks.size() == 1u);
  BOOST_TEST(j.marks[0].history.size() == 2u);
  BOOST_TEST(j.lessons[0].works[0].weight == 2);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hostile)

// A NUL byte was taken by Xerces for the end of the input: "</journal>\0" before <marks> dropped every mark
// silently.
BOOST_AUTO_TEST_CASE(nul_byte_anywhere_is_an_error_at_its_place) {
  const std::string cut = replaced(tinyXml(), "  <marks>", std::string("</journal>\0  <marks>", 20));
  const auto problems = problemsOf(cut);
  BOOST_TEST_INFO(dump(problems));
  BOOST_REQUIRE_EQUAL(problems.size(), 1u);
  BOOST_TEST(problems[0].line == 287);
  BOOST_TEST(problems[0].column == 11);
  BOOST_TEST(problems[0].message.find("NUL") != std::string::npos);
  // Inside the root, in an attribute, at the very end: the same.
  expectOne(replaced(kMinimal, "Пётр", std::string("Пё\0тр", 7)), 15, 53, "NUL");
  expectOne(kMinimal + std::string(1, '\0'), 26, 1, "NUL");
}

BOOST_AUTO_TEST_CASE(only_blanks_comments_and_instructions_after_the_root) {
  BOOST_TEST(problemsOf(kMinimal + "<!-- экспорт -->\n<?done yes?>\n \n").empty(),
             dump(problemsOf(kMinimal + "<!-- экспорт -->\n<?done yes?>\n")));
  for (const std::string tail : {"x", "<marks/>", "</journal>", "&amp;", "<![CDATA[x]]>"}) {
    BOOST_TEST_CONTEXT("after the root: " << tail) {
      const auto problems = problemsOf(kMinimal + tail);
      BOOST_REQUIRE(!problems.empty());
      BOOST_TEST(problems[0].line == 26);
    }
  }
}

BOOST_AUTO_TEST_CASE(bare_doctype_is_refused) {
  expectOne(replaced(kMinimal, "<journal ", "<!DOCTYPE journal>\n<journal "), 2, 1, "DOCTYPE запрещён");
  expectOne(replaced(kMinimal, "<journal ",
                     "<!-- <!DOCTYPE in a comment is not one -->\n<!DOCTYPE  journal >\n<journal "),
            3, 1, "DOCTYPE");
}

// A 500 MB attribute took 5.2 GB and 16.7 s before the cap; now it is refused before Xerces buffers it.
BOOST_AUTO_TEST_CASE(huge_values_are_refused_early_in_little_memory) {
  const size_t huge = 64 << 20;
  std::string doc = replaced(kMinimal, R"(slot="1" class="5a")",
                             R"(slot="1" topic=")" + std::string(huge, 'a') + R"(" class="5a")");
  const long before = peakRssKb();
  const auto start = std::chrono::steady_clock::now();
  auto problems = problemsOf(doc);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST_INFO(dump(problems));
  BOOST_REQUIRE_EQUAL(problems.size(), 1u);
  BOOST_TEST(problems[0].line == 20);
  BOOST_TEST(problems[0].column == 55);
  BOOST_TEST(problems[0].message.find(
                 "значение атрибута «topic» длиннее допустимого: допускается не больше 4 МиБ") !=
             std::string::npos);
  BOOST_TEST(seconds < 2.0);
  BOOST_TEST(peakRssKb() - before < 16 * 1024);  // the document is 64 MiB; refusing it adds less than 16 MiB
  doc.clear();
  doc.shrink_to_fit();

  // Text, comments, CDATA and tags are capped alike; a value just under the cap passes the scan (the schema
  // then limits a topic to its own length).
  ej::ingest::ReadOptions small;
  small.maxValueBytes = 1000;
  const auto first = [&](const std::string& d) {
    const auto p = problemsOf(d, small);
    BOOST_REQUIRE(!p.empty());
    return p[0];
  };
  const Problem text = first(replaced(kMinimal, "  </staff>", "  " + std::string(1001, 'x') + "</staff>"));
  BOOST_TEST(text.message.find("текст длиннее допустимого") != std::string::npos, text.message);
  BOOST_TEST(text.line == 6);
  const Problem comment =
      first(replaced(kMinimal, "  <staff>", "  <!--" + std::string(1000, '<') + "-->\n  <staff>"));
  BOOST_TEST(comment.message.find("комментарий длиннее") != std::string::npos, comment.message);
  BOOST_TEST(comment.line == 5);
  const Problem cdata =
      first(replaced(kMinimal, "  <staff>", "<![CDATA[" + std::string(1000, '<') + "]]>\n  <staff>"));
  BOOST_TEST(cdata.message.find("раздел CDATA длиннее") != std::string::npos, cdata.message);
  std::string attrs;
  for (int i = 0; i < 200; ++i) attrs += " a" + std::to_string(i) + "=\"x\"";
  const Problem tag = first(replaced(kMinimal, R"(<person id="t1")", "<person" + attrs + R"( id="t1")"));
  BOOST_TEST(tag.message.find("тег длиннее") != std::string::npos, tag.message);
  BOOST_TEST(tag.line == 6);
  const Problem unclosed = first(replaced(kMinimal, R"(lastName="Иванова")", R"(lastName="Иванова)"));
  BOOST_TEST(unclosed.line == 6);  // an attribute value running on to the end of the document
  const std::string fits =
      replaced(kMinimal, R"(lastName="Иванова")", "lastName=\"" + std::string(400, 'x') + "\"");
  BOOST_TEST(problemsOf(fits, small).empty(), dump(problemsOf(fits, small)));
}

// Every problem of a hostile set is Russian (Xerces' messages are chosen by error code) and names its place.
BOOST_AUTO_TEST_CASE(every_message_is_russian_and_located) {
  const std::vector<std::pair<std::string, std::string>> hostile{
      {"unknown element", replaced(kMinimal, "  </staff>\n", "    <teacher id=\"t2\"/>\n  </staff>\n")},
      {"unknown attribute", replaced(kMinimal, R"(<person id="t1")", R"(<person id="t1" salary="1")")},
      {"unknown root", "<?xml version=\"1.0\"?>\n<a/>"},
      {"bad attribute value", replaced(kMinimal, R"(value="5")", R"(value="7")")},
      {"bad enumeration", replaced(kMinimal, R"(grading="marked")", R"(grading="sometimes")")},
      {"missing required attribute",
       replaced(kMinimal, R"( class="5a" subject="math")", R"( subject="math")")},
      {"wrong namespace", replaced(kMinimal, "urn:ejournal:journal:1", "urn:other:journal")},
      {"wrong order",
       replaced(
           replaced(
               kMinimal,
               "  <staff>\n    <person id=\"t1\" lastName=\"Иванова\" firstName=\"Мария\"/>\n  </staff>\n",
               ""),
           "  </subjects>\n",
           "  </subjects>\n  <staff>\n    <person id=\"t1\" lastName=\"Иванова\" firstName=\"Мария\"/>\n  "
           "</staff>\n")},
      {"missing section", replaced(kMinimal,
                                   R"(  <year startYear="2025" from="2025-09-01" to="2026-05-31"/>)"
                                   "\n",
                                   "")},
      {"truncated", kMinimal.substr(0, kMinimal.size() / 2)},
      {"truncated in a tag", kMinimal.substr(0, kMinimal.find("lastName=\"Петров\"") + 12)},
      {"unclosed element", replaced(kMinimal, "  </classes>\n", "")},
      {"mismatched end tag", replaced(kMinimal, "  </classes>", "  </class>")},
      {"duplicate attribute", replaced(kMinimal, R"(<class id="5a")", R"(<class id="5a" id="5b")")},
      {"unknown entity", replaced(kMinimal, R"(lastName="Петров")", R"(lastName="&nbsp;")")},
      {"less-than in a value", replaced(kMinimal, R"(lastName="Петров")", R"(lastName="a<b")")},
      {"ampersand alone", replaced(kMinimal, R"(lastName="Петров")", R"(lastName="a & b")")},
      {"text in element content", replaced(kMinimal, "  <staff>\n", "  <staff>учителя\n")},
      {"bad UTF-8", replaced(kMinimal, "Петров", "\xC3\x28\xFF\xFE")},
      {"control character", replaced(kMinimal, "Петров", "Пет\x01ров")},
      {"bad encoding declaration", replaced(kMinimal, R"(encoding="UTF-8")", R"(encoding="UTF-7")")},
      {"encoding declared twice",
       replaced(kMinimal, R"(encoding="UTF-8")", R"(encoding="UTF-8" encoding="UTF-8")")},
      {"garbled declaration", replaced(kMinimal, R"(<?xml version="1.0" encoding="UTF-8"?>)",
                                       R"(<?xml version="1.0" encoding=UTF-8?>)")},
      {"XML version 2", replaced(kMinimal, R"(version="1.0")", R"(version="2.0")")},
      {"declaration not first", " " + kMinimal},
      {"empty document", ""},
      {"only blanks", "   \n"},
      {"not xml", "{\"journal\": 1}"},
      {"end tag only", "</journal>"},
      {"unterminated comment", replaced(kMinimal, "  <staff>", "  <!-- ... <staff>")},
      {"double dash in a comment", replaced(kMinimal, "  <staff>", "  <!-- a -- b -->\n  <staff>")},
      {"bad character reference", replaced(kMinimal, "Петров", "&#0;")},
      {"undeclared prefix", replaced(kMinimal, "<staff>", "<x:staff>")},
      {"xsi:type",
       replaced(kMinimal, R"(<class id="5a")",
                R"(<class xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Other" id="5a")")},
      {"duplicate key",
       replaced(kMinimal, "  </classes>",
                "    <class id=\"5a\" grade=\"5\" letter=\"Б\" teacher=\"t1\"/>\n  </classes>")},
      {"bad date", replaced(kMinimal, R"(date="2025-09-01")", R"(date="2025-13-40")")},
      {"too long id", replaced(kMinimal, R"(<class id="5a")", "<class id=\"" + std::string(300, 'z') + "\"")},
  };
  // Two English words in a row: what Xerces, Poco or OpenSSL would have said ("no declaration found").
  const std::regex english("[A-Za-z]{2,}(, | )+[A-Za-z]{2,}");
  for (const auto& [what, doc] : hostile) {
    BOOST_TEST_CONTEXT(what) {
      const auto problems = problemsOf(doc);
      BOOST_TEST_INFO(dump(problems));
      BOOST_TEST(!problems.empty());
      for (const auto& p : problems) {
        BOOST_TEST(!std::regex_search(p.message, english), p.message);
        BOOST_TEST(p.line > 0, p.toString());
        BOOST_TEST(p.toString().find(p.detail.empty() ? "\x01" : p.detail) == std::string::npos);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

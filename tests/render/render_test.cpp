// Tests of the render stage: Russian number words, layout validation, and real PDFs checked with qpdf,
// pdffonts and pdftotext (poppler-utils): structure, embedded fonts, expected text, consecutive sheet
// numbers, the certification count in words, byte-identical re-rendering, and no text outside the page for a
// 45-student class and a 2,000-character topic.
#define BOOST_TEST_MODULE render
#include "ejournal/render/render.h"

#include <array>
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/model/text.h"
#include "ejournal/reports/regional.h"
#include "ejournal/reports/reports.h"
#include "ejournal/rules/rules.h"
#include "ejournal/samples/generator.h"
#include "shell.h"

namespace fs = std::filesystem;
using namespace ejournal;
using namespace ejournal::model;

namespace {

// ---- a journal built in code ----

Journal makeJournal(int students, int topicChars = 0) {
  Journal j;
  j.school = {"s1",
              "Муниципальное автономное общеобразовательное учреждение лицей «Ступени»",
              "МАОУ лицей «Ступени»",
              "Тюрина Наталья Александровна",
              "Петрова Анна Сергеевна",
              "г. Пермь"};
  j.year = {2025, Date::fromYmd(2025, 9, 1), Date::fromYmd(2026, 5, 31)};
  const std::array<std::pair<Date, Date>, 4> q = {{{Date::fromYmd(2025, 9, 1), Date::fromYmd(2025, 10, 26)},
                                                   {Date::fromYmd(2025, 11, 5), Date::fromYmd(2025, 12, 28)},
                                                   {Date::fromYmd(2026, 1, 12), Date::fromYmd(2026, 3, 22)},
                                                   {Date::fromYmd(2026, 4, 1), Date::fromYmd(2026, 5, 31)}}};
  for (int i = 0; i < 4; ++i)
    j.periods.push_back(
        {"2025-Q" + std::to_string(i + 1), PeriodKind::Quarter, i + 1, {q[i].first, q[i].second}, 1, 9});
  j.periods.push_back({"2025-year", PeriodKind::Year, 1, {j.year.start, j.year.end}, 1, 11});
  j.staff = {{"t1", "Иванова", "Мария", "Петровна", "учитель математики"},
             {"t2", "Смирнов", "Олег", "Игоревич", "учитель русского языка"},
             {"t3", "Кузнецова", "Елена", "Викторовна", "учитель английского языка"},
             {"t4", "Орлова", "Ирина", "Павловна", "учитель математики"}};
  j.subjects = {{"math", "Математика", "Матем.", 2, Grading::Marked, false},
                {"rus", "Русский язык", "Рус. яз.", 1, Grading::Marked, true},
                {"eng", "Английский язык", "Англ. яз.", 3, Grading::Marked, false}};
  j.classes = {{"c5a", 5, "А", "t2"}};
  const std::array<const char*, 12> last = {"Абрамов",  "Белова",   "Васильев", "Григорьева",
                                            "Дмитриев", "Ёлкина",   "Жуков",    "Захарова",
                                            "Ильин",    "Ковалёва", "Лебедев",  "Морозова"};
  const std::array<const char*, 6> first = {"Пётр", "Анна", "Илья", "Мария", "Семён", "Ольга"};
  for (int i = 0; i < students; ++i) {
    Student s;
    s.id = "st" + std::to_string(100 + i);
    s.lastName = std::string(last[i % last.size()]) + (i >= 12 ? "-" + std::to_string(i / 12) : "");
    s.firstName = first[i % first.size()];
    s.middleName = "Иванович";
    s.birthDate = Date::fromYmd(2014, 1 + i % 12, 1 + i % 28);
    s.enrolments.push_back({"c5a", Date::fromYmd(2025, 9, 1), std::nullopt});
    j.students.push_back(s);
  }
  Subgroup g1{"g1", "c5a", "eng", "1 группа", "t3", {}};
  for (int i = 0; i < students; i += 2)
    g1.members.push_back({j.students[i].id, Date::fromYmd(2025, 9, 1), {}});
  j.subgroups.push_back(g1);
  j.curriculum = {{"c5a", "math", "", 5, 170, {{"2025-Q1", 40}}},
                  {"c5a", "rus", "", 5, 170, {{"2025-Q1", 40}}},
                  {"c5a", "eng", "g1", 3, 102, {{"2025-Q1", 24}}}};
  // Lessons: math Mon-Fri, Russian Mon-Fri, English Tue/Thu for the whole year outside holidays.
  int n = 0, markN = 0;
  for (Date d = j.year.start; d <= j.year.end; d = d + 1) {
    bool inQuarter = false;
    for (const auto& p : q) inQuarter = inQuarter || (p.first <= d && d <= p.second);
    if (!inQuarter || d.weekday() > 5) continue;
    for (const char* subj : {"math", "rus", "eng"}) {
      if (std::string(subj) == "eng" && d.weekday() != 2 && d.weekday() != 4) continue;
      Lesson l;
      l.id = "L" + std::to_string(++n);
      l.date = d;
      l.slot = std::string(subj) == "rus" ? 1 : std::string(subj) == "math" ? 2 : 3;
      l.classId = "c5a";
      l.subjectId = subj;
      l.subgroupId = std::string(subj) == "eng" ? "g1" : "";
      l.teacherId = std::string(subj) == "math" ? "t1" : std::string(subj) == "rus" ? "t2" : "t3";
      l.topic = std::string(subj) == "math" ? "Натуральные числа, урок " + std::to_string(n)
                : std::string(subj) == "rus" ? "Орфограммы в корне слова, урок " + std::to_string(n)
                                             : "Настоящее простое время (Present Simple)";
      l.homework = "§ " + std::to_string(n % 40 + 1) + ", упр. " + std::to_string(n % 300);
      l.attendanceTaken = true;
      if (d == Date::fromYmd(2025, 9, 17) && std::string(subj) == "math") {
        l.substituteTeacherId = "t4";
        l.topic = "Сложение и вычитание натуральных чисел";
      }
      if (d == Date::fromYmd(2025, 10, 15) && std::string(subj) == "math") {
        l.works.push_back({"w" + l.id, WorkType::Control, "Контрольная работа № 2 «Дроби»", 2});
        l.topic = "Контрольная работа № 2 «Дроби»";
      }
      if (topicChars > 0 && d == Date::fromYmd(2025, 9, 10) && std::string(subj) == "math") {
        std::string t = "НАЧАЛОТЕМЫ ";
        while (t.size() < static_cast<size_t>(topicChars) - 12) t += "решение задач на движение по реке ";
        t += "КОНЕЦТЕМЫ";
        l.topic = t;
      }
      j.lessons.push_back(l);
      // Marks for 4 students, an absence for one.
      for (int k = 0; k < 4 && k < students; ++k) {
        const int si = (n + k * 3) % students;
        if (std::string(subj) == "eng" && si % 2 != 0) continue;
        Mark m;
        m.id = "m" + std::to_string(++markN);
        m.studentId = j.students[si].id;
        m.lessonId = l.id;
        m.value = {MarkKind::Points, 2 + (n + k) % 4};
        m.enteredAt = {d, 50000};
        m.enteredBy = l.teacherId;
        j.marks.push_back(m);
      }
      const int absent = (n * 7) % students;
      if (std::string(subj) != "eng" || absent % 2 == 0)
        j.attendance.push_back({j.students[absent].id, l.id,
                                n % 3 ? AttendanceStatus::Absent : AttendanceStatus::Ill,
                                DateTime{d, 50000}});
    }
  }
  for (int i = 0; i < students; ++i)
    for (const char* subj : {"math", "rus"}) {
      j.periodMarks.push_back({j.students[i].id,
                               "c5a",
                               subj,
                               PeriodMarkKind::Period,
                               "2025-Q1",
                               {MarkKind::Points, 3 + i % 3},
                               std::nullopt,
                               "t1"});
      j.periodMarks.push_back({j.students[i].id,
                               "c5a",
                               subj,
                               PeriodMarkKind::Year,
                               "2025-year",
                               {MarkKind::Points, 3 + (i + 1) % 3},
                               std::nullopt,
                               "t1"});
    }
  return j;
}

fs::path tempDir() {
  static fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("ejournal-render-test-" + std::to_string(getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

fs::path save(const render::Pdf& pdf, const std::string& name) {
  fs::path p = tempDir() / name;
  writeFileAtomic(p, pdf.bytes);
  return p;
}

// qpdf --check passes, every font is embedded; returns the text, pages separated by form feeds.
std::string checkPdf(const fs::path& p) {
  const std::string check = testsupport::shellOutput("qpdf --check '" + p.string() + "' 2>&1");
  BOOST_CHECK_MESSAGE(check.find("No syntax or stream encoding errors") != std::string::npos, check);
  // poppler reports broken font structures (e.g. a ToUnicode CMap that is not one) on stderr.
  const std::string fonts = testsupport::shellOutput("pdffonts '" + p.string() + "' 2>&1");
  BOOST_CHECK_MESSAGE(fonts.find("Warning") == std::string::npos && fonts.find("Error") == std::string::npos,
                      "pdffonts complains: " << fonts.substr(0, 300));
  std::istringstream in(fonts);
  std::string line;
  int count = 0;
  while (std::getline(in, line)) {
    if (line.rfind("name", 0) == 0 || line.rfind("----", 0) == 0 || line.empty()) continue;
    ++count;
    BOOST_CHECK_MESSAGE(line.find(" yes yes yes ") != std::string::npos, "font not embedded/subset: " + line);
  }
  BOOST_CHECK_GE(count, 1);
  // Reading-order text with every run of spaces and line breaks collapsed to one space (form feeds kept), so
  // wrapped phrases are found whole.
  const std::string raw = testsupport::shellOutput("pdftotext '" + p.string() + "' - 2>/dev/null");
  std::string text;
  for (char ch : raw) {
    if (ch == ' ' || ch == '\n') {
      if (!text.empty() && text.back() != ' ' && text.back() != '\f') text += ' ';
    } else {
      text += ch;
    }
  }
  return text;
}

std::vector<std::string> pages(const std::string& text) {
  std::vector<std::string> out;
  size_t s = 0;
  for (size_t e; (e = text.find('\f', s)) != std::string::npos; s = e + 1)
    out.push_back(text.substr(s, e - s));
  if (s < text.size() && text.find_first_not_of(" \n", s) != std::string::npos) out.push_back(text.substr(s));
  return out;
}

// "83,0": a figure as the printed reports write it (decimal comma).
std::string num1(const std::optional<double>& v) {
  std::string s = formatFixed(v.value_or(0), 1);
  for (auto& ch : s)
    if (ch == '.') ch = ',';
  return s;
}

std::shared_ptr<FixedClock> fixedClock() {
  return std::make_shared<FixedClock>(DateTime{Date::fromYmd(2026, 1, 15), 36000});
}

// Every word box inside the page (pdftotext -bbox).
void checkInsidePage(const fs::path& p) {
  const std::string xml = testsupport::shellOutput("pdftotext -bbox '" + p.string() + "' - 2>/dev/null");
  std::regex pageRe(R"re(<page width="([0-9.]+)" height="([0-9.]+)">)re");
  std::regex wordRe(R"re(<word xMin="([-0-9.]+)" yMin="([-0-9.]+)" xMax="([-0-9.]+)" yMax="([-0-9.]+)">)re");
  double w = 0, h = 0;
  int words = 0;
  size_t pos = 0;
  while (pos < xml.size()) {
    size_t nextPage = xml.find("<page ", pos);
    size_t nextWord = xml.find("<word ", pos);
    if (nextWord == std::string::npos) break;
    if (nextPage != std::string::npos && nextPage < nextWord) {
      std::smatch m;
      std::string tail = xml.substr(nextPage, 80);
      BOOST_REQUIRE(std::regex_search(tail, m, pageRe));
      w = std::stod(m[1]);
      h = std::stod(m[2]);
      pos = nextPage + 6;
      continue;
    }
    std::smatch m;
    std::string tail = xml.substr(nextWord, 120);
    BOOST_REQUIRE(std::regex_search(tail, m, wordRe));
    const double x0 = std::stod(m[1]), y0 = std::stod(m[2]), x1 = std::stod(m[3]), y1 = std::stod(m[4]);
    ++words;
    if (x0 < 10 || y0 < 10 || x1 > w - 10 || y1 > h - 10)
      BOOST_ERROR("word outside the page margins at " + tail.substr(0, 100));
    pos = nextWord + 6;
  }
  BOOST_CHECK_GT(words, 100);
}

// Words back to numbers: an independent check of numberToWords.
int parseWords(const std::string& s) {
  static const std::map<std::string, int> values = {
      {"ноль", 0},        {"один", 1},         {"два", 2},         {"три", 3},           {"четыре", 4},
      {"пять", 5},        {"шесть", 6},        {"семь", 7},        {"восемь", 8},        {"девять", 9},
      {"десять", 10},     {"одиннадцать", 11}, {"двенадцать", 12}, {"тринадцать", 13},   {"четырнадцать", 14},
      {"пятнадцать", 15}, {"шестнадцать", 16}, {"семнадцать", 17}, {"восемнадцать", 18}, {"девятнадцать", 19},
      {"двадцать", 20},   {"тридцать", 30},    {"сорок", 40},      {"пятьдесят", 50},    {"шестьдесят", 60},
      {"семьдесят", 70},  {"восемьдесят", 80}, {"девяносто", 90},  {"сто", 100},         {"двести", 200},
      {"триста", 300},    {"четыреста", 400},  {"пятьсот", 500},   {"шестьсот", 600},    {"семьсот", 700},
      {"восемьсот", 800}, {"девятьсот", 900}};
  std::istringstream in(s);
  std::string w;
  int total = 0, lastValue = 1000;
  while (in >> w) {
    auto it = values.find(w);
    if (it == values.end()) return -1;
    // Words must come in decreasing place order: hundreds, tens (or teens), units.
    const int place = it->second >= 100 ? 3 : it->second >= 10 ? 2 : 1;
    const int lastPlace = lastValue >= 100 ? 3 : lastValue >= 10 ? 2 : 1;
    if (lastValue != 1000 && (place >= lastPlace || (lastValue >= 10 && lastValue < 20))) return -2;
    total += it->second;
    lastValue = it->second;
  }
  return total;
}

}  // namespace

BOOST_AUTO_TEST_CASE(number_words_round_trip_1_to_999) {
  for (int n = 0; n <= 999; ++n) {
    const std::string w = render::numberToWords(n);
    BOOST_TEST_INFO("n = " << n << ": " << w);
    BOOST_CHECK_EQUAL(parseWords(w), n);
    BOOST_CHECK(w.find("  ") == std::string::npos);
    BOOST_CHECK(!w.empty() && w.front() != ' ' && w.back() != ' ');
  }
  BOOST_CHECK_THROW(render::numberToWords(1000), Error);
  BOOST_CHECK_THROW(render::numberToWords(-1), Error);
}

BOOST_AUTO_TEST_CASE(sheet_word_agreement) {
  BOOST_CHECK_EQUAL(render::sheetCountPhrase(47), "47 (сорок семь) листов");
  BOOST_CHECK_EQUAL(render::sheetCountPhrase(21), "21 (двадцать один) лист");
  BOOST_CHECK_EQUAL(render::sheetCountPhrase(32), "32 (тридцать два) листа");
  BOOST_CHECK_EQUAL(render::sheetCountPhrase(1), "1 (один) лист");
  BOOST_CHECK_EQUAL(render::sheetCountPhrase(111), "111 (сто одиннадцать) листов");
  BOOST_CHECK_EQUAL(render::sheetCountPhrase(212), "212 (двести двенадцать) листов");
  BOOST_CHECK_EQUAL(render::sheetCountPhrase(904), "904 (девятьсот четыре) листа");
  BOOST_CHECK_EQUAL(render::sheetCountPhrase(500), "500 (пятьсот) листов");
  for (int n = 1; n <= 999; ++n) {
    const int last2 = n % 100, last = n % 10;
    const char* expected = (last2 >= 11 && last2 <= 14) ? "листов"
                           : last == 1                  ? "лист"
                           : (last >= 2 && last <= 4)   ? "листа"
                                                        : "листов";
    BOOST_TEST_INFO("n = " << n);
    BOOST_CHECK_EQUAL(render::sheetWord(n), expected);
  }
}

BOOST_AUTO_TEST_CASE(invalid_layout_names_file_line_column) {
  const fs::path dir = tempDir() / "layouts";
  fs::create_directories(dir);
  for (const char* kind : {"journal", "summary", "extract", "control", "program", "results"})
    fs::copy_file(dataFile(std::string("templates/") + kind + ".xml"), dir / (std::string(kind) + ".xml"),
                  fs::copy_options::overwrite_existing);
  std::string text = readFile(dir / "journal.xml");
  const auto at = text.find("orientation=\"landscape\"");
  BOOST_REQUIRE(at != std::string::npos);
  text.replace(at, 23, "orientation=\"sideways\"");
  writeFileAtomic(dir / "journal.xml", text);
  try {
    render::loadLayouts(dir);
    BOOST_FAIL("an invalid layout was accepted");
  } catch (const Error& e) {
    BOOST_TEST_MESSAGE(e.what());
    BOOST_CHECK(e.kind() == ErrorKind::Input);
    BOOST_CHECK_MESSAGE(std::regex_search(e.where(), std::regex(R"(journal\.xml:5:\d+$)")), e.where());
    BOOST_CHECK(std::string(e.what()).find("sideways") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(quarter_journal_content_sheets_and_certification) {
  const Journal j = makeJournal(25);
  const JournalIndex ix(j);
  std::vector<Finding> remarks;
  Finding f;
  f.rule = "topic.same_day";
  f.severity = Severity::Warning;
  f.classId = "c5a";
  f.subjectId = "math";
  f.teacherId = "t1";
  f.date = Date::fromYmd(2025, 9, 24);
  f.message = "тема урока внесена через 3 дня";
  remarks.push_back(f);
  render::RenderOptions o;
  o.clock = fixedClock();
  const auto pdf = render::renderClassJournal(ix, "c5a", "2025-Q1", remarks, o);
  const auto path = save(pdf, "q1.pdf");
  const std::string text = checkPdf(path);
  const auto pg = pages(text);
  BOOST_CHECK_EQUAL(static_cast<int>(pg.size()), pdf.pages);
  BOOST_CHECK_EQUAL(pdf.sheets, pdf.pages);
  // Sheet numbers consecutive, one per page.
  for (size_t i = 0; i < pg.size(); ++i)
    BOOST_CHECK_MESSAGE((" " + pg[i] + " ").find(" Лист " + std::to_string(i + 1) + " ") != std::string::npos,
                        "page " << i + 1 << " lacks its sheet number");
  for (const char* expected :
       {"КЛАССНЫЙ ЖУРНАЛ", "5 «А» класса", "1 четверть", "Смирнов Олег Игоревич", "Натуральные числа, урок",
        "Контрольная работа № 2 «Дроби»", "Абрамов Пётр", "Ёлкина Ольга", "Орлова И. П.",
        "замена; по расписанию Иванова М. П.", "Английский язык (1 группа)", "СВОДНАЯ ВЕДОМОСТЬ",
        "тема урока внесена через 3 дня", "ЗАВЕРИТЕЛЬНЫЙ ЛИСТ", "Часов по учебному плану: 40", "ОГЛАВЛЕНИЕ"})
    BOOST_CHECK_MESSAGE(text.find(expected) != std::string::npos, "missing text: " << expected);
  const std::string phrase = render::sheetCountPhrase(pdf.sheets);
  BOOST_CHECK_MESSAGE(text.find(phrase) != std::string::npos, "certification lacks «" << phrase << "»");
  // ... on one line: the count is never broken inside "N (words) листов".
  const std::string lines =
      testsupport::shellOutput("pdftotext -layout '" + path.string() + "' - 2>/dev/null");
  BOOST_CHECK_MESSAGE(lines.find(phrase) != std::string::npos, "«" << phrase << "» is broken across lines");
  // Info and outlines.
  const std::string info = testsupport::shellOutput("pdfinfo '" + path.string() + "' 2>/dev/null");
  BOOST_CHECK(info.find("Классный журнал 5А") != std::string::npos);
  BOOST_CHECK(info.find("МАОУ") == std::string::npos);  // the author is the school's full name
  BOOST_CHECK(info.find("Муниципальное автономное") != std::string::npos);
  BOOST_CHECK(info.find("PDF version") != std::string::npos);
  const std::string json =
      testsupport::shellOutput("qpdf --json --json-key=outlines '" + path.string() + "' 2>/dev/null");
  BOOST_CHECK(json.find("Математика") != std::string::npos);
  BOOST_CHECK(json.find("ЗАВЕРИТЕЛЬНЫЙ ЛИСТ") != std::string::npos);
  // Marks of the grid appear: a period mark column and the absence code.
  BOOST_CHECK(text.find("1 ч.") != std::string::npos);
  BOOST_CHECK(text.find(" н ") != std::string::npos);
  // Font data does not dominate: the document stays small.
  BOOST_CHECK_LT(pdf.bytes.size(), 400u * 1024u);
}

BOOST_AUTO_TEST_CASE(quarter_journal_summary_sheet_up_to_its_quarter) {
  // A quarter's journal prints the summary sheet with the reporting periods up to that quarter, without the
  // year, exam and final columns; the year's journal prints them all.
  const Journal j = makeJournal(25);
  const JournalIndex ix(j);
  render::RenderOptions o;
  o.clock = fixedClock();
  auto summaryOf = [&](const char* period, const char* file) {
    const std::string text = checkPdf(save(render::renderClassJournal(ix, "c5a", period, {}, o), file));
    std::string summary;
    for (const auto& page : pages(text))
      if (page.find("СВОДНАЯ ВЕДОМОСТЬ") != std::string::npos) summary += page;
    BOOST_TEST_REQUIRE(!summary.empty(), period);
    return summary;
  };
  const std::string q1 = summaryOf("2025-Q1", "q1_summary.pdf");
  BOOST_TEST(q1.find("1 ч.") != std::string::npos, q1);
  BOOST_TEST(q1.find("2 ч.") == std::string::npos, q1);
  BOOST_TEST(q1.find("экз.") == std::string::npos, q1);
  const std::string q2 = summaryOf("2025-Q2", "q2_summary.pdf");
  BOOST_TEST(q2.find("2 ч.") != std::string::npos, q2);
  BOOST_TEST(q2.find("3 ч.") == std::string::npos, q2);
  const std::string year = summaryOf("2025-year", "year_summary.pdf");
  BOOST_TEST(year.find("4 ч.") != std::string::npos, year);
  BOOST_TEST(year.find("экз.") != std::string::npos, year);
}

BOOST_AUTO_TEST_CASE(rendering_is_deterministic) {
  const Journal j = makeJournal(20);
  const JournalIndex ix(j);
  render::RenderOptions o;
  o.clock = fixedClock();
  const auto a = render::renderClassJournal(ix, "c5a", "2025-Q1", {}, o);
  const auto b = render::renderClassJournal(ix, "c5a", "2025-Q1", {}, o);
  BOOST_CHECK(a.bytes == b.bytes);
  BOOST_CHECK(a.bytes.find("/ID [ <") != std::string::npos);
  BOOST_CHECK(a.bytes.find(std::string(32, '0')) == std::string::npos);
  o.clock = std::make_shared<FixedClock>(DateTime{Date::fromYmd(2026, 1, 16), 36000});
  const auto c = render::renderClassJournal(ix, "c5a", "2025-Q1", {}, o);
  BOOST_CHECK(a.bytes != c.bytes);
}

BOOST_AUTO_TEST_CASE(large_class_and_long_topic_stay_inside_the_page) {
  const Journal j = makeJournal(45, 2000);
  const JournalIndex ix(j);
  render::RenderOptions o;
  o.clock = fixedClock();
  const auto pdf = render::renderClassJournal(ix, "c5a", "2025-Q1", {}, o);
  const auto path = save(pdf, "big.pdf");
  const std::string text = checkPdf(path);
  checkInsidePage(path);
  BOOST_CHECK(text.find("НАЧАЛОТЕМЫ") != std::string::npos);
  BOOST_CHECK(text.find("КОНЕЦТЕМЫ") != std::string::npos);
  BOOST_CHECK(text.find("45 Морозова-2 Ольга") != std::string::npos);  // the 45th student, numbered
  const std::string phrase = "движение";  // one word: reading order may interleave the homework column
  std::string topic;
  for (const auto& l : j.lessons)
    if (l.topic.rfind("НАЧАЛОТЕМЫ", 0) == 0) topic = l.topic;
  BOOST_REQUIRE_GE(topic.size(), 1990u);
  int expected = 0, count = 0;
  for (size_t at = 0; (at = topic.find(phrase, at)) != std::string::npos; ++at) ++expected;
  for (size_t at = 0; (at = text.find(phrase, at)) != std::string::npos; ++at) ++count;
  BOOST_CHECK_EQUAL(count, expected);  // the whole topic is printed, nothing cut
}

BOOST_AUTO_TEST_CASE(year_journal_duplex_counts_sheets) {
  const Journal j = makeJournal(24);
  const JournalIndex ix(j);
  render::RenderOptions o;
  o.clock = fixedClock();
  o.sides = render::Sides::Duplex;
  const auto pdf = render::renderClassJournal(ix, "c5a", "2025-year", {}, o);
  BOOST_CHECK_EQUAL(pdf.sheets, (pdf.pages + 1) / 2);
  const std::string text = checkPdf(save(pdf, "year-duplex.pdf"));
  BOOST_CHECK(text.find(render::sheetCountPhrase(pdf.sheets)) != std::string::npos);
  BOOST_CHECK(text.find("4 ч.") != std::string::npos);
  BOOST_CHECK(text.find("Часов по учебному плану: 170") != std::string::npos);
  // Sheet numbers on the front pages only: 1..sheets, consecutive.
  const auto pg = pages(text);
  for (size_t i = 0; i < pg.size(); i += 2)
    BOOST_CHECK_MESSAGE(pg[i].find("Лист " + std::to_string(i / 2 + 1)) != std::string::npos,
                        "page " << i + 1);
}

BOOST_AUTO_TEST_CASE(summary_sheet_and_extract) {
  const Journal j = makeJournal(25);
  const JournalIndex ix(j);
  render::RenderOptions o;
  o.clock = fixedClock();
  const auto summary = render::renderSummarySheet(ix, "c5a", o);
  std::string text = checkPdf(save(summary, "summary.pdf"));
  for (const char* expected : {"СВОДНАЯ ВЕДОМОСТЬ", "Математика", "Русский язык", "Абрамов Пётр", "Директор",
                               "Тюрина Наталья Александровна"})
    BOOST_CHECK_MESSAGE(text.find(expected) != std::string::npos, "summary lacks " << expected);
  const auto extract = render::renderStudentExtract(ix, "st100", "2025-Q1", o);
  text = checkPdf(save(extract, "extract.pdf"));
  for (const char* expected : {"ВЫПИСКА", "Абрамов Пётр Иванович", "Математика", "Пропущено уроков",
                               "Классный руководитель", "15.01.2026"})
    BOOST_CHECK_MESSAGE(text.find(expected) != std::string::npos, "extract lacks " << expected);
  BOOST_CHECK_THROW(render::renderStudentExtract(ix, "nobody", "2025-Q1", o), Error);
  BOOST_CHECK_THROW(render::renderClassJournal(ix, "c5a", "2031-Q1", {}, o), Error);
}

// The sample school (samples/), checked by the real rules engine and turned into reports, rendered as PDFs.
BOOST_AUTO_TEST_CASE(reports_of_the_sample_school) {
  samples::SampleOptions so;
  so.classes = 11;
  so.studentsPerClass = 20;
  const auto sample = samples::generate(so);
  const JournalIndex ix(sample.journal);
  FixedClock today(DateTime{Date::fromYmd(2025, 10, 31), 64800});
  const auto scope = rules::resolveScope(ix, "2025-Q1", "", "", "", "", "", today);
  const auto config = rules::Config::defaults();
  const auto findings = rules::check(ix, scope, config);
  BOOST_REQUIRE(!findings.empty());
  const auto created = today.now();

  const auto control = reports::buildControlReport(ix, scope, findings, config, created);
  const auto cpdf = render::renderControlReport(control);
  std::string text = checkPdf(save(cpdf, "control.pdf"));
  BOOST_CHECK(text.find("СПРАВКА по итогам проверки электронного журнала") != std::string::npos);
  BOOST_CHECK(text.find("Заместитель директора по УВР") != std::string::npos);
  BOOST_CHECK(text.find(sample.journal.school.deputyDirector) != std::string::npos);
  // Every finding's message is printed (the first few words of each, as wrapping may split them).
  int missing = 0;
  for (const auto& row : control.rows)
    for (const auto& f : row.findings) {
      const std::string head = f.message.substr(0, f.message.find(' ', 12));
      if (text.find(head) == std::string::npos && ++missing < 5)
        BOOST_ERROR("finding not printed: " + f.message);
    }
  BOOST_CHECK_EQUAL(missing, 0);
  BOOST_CHECK(render::renderControlReport(control).bytes == cpdf.bytes);

  const auto program = reports::buildProgramReport(ix, scope, created);
  const auto ppdf = render::renderProgramReport(program);
  text = checkPdf(save(ppdf, "program.pdf"));
  BOOST_CHECK(text.find("ВЫПОЛНЕНИЕ ОБРАЗОВАТЕЛЬНОЙ ПРОГРАММЫ") != std::string::npos);
  BOOST_CHECK(text.find("по плану на дату") != std::string::npos);
  BOOST_REQUIRE(!program.rows.empty());
  BOOST_CHECK(text.find(program.rows.front().subjectName) != std::string::npos);
  // The chart is vector drawing: filled rectangles ("re" ... "f") in the content streams.
  const std::string ops = testsupport::shellOutput("qpdf --qdf --object-streams=disable '" +
                                                   (tempDir() / "program.pdf").string() +
                                                   "' - 2>/dev/null | grep -c ' re$' || true");
  BOOST_CHECK_GT(std::stoi(ops), 20);

  const auto results = reports::buildResultsReport(ix, scope, created);
  const auto rpdf = render::renderResultsReport(results);
  text = checkPdf(save(rpdf, "results.pdf"));
  BOOST_CHECK(text.find("ИТОГИ УСПЕВАЕМОСТИ") != std::string::npos);
  BOOST_CHECK(text.find("отличники") != std::string::npos);
  BOOST_CHECK(text.find("Итого") != std::string::npos);
  checkInsidePage(tempDir() / "results.pdf");

  // The sample's class journals for the quarter render with the class's findings as remarks.
  for (const auto& cls : sample.journal.classes) {
    std::vector<Finding> remarks;
    for (const auto& f : findings)
      if (f.classId == cls.id) remarks.push_back(f);
    render::RenderOptions o;
    o.clock = std::make_shared<FixedClock>(created);
    const auto pdf = render::renderClassJournal(ix, cls.id, "2025-Q1", remarks, o);
    BOOST_CHECK_GT(pdf.pages, 5);
    if (cls.grade == 5) {
      const auto path = save(pdf, "sample-5.pdf");
      text = checkPdf(path);
      checkInsidePage(path);
      BOOST_CHECK(text.find(render::sheetCountPhrase(pdf.sheets)) != std::string::npos);
    }
  }
}

// The regional report for 45 schools: landscape, the table's header again on the next page, every page
// «Стр. N из M», the totals row, the open findings by rule and the legend, Cyrillic text as typed, nothing
// outside the page, the same bytes twice.
BOOST_AUTO_TEST_CASE(regional_report_many_schools) {
  std::vector<reports::RegionalRow> rows;
  for (int i = 1; i <= 45; ++i) {
    reports::RegionalRow r;
    r.schoolId = "s" + std::to_string(i);
    r.schoolShortName = "МБОУ «Средняя общеобразовательная школа № " + std::to_string(100 + i) + "»";
    r.schoolName = "Муниципальное бюджетное общеобразовательное учреждение № " + std::to_string(100 + i);
    r.lessonsHeld = 400 + i;
    r.topicsOnTime = 380 + i / 2;
    r.marks = 1500 + 7 * i;
    r.workMarks = 60;
    r.lateWorkMarks = i % 7;
    r.plannedToDate = 420;
    r.delivered = 400 + i;
    r.programLines = 40;
    r.linesBehind = i % 5;
    if (i % 3 == 0) {
      reports::RuleCount c;
      c.ruleId = "topic.same_day";
      c.ruleTitle = rules::findRule("topic.same_day")->title;
      c.count = i;
      r.openByRule.push_back(c);
      r.lastCheck = Date::fromYmd(2025, 10, 1 + i % 20);
      r.lastSeal = reports::RegionalSeal{"2025-Q1", "1 четверть 2025/2026",
                                         DateTime{Date::fromYmd(2025, 10, 28), 36000}, "x.tar", 1};
    }
    rows.push_back(r);
  }
  reports::ReportHeader h;
  h.schoolName = "Управление образования администрации города Энска";
  h.schoolShortName = "УО г. Энска";
  h.academicYear = "2025/2026";
  h.periodId = "2025-Q1";
  h.periodLabel = "1 четверть";
  h.dates = {Date::fromYmd(2025, 9, 1), Date::fromYmd(2025, 10, 24)};
  h.asOf = h.dates.to;
  h.createdAt = DateTime{Date::fromYmd(2025, 11, 3), 36000};
  const auto report = reports::buildRegionalReport(h, rows);
  const render::Pdf pdf = render::renderRegionalReport(report);
  const fs::path path = save(pdf, "region.pdf");
  const std::string text = checkPdf(path);
  BOOST_TEST_REQUIRE(pdf.pages >= 2);
  const auto ps = pages(text);
  BOOST_TEST_REQUIRE(static_cast<int>(ps.size()) == pdf.pages);
  for (int i = 0; i < pdf.pages; ++i) {
    const std::string mark = "Стр. " + std::to_string(i + 1) + " из " + std::to_string(pdf.pages);
    BOOST_CHECK_MESSAGE(ps[i].find(mark) != std::string::npos, "page " << i + 1 << " lacks «" << mark << "»");
    BOOST_CHECK(ps[i].find("Лист ") == std::string::npos);  // pages, not sheets
  }
  BOOST_TEST(ps[0].find("Управление образования администрации города Энска") != std::string::npos);
  BOOST_TEST(ps[0].find("СРАВНИТЕЛЬНЫЙ ОТЧЁТ ПО ШКОЛАМ") != std::string::npos);
  BOOST_TEST(ps[0].find("1 четверть (01.09.2025 – 24.10.2025)") != std::string::npos);
  BOOST_TEST(ps[0].find("Школа") != std::string::npos);
  // The table goes on on page 2 under its header again.
  BOOST_TEST(ps[1].find("(продолжение)") != std::string::npos);
  BOOST_TEST(ps[1].find("Последняя проверка") != std::string::npos);
  BOOST_TEST(ps[1].find("Темы в срок, %") != std::string::npos);
  BOOST_TEST(text.find("МБОУ «Средняя общеобразовательная школа № 145»") != std::string::npos);
  BOOST_TEST(text.find("Итого") != std::string::npos);
  BOOST_TEST(text.find(num1(report.total.topicsOnTimePercent)) != std::string::npos);
  BOOST_TEST(text.find("Открытые замечания по правилам") != std::string::npos);
  BOOST_TEST(text.find("Всего по всем школам") != std::string::npos);
  BOOST_TEST(text.find("Пояснения к столбцам") != std::string::npos);
  BOOST_TEST(text.find("не как среднее процентов") != std::string::npos);
  const std::string info = testsupport::shellOutput("pdfinfo '" + path.string() + "'");
  BOOST_TEST(info.find("841.89 x 595.2") != std::string::npos, info);  // landscape A4
  checkInsidePage(path);
  BOOST_TEST(render::renderRegionalReport(report).bytes == pdf.bytes);
}

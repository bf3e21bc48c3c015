// Tests of the model's value types: dates, names, marks, sort order, period names, the index; private files
// and the capped reading of inputs of every kind.
#define BOOST_TEST_MODULE model
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "ejournal/model/clock.h"
#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/model/index.h"
#include "ejournal/model/journal.h"
#include "ejournal/model/once.h"
#include "ejournal/model/text.h"

using namespace ejournal::model;
namespace fs = std::filesystem;

namespace {

// A fresh directory under the system temp directory, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/ejournal-model-XXXXXX";
    BOOST_REQUIRE(::mkdtemp(tmpl));
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

unsigned modeOf(const fs::path& p) {
  struct stat st {};
  BOOST_REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

// Sets the umask for the scope of the object.
struct Umask {
  mode_t old;
  explicit Umask(mode_t m) : old(::umask(m)) {}
  ~Umask() { ::umask(old); }
};

// The message of the Error `f` throws, with its kind checked.
template <class F>
std::string errorOf(F f, ejournal::ErrorKind kind) {
  try {
    f();
  } catch (const ejournal::Error& e) {
    BOOST_TEST((e.kind() == kind), e.what());
    return e.what();
  }
  BOOST_ERROR("no error thrown");
  return {};
}

}  // namespace

BOOST_AUTO_TEST_CASE(date_round_trip_and_arithmetic) {
  auto d = Date::parse("2025-09-01");
  BOOST_REQUIRE(d);
  BOOST_TEST(d->toString() == "2025-09-01");
  BOOST_TEST(d->toRussian() == "01.09.2025");
  BOOST_TEST(d->weekday() == 1);  // Monday
  BOOST_TEST((*d + 30).toString() == "2025-10-01");
  BOOST_TEST((Date::fromYmd(2026, 3, 1) - Date::fromYmd(2026, 2, 28)) == 1);
  BOOST_TEST((Date::fromYmd(2028, 3, 1) - Date::fromYmd(2028, 2, 28)) == 2);  // leap year
  BOOST_TEST(!Date::parse("2025-02-29"));
  BOOST_TEST(!Date::parse("2025-13-01"));
  BOOST_TEST(!Date::parse("2025-9-1"));
  BOOST_TEST(Date::parse(" 2025-09-02 ")->day() == 2);
  BOOST_CHECK_THROW(Date::fromYmd(2025, 4, 31), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(datetime_accepts_the_upstream_spellings) {
  BOOST_TEST(DateTime::parse("2025-09-02T14:05:00")->toString() == "2025-09-02T14:05:00");
  BOOST_TEST(DateTime::parse("2025-09-02 14:05")->toString() == "2025-09-02T14:05:00");
  BOOST_TEST(DateTime::parse("2019-09-15T16:35:53.853Z")->toString() == "2019-09-15T16:35:53");
  BOOST_TEST(DateTime::parse("2025-09-02")->secondOfDay == 0);
  BOOST_TEST(!DateTime::parse("2025-09-02T25:00"));
  BOOST_TEST(!DateTime::parse("2025-09-02X10:00"));
}

BOOST_AUTO_TEST_CASE(marks_parse_and_print) {
  for (const char* t : {"1", "2", "3", "4", "5", "н/а", "зач", "незач", "осв"}) {
    auto v = MarkValue::parse(t);
    BOOST_REQUIRE_MESSAGE(v, t);
    BOOST_TEST(v->toString() == t);
  }
  BOOST_TEST(!MarkValue::parse("6"));
  BOOST_TEST(!MarkValue::parse("0"));
  BOOST_TEST(!MarkValue::parse("5+"));
}

BOOST_AUTO_TEST_CASE(names_and_work_types) {
  Staff t{"1", "Иванова", "Мария", "Петровна", "учитель"};
  BOOST_TEST(t.shortName() == "Иванова М. П.");
  BOOST_TEST(t.fullName() == "Иванова Мария Петровна");
  BOOST_TEST((SchoolClass{"c", 5, "А", ""}.name()) == "5А");
  BOOST_CHECK(*workTypeFromRussian("Контрольная работа") == WorkType::Control);
  BOOST_CHECK(*workTypeFromRussian("контрольная работа") == WorkType::Control);
  BOOST_CHECK(*workTypeFromString("laboratory") == WorkType::Laboratory);
  BOOST_TEST(russianTitle(WorkType::Essay) == "Сочинение");
}

BOOST_AUTO_TEST_CASE(russian_sort_puts_yo_after_ye) {
  std::vector<std::string> names{"Ёлкин", "Егоров", "Жуков", "Абрамов", "абрамова", "Яковлев"};
  std::sort(names.begin(), names.end(),
            [](const auto& a, const auto& b) { return russianSortKey(a) < russianSortKey(b); });
  BOOST_TEST(
      names == (std::vector<std::string>{"Абрамов", "абрамова", "Егоров", "Ёлкин", "Жуков", "Яковлев"}),
      boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(period_names) {
  BOOST_TEST(PeriodName::parse("2025-Q1")->number == 1);
  BOOST_CHECK(PeriodName::parse("2025-H2")->kind == PeriodKind::HalfYear);
  BOOST_CHECK(PeriodName::parse("2025-year")->kind == PeriodKind::Year);
  BOOST_TEST(!PeriodName::parse("2025-Q5"));
  BOOST_TEST(!PeriodName::parse("25-Q1"));
  BOOST_TEST(PeriodName::parse("2025-Q3")->toString() == "2025-Q3");
}

BOOST_AUTO_TEST_CASE(index_finds_enrolled_students_and_sorted_lessons) {
  Journal j;
  j.classes.push_back({"c5", 5, "А", ""});
  const Date sep1 = Date::fromYmd(2025, 9, 1);
  j.students.push_back({"s1", "Яковлев", "Иван", "", {}, {{"c5", sep1, std::nullopt}}});
  j.students.push_back({"s2", "Ёлкин", "Пётр", "", {}, {{"c5", sep1, Date::fromYmd(2025, 10, 15)}}});
  j.students.push_back(
      {"s3", "Антонов", "Олег", "", {}, {{"c5", Date::fromYmd(2025, 11, 10), std::nullopt}}});
  Lesson a;
  a.id = "L2";
  a.classId = "c5";
  a.date = sep1 + 1;
  Lesson b = a;
  b.id = "L1";
  b.date = sep1;
  j.lessons = {a, b};
  JournalIndex idx(j);
  BOOST_TEST(idx.classByName("5А")->id == "c5");
  auto q1 = idx.studentsOfClass("c5", {sep1, Date::fromYmd(2025, 10, 26)});
  BOOST_REQUIRE(q1.size() == 2u);
  BOOST_TEST(q1[0]->id == "s2");
  BOOST_TEST(q1[1]->id == "s1");
  auto q2 = idx.studentsOfClass("c5", {Date::fromYmd(2025, 11, 5), Date::fromYmd(2025, 12, 28)});
  BOOST_REQUIRE(q2.size() == 2u);
  BOOST_TEST(q2[0]->id == "s3");
  BOOST_TEST(idx.lessonsOfClass("c5").front()->id == "L1");
  BOOST_TEST(idx.lessonsOfClass("nope").empty());
}

BOOST_AUTO_TEST_CASE(fixed_clock_and_env_override) {
  FixedClock c(*DateTime::parse("2026-05-31T18:00:00"));
  BOOST_TEST(c.now().toString() == "2026-05-31T18:00:00");
  setenv("EJOURNAL_NOW", "2026-01-02T03:04:05", 1);
  BOOST_TEST(systemClock()->now().toString() == "2026-01-02T03:04:05");
  unsetenv("EJOURNAL_NOW");
}

BOOST_AUTO_TEST_CASE(call_once_per_process_runs_once_across_racing_threads) {
  // Two "libraries" (different call sites, same key) racing from 16 threads: the set-up runs exactly once,
  // and no caller returns before it has finished.
  std::atomic<int> runs{0}, inside{0}, overlaps{0}, earlyReturns{0};
  std::atomic<bool> finished{false};
  auto setUp = [&] {
    if (inside.fetch_add(1) != 0) ++overlaps;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ++runs;
    finished = true;
    inside.fetch_sub(1);
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i)
    threads.emplace_back([&, i] {
      if (i % 2)
        callOncePerProcess("test-runtime", setUp);
      else
        callOncePerProcess("test-runtime", [&] { setUp(); });
      if (!finished) ++earlyReturns;
    });
  for (auto& t : threads) t.join();
  BOOST_TEST(runs.load() == 1);
  BOOST_TEST(overlaps.load() == 0);
  BOOST_TEST(earlyReturns.load() == 0);

  // A set-up that throws is retried by the next caller; another key is independent.
  int attempts = 0;
  BOOST_CHECK_THROW(callOncePerProcess("test-flaky",
                                       [&] {
                                         ++attempts;
                                         throw std::runtime_error("not yet");
                                       }),
                    std::runtime_error);
  callOncePerProcess("test-flaky", [&] { ++attempts; });
  callOncePerProcess("test-flaky", [&] { ++attempts; });
  BOOST_TEST(attempts == 2);
}

BOOST_AUTO_TEST_CASE(private_files_and_directories_whatever_the_umask) {
  for (mode_t mask : {mode_t{0}, mode_t{022}}) {
    BOOST_TEST_CONTEXT("umask " << std::oct << mask) {
      TempDir tmp;
      Umask umask(mask);
      const fs::path dir = tmp.path / "a" / "b";
      createPrivateDirectories(dir);
      BOOST_TEST(modeOf(tmp.path / "a") == 0700u);
      BOOST_TEST(modeOf(dir) == 0700u);
      createPrivateDirectories(dir);  // existing: nothing to do

      writeFileAtomic(dir / "atomic.txt", "данные");
      BOOST_TEST(modeOf(dir / "atomic.txt") == 0600u);
      {
        AtomicFile f(dir / "pending.pdf");
        BOOST_TEST(modeOf(f.tempPath()) == 0600u);  // private while it is written, too
        f.write("x");
        f.commit();
      }
      BOOST_TEST(modeOf(dir / "pending.pdf") == 0600u);

      const int fd = openPrivateFile(dir / "store.db", O_RDWR | O_CREAT);
      ::close(fd);
      BOOST_TEST(modeOf(dir / "store.db") == 0600u);
      // An existing file keeps the mode its owner gave it.
      ::chmod((dir / "store.db").c_str(), 0640);
      ::close(openPrivateFile(dir / "store.db", O_RDWR | O_CREAT));
      BOOST_TEST(modeOf(dir / "store.db") == 0640u);
      BOOST_TEST(errorOf([&] { openPrivateFile(dir / "store.db", O_RDWR | O_CREAT | O_EXCL); },
                         ejournal::ErrorKind::Conflict)
                     .find("уже существует") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(input_of_every_kind_is_read_with_the_cap_applied_while_reading) {
  TempDir tmp;
  constexpr size_t kCap = 1 << 20;
  // A regular file: mapped, refused by its size.
  writeFileAtomic(tmp.path / "small.xml", "<journal/>");
  {
    InputFile f(tmp.path / "small.xml", kCap);
    BOOST_TEST(f.mapped());
    BOOST_TEST(f.bytes() == "<journal/>");
  }
  writeFileAtomic(tmp.path / "big.xml", std::string(kCap + 1, 'x'));
  BOOST_TEST(errorOf([&] { InputFile f(tmp.path / "big.xml", kCap); }, ejournal::ErrorKind::Input)
                 .find("слишком велик: 1048577 байт, допускается не больше 1 МиБ") != std::string::npos);
  // Devices that never end: refused after the cap, at once (before the fix /dev/zero was read until memory
  // ran out).
  for (const char* device : {"/dev/zero", "/dev/urandom"}) {
    const auto start = std::chrono::steady_clock::now();
    const std::string message = errorOf([&] { InputFile f(device, kCap); }, ejournal::ErrorKind::Input);
    BOOST_TEST(message.find(std::string(device) + ": файл слишком велик: больше 1 МиБ") != std::string::npos,
               message);
    BOOST_TEST(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 5.0);
  }
  // A pipe: read to its end when within the cap, refused as soon as the cap is passed (the writer is still
  // writing).
  const auto pipeOf = [&](size_t bytes) {
    int fds[2];
    BOOST_REQUIRE(::pipe(fds) == 0);
    std::thread writer([fd = fds[1], bytes] {
      const std::string block(64 * 1024, 'y');
      size_t left = bytes;
      while (left > 0) {
        const ssize_t n = ::write(fd, block.data(), std::min(left, block.size()));
        if (n <= 0) break;  // the reader gave up (EPIPE)
        left -= static_cast<size_t>(n);
      }
      ::close(fd);
    });
    return std::pair{fds[0], std::move(writer)};
  };
  std::signal(SIGPIPE, SIG_IGN);
  {
    auto [fd, writer] = pipeOf(kCap);
    {
      InputFile f("/dev/fd/" + std::to_string(fd), kCap);
      BOOST_TEST(!f.mapped());
      BOOST_TEST(f.bytes().size() == kCap);
      BOOST_TEST(f.bytes().find_first_not_of('y') == std::string_view::npos);
    }
    ::close(fd);
    writer.join();
  }
  {
    auto [fd, writer] = pipeOf(64 * kCap);  // far more than the cap: the reader stops after the cap
    BOOST_TEST(errorOf([&, fd = fd] { InputFile f("/dev/fd/" + std::to_string(fd), kCap); },
                       ejournal::ErrorKind::Input)
                   .find("слишком велик") != std::string::npos);
    ::close(fd);
    writer.join();
  }
  BOOST_TEST(errorOf([&] { InputFile f(tmp.path / "missing.xml", kCap); }, ejournal::ErrorKind::NotFound)
                 .find("файл не найден") != std::string::npos);
  BOOST_TEST(errorOf([&] { InputFile f(tmp.path, kCap); }, ejournal::ErrorKind::Input).find("каталог") !=
             std::string::npos);
}

// Resident pages of this process, in bytes (/proc/self/statm's second field counts mapped file pages too).
namespace {
size_t residentBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t total = 0, resident = 0;
  statm >> total >> resident;
  return resident * static_cast<size_t>(::sysconf(_SC_PAGESIZE));
}
}  // namespace

// A reader that goes through a mapped file once drops the pages behind itself: the process's memory falls by
// what was released, and the bytes stay readable (read again from the file) and unchanged.
BOOST_AUTO_TEST_CASE(input_file_release_drops_mapped_pages_and_keeps_the_bytes) {
  TempDir tmp;
  constexpr size_t kSize = size_t{32} << 20;
  std::string content(kSize, '\0');
  for (size_t i = 0; i < kSize; ++i) content[i] = static_cast<char>('a' + i * 7919 % 26);
  writeFileAtomic(tmp.path / "year.xml", content);
  InputFile f(tmp.path / "year.xml", kSize);
  BOOST_REQUIRE(f.mapped());
  const size_t before = residentBytes();
  BOOST_TEST((f.bytes() == content));  // touches every page
  const size_t touched = residentBytes();
  BOOST_TEST(touched >= before + kSize * 3 / 4, "resident " << before << " -> " << touched);
  f.release(kSize / 2);
  const size_t half = residentBytes();
  BOOST_TEST(half + kSize * 3 / 8 <= touched, "resident " << touched << " -> " << half);
  f.release(kSize * 4);  // past the end: everything
  BOOST_TEST(residentBytes() + kSize * 3 / 4 <= touched);
  BOOST_TEST((f.bytes() == content));  // read again from the file, unchanged
  // A stream read into memory keeps its bytes: release does nothing to them.
  int fds[2];
  BOOST_REQUIRE(::pipe(fds) == 0);
  BOOST_REQUIRE(::write(fds[1], "<journal/>", 10) == 10);
  ::close(fds[1]);
  InputFile piped("/dev/fd/" + std::to_string(fds[0]), kSize);
  ::close(fds[0]);
  piped.release(kSize);
  BOOST_TEST(piped.bytes() == "<journal/>");
}

BOOST_AUTO_TEST_CASE(error_detail_stays_out_of_the_message) {
  const ejournal::Error e(ejournal::ErrorKind::Internal, "store.open", "не удалось открыть базу данных",
                          "Can't open DB file");
  BOOST_TEST(std::string(e.what()) == "store.open: не удалось открыть базу данных");
  BOOST_TEST(e.detail() == "Can't open DB file");
}

BOOST_AUTO_TEST_CASE(csv_in_the_spreadsheet_form) {
  using ejournal::model::CsvForm;
  using ejournal::model::csvInForm;
  const std::string rfc = "a,\"b,c\",\"он сказал \"\"да\"\"\",d;e\r\n,\"x\ny\",\r\nlast";
  // ';' and a BOM: the comma no longer needs quotes, the ';' does, quotes stay doubled, records and empties
  // kept.
  BOOST_TEST(csvInForm(rfc, CsvForm{}) ==
             "\xEF\xBB\xBF"
             "a;b,c;\"он сказал \"\"да\"\"\";\"d;e\"\r\n;\"x\ny\";\r\nlast");
  BOOST_TEST(csvInForm(rfc, CsvForm::rfc4180()) == rfc);
  BOOST_TEST(csvInForm("", CsvForm{}) == "\xEF\xBB\xBF");
  BOOST_TEST(csvInForm("a,b\n", CsvForm{';', false}) == "a;b\n");
}

BOOST_AUTO_TEST_CASE(one_utf8_decoder) {
  using ejournal::model::decodeUtf8;
  auto all = [](std::string_view s) {
    std::vector<long> out;  // -1 for a malformed byte
    for (size_t i = 0; i < s.size();) {
      auto cp = decodeUtf8(s, i);
      out.push_back(cp ? static_cast<long>(*cp) : -1);
    }
    return out;
  };
  BOOST_TEST((all("aЖ€😀") == std::vector<long>{'a', 0x416, 0x20AC, 0x1F600}));
  // A stray continuation, an overlong '/', a surrogate, beyond U+10FFFF, a truncated sequence: one byte each.
  BOOST_TEST((all("\x80") == std::vector<long>{-1}));
  BOOST_TEST((all("\xC0\xAF") == std::vector<long>{-1, -1}));
  BOOST_TEST((all("\xED\xA0\x80") == std::vector<long>{-1, -1, -1}));
  BOOST_TEST((all("\xF4\x90\x80\x80") == std::vector<long>{-1, -1, -1, -1}));
  BOOST_TEST((all("\xD0") == std::vector<long>{-1}));
  BOOST_TEST((all("\xD0x") == std::vector<long>{-1, 'x'}));
  std::string back;
  for (char32_t cp : {U'a', U'Ж', U'€', U'😀'}) ejournal::model::appendUtf8(back, cp);
  BOOST_TEST(back == "aЖ€😀");
  BOOST_TEST(ejournal::model::utf8Width("5А класс") == 8u);
  BOOST_TEST(ejournal::model::utf8Width("\xD0") == 1u);
}

// Ingest through the real SQLite store: re-ingesting changes nothing, a changed mark lands in the history, a
// document failing in its last batch stores nothing; and the `ejournal ingest` command's exit codes, by
// running the built binary.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "ejournal/ingest/ingest.h"
#include "ejournal/model/files.h"
#include "ejournal/store/store.h"
#include "run_cli.h"

namespace ej = ejournal;
namespace fs = std::filesystem;

namespace {

std::string tiny() { return ej::model::readFile(fs::path(EJOURNAL_SOURCE_DIR) / "samples/tiny.xml"); }

// A fresh directory under the build tree, removed at the end.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::path(EJOURNAL_BINARY_DIR) / "tests-tmp" /
           ("ingest-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

std::shared_ptr<ej::model::FixedClock> fixedClock() {
  return std::make_shared<ej::model::FixedClock>(*ej::model::DateTime::parse("2025-11-01T10:00:00"));
}

ej::store::IngestSummary ingestInto(ej::store::Store& store, const std::string& xml, const std::string& run,
                                    size_t batch = 20000) {
  auto tx = store.beginIngest(
      ej::model::Provenance{"xml:test", run, *ej::model::DateTime::parse("2025-11-01T10:00:00")});
  ej::ingest::ReadOptions options;
  options.batchRecords = batch;
  ej::ingest::readJournal(
      xml, "tiny.xml", [&](const ej::model::Journal& part) { tx->upsert(part); }, options);
  return tx->commit();
}

std::string replaced(std::string doc, const std::string& from, const std::string& to) {
  const size_t at = doc.find(from);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, "test document lacks: " + from);
  doc.replace(at, from.size(), to);
  return doc;
}

const ej::model::Mark* findMark(const ej::model::Journal& j, const std::string& id) {
  for (const auto& m : j.marks)
    if (m.id == id) return &m;
  return nullptr;
}

using Run = ej::testsupport::CliRun;

Run runCli(const std::vector<std::string>& args, const fs::path& dir) {
  return ej::testsupport::runCli(args, dir);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(through_the_sqlite_store)

BOOST_AUTO_TEST_CASE(reingest_changes_nothing) {
  TempDir dir;
  auto store = ej::store::Store::open((dir.path / "j.db").string(), fixedClock());
  const auto first = ingestInto(*store, tiny(), "run-1", 50);
  BOOST_TEST(first.inserted > 300u);
  BOOST_TEST(first.updated == 0u);
  const auto second = ingestInto(*store, tiny(), "run-2", 50);
  BOOST_TEST(second.inserted == 0u);
  BOOST_TEST(second.updated == 0u);
  BOOST_TEST(second.markChanges == 0u);
  BOOST_TEST(second.unchanged == first.inserted + first.unchanged);  // every record seen again, unchanged

  // What was stored reads back as the document said.
  const auto j = store->load({});
  BOOST_TEST(j.school.id == "stupeni");
  BOOST_TEST(j.lessons.size() == 58u);
  BOOST_TEST(j.marks.size() == 219u);
  BOOST_TEST(j.attendance.size() == 8u);
  BOOST_TEST(j.periodMarks.size() == 11u);
  BOOST_TEST(j.students.size() == 12u);
  const auto* m = findMark(j, "m068");
  BOOST_REQUIRE(m);
  BOOST_TEST(m->value.toString() == "4");
  BOOST_TEST(m->history.size() == 2u);
}

BOOST_AUTO_TEST_CASE(changed_mark_is_recorded_in_history) {
  TempDir dir;
  auto store = ej::store::Store::open((dir.path / "j.db").string(), fixedClock());
  ingestInto(*store, tiny(), "run-1");
  const std::string before = R"(<mark id="m001" student="s01" lesson="l5a-0901-1" value="5")";
  const std::string newer =
      replaced(tiny(), before, R"(<mark id="m001" student="s01" lesson="l5a-0901-1" value="3")");
  const auto summary = ingestInto(*store, newer, "run-2");
  BOOST_TEST(summary.inserted == 0u);
  BOOST_TEST(summary.updated == 1u);
  BOOST_TEST(summary.markChanges == 1u);
  const auto j = store->load({});
  const auto* m = findMark(j, "m001");
  BOOST_REQUIRE(m);
  BOOST_TEST(m->value.toString() == "3");
  BOOST_REQUIRE(!m->history.empty());
  BOOST_TEST(m->history.back().oldValue.has_value());
  BOOST_TEST(m->history.back().oldValue->toString() == "5");
  BOOST_TEST(m->history.back().newValue->toString() == "3");
}

BOOST_AUTO_TEST_CASE(document_failing_in_its_last_batch_stores_nothing) {
  TempDir dir;
  auto store = ej::store::Store::open((dir.path / "j.db").string(), fixedClock());
  ingestInto(*store, tiny(), "run-1");
  // A newer export that changes an early mark but refers to an unknown student in its very last period mark:
  // the early batches reach the store before the problem is found, and must be rolled back.
  std::string bad = replaced(tiny(), R"(<mark id="m001" student="s01" lesson="l5a-0901-1" value="5")",
                             R"(<mark id="m001" student="s01" lesson="l5a-0901-1" value="2")");
  bad = replaced(bad, R"(<periodMark student="s15")", R"(<periodMark student="s77")");
  size_t parts = 0;
  {
    auto tx = store->beginIngest(
        ej::model::Provenance{"xml:bad", "run-2", *ej::model::DateTime::parse("2025-11-02T10:00:00")});
    ej::ingest::ReadOptions options;
    options.batchRecords = 20;
    BOOST_CHECK_THROW(ej::ingest::readJournal(
                          bad, "bad.xml",
                          [&](const ej::model::Journal& part) {
                            ++parts;
                            tx->upsert(part);
                          },
                          options),
                      ej::ingest::InvalidDocument);
  }                         // destroyed without commit
  BOOST_TEST(parts > 10u);  // most of the document had been handed to the store
  const auto j = store->load({});
  const auto* m = findMark(j, "m001");
  BOOST_REQUIRE(m);
  BOOST_TEST(m->value.toString() == "5");
  BOOST_TEST(m->history.empty());
  BOOST_TEST(j.periodMarks.size() == 11u);

  // And into an empty store: nothing at all.
  TempDir empty;
  auto fresh = ej::store::Store::open((empty.path / "j.db").string(), fixedClock());
  {
    auto tx = fresh->beginIngest(
        ej::model::Provenance{"xml:bad", "run-1", *ej::model::DateTime::parse("2025-11-02T10:00:00")});
    ej::ingest::ReadOptions options;
    options.batchRecords = 20;
    BOOST_CHECK_THROW(ej::ingest::readJournal(
                          bad, "bad.xml", [&](const ej::model::Journal& part) { tx->upsert(part); }, options),
                      ej::ingest::InvalidDocument);
  }
  BOOST_TEST(fresh->schools().empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cli)

BOOST_AUTO_TEST_CASE(ingest_command_exit_codes) {
  TempDir dir;
  const std::string db = (dir.path / "cli.db").string();
  const std::string good = (fs::path(EJOURNAL_SOURCE_DIR) / "samples/tiny.xml").string();
  const Run ok = runCli({"ingest", good, "--db", db}, dir.path);
  BOOST_TEST(ok.code == 0, ok.err);
  BOOST_TEST(ok.out.find("сохранено") != std::string::npos, ok.out);
  BOOST_TEST(ok.out.find("отметок 219") != std::string::npos, ok.out);

  const Run again = runCli({"ingest", good, "--db", db}, dir.path);
  BOOST_TEST(again.code == 0, again.err);
  BOOST_TEST(again.out.find("записей новых 0, изменённых 0") != std::string::npos, again.out);

  // A bad document: exit 2, every problem as file:line:column, nothing stored.
  const fs::path badFile = dir.path / "bad.xml";
  std::string bad = replaced(tiny(), R"(<mark id="m219" student=")", R"(<mark id="m219" student="x)");
  bad = replaced(bad, R"(<period id="2025-Q2" kind="quarter" number="2" from="2025-11-05")",
                 R"(<period id="2025-Q2" kind="quarter" number="2" from="2025-11-31")");
  ej::model::writeFileAtomic(badFile, bad);
  const std::string badDb = (dir.path / "bad.db").string();
  const Run refused = runCli({"ingest", badFile.string(), "--db", badDb}, dir.path);
  BOOST_TEST(refused.code == 2);
  BOOST_TEST(refused.err.find(badFile.string() + ":8:") != std::string::npos, refused.err);
  BOOST_TEST(refused.err.find("ничего не сохранено") != std::string::npos, refused.err);
  BOOST_TEST(ej::store::Store::open(badDb, fixedClock())->schools().empty());

  const Run missing = runCli({"ingest", (dir.path / "none.xml").string(), "--db", badDb}, dir.path);
  BOOST_TEST(missing.code == 2);
  const Run noArgs = runCli({"ingest", "--db", badDb}, dir.path);
  BOOST_TEST(noArgs.code == 2);
}

BOOST_AUTO_TEST_CASE(nul_byte_refuses_the_document_and_stores_nothing) {
  // Before the fix this stored the file without its 219 marks and exited 0.
  TempDir dir;
  const fs::path file = dir.path / "cut.xml";
  ej::model::writeFileAtomic(file, replaced(tiny(), "  <marks>", std::string("</journal>\0  <marks>", 20)));
  const std::string db = (dir.path / "cut.db").string();
  const Run r = runCli({"ingest", file.string(), "--db", db}, dir.path);
  BOOST_TEST(r.code == 2);
  BOOST_TEST(r.err.find(file.string() + ":287:11: нулевой байт (NUL)") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("ничего не сохранено") != std::string::npos, r.err);
  BOOST_TEST(ej::store::Store::open(db, fixedClock())->schools().empty());
}

BOOST_AUTO_TEST_CASE(input_that_is_not_a_regular_file_is_capped_while_read) {
  // Before the fix /dev/zero grew the process to 24 GB and /dev/urandom hung.
  TempDir dir;
  const std::string db = (dir.path / "dev.db").string();
  for (const std::string device : {"/dev/zero", "/dev/urandom"}) {
    const auto start = std::chrono::steady_clock::now();
    const Run r = runCli({"ingest", "--max-size", "1048576", device, "--db", db}, dir.path);
    BOOST_TEST(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 10.0);
    BOOST_TEST(r.code == 2);
    BOOST_TEST(r.err.find(device + ": файл слишком велик: больше 1 МиБ") != std::string::npos, r.err);
  }
  // A regular file over the cap is refused by its size; the next file is still ingested.
  const Run both = runCli({"ingest", "--max-size", "1000",
                           (fs::path(EJOURNAL_SOURCE_DIR) / "samples/tiny.xml").string(), "--db", db},
                          dir.path);
  BOOST_TEST(both.code == 2);
  BOOST_TEST(both.err.find("файл слишком велик") != std::string::npos, both.err);
  BOOST_TEST(ej::store::Store::open(db, fixedClock())->schools().empty());
  const Run bad = runCli({"ingest", "--max-size", "1e9", "x.xml", "--db", db}, dir.path);
  BOOST_TEST(bad.code == 2);
  BOOST_TEST(bad.err.find("--max-size") != std::string::npos, bad.err);
}

// A store may hold several schools: a second school's journal goes in beside the first, and then every
// command that works on one school asks which (naming the stored ones) and works on the one named.
BOOST_AUTO_TEST_CASE(a_second_school_goes_in_and_commands_ask_which_school) {
  TempDir dir;
  const std::string db = (dir.path / "two.db").string();
  const std::string good = (fs::path(EJOURNAL_SOURCE_DIR) / "samples/tiny.xml").string();
  BOOST_REQUIRE(runCli({"ingest", good, "--db", db}, dir.path).code == 0);
  const fs::path other = dir.path / "other.xml";
  // The other school: its own id and name, and one topic less (so a mix-up of the two would show).
  std::string xml = replaced(replaced(tiny(), R"(<school id="stupeni")", R"(<school id="gymn2")"),
                             R"(shortName="МАОУ лицей «Ступени»")", R"(shortName="МАОУ гимназия № 2")");
  ej::model::writeFileAtomic(other, xml);
  const Run r = runCli({"ingest", other.string(), "--db", db}, dir.path);
  BOOST_TEST(r.code == 0, r.err);
  auto store = ej::store::Store::open(db, fixedClock());
  BOOST_TEST((store->schools() == std::vector<std::string>{"gymn2", "stupeni"}));
  BOOST_TEST(store->load({"stupeni", std::nullopt, ""}).marks.size() == 219u);
  BOOST_TEST(store->load({"gymn2", std::nullopt, ""}).school.shortName == "МАОУ гимназия № 2");

  for (const std::vector<std::string>& cmd : {std::vector<std::string>{"check"},
                                              {"report", "control"},
                                              {"stats"},
                                              {"render", "summary", "--class", "5А", "-o", "s.pdf"}}) {
    std::vector<std::string> argv = cmd;
    argv.insert(argv.end(), {"--db", db});
    const Run none = runCli(argv, dir.path);
    BOOST_TEST(none.code == 2, cmd[0]);
    BOOST_TEST(none.err.find("несколько школ: gymn2 «МАОУ гимназия № 2», stupeni «МАОУ лицей «Ступени»»") !=
                   std::string::npos,
               none.err);
    BOOST_TEST(none.err.find("--school") != std::string::npos, none.err);
  }
  const Run st = runCli({"stats", "--school", "gymn2", "--db", db}, dir.path);
  BOOST_TEST(st.code == 0, st.err);
  BOOST_TEST(st.out.find("МАОУ гимназия № 2") != std::string::npos, st.out);
  BOOST_TEST(st.out.find("Ступени") == std::string::npos, st.out);
  const Run unknown = runCli({"check", "--school", "gymn3", "--db", db}, dir.path);
  BOOST_TEST(unknown.code == 2);
  BOOST_TEST(unknown.err.find("такой школы нет в хранилище; в нём: gymn2") != std::string::npos, unknown.err);
  const Run chk = runCli(
      {"check", "--school", "stupeni", "--period", "2025-Q1", "--format", "json", "--db", db}, dir.path);
  BOOST_TEST((chk.code == 0 || chk.code == 1), chk.err);
  BOOST_TEST(chk.out.find("\"stupeni\"") != std::string::npos);
  BOOST_TEST(chk.out.find("gymn2") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

// The command-line conventions of issue 15 through the built binary: help on every command (-h, --help,
// `ejournal help CMD`, the overview's whole first sentences, Russian texts), reading commands that never
// create or migrate a store, `--format json` of the data commands, and the CSV forms (BOM and ';', or RFC
// 4180 with ',').
#define BOOST_TEST_MODULE cli
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "ejournal/model/files.h"
#include "run_cli.h"

namespace fs = std::filesystem;
using ejournal::testsupport::CliRun;

namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

struct Dir {
  fs::path path;
  Dir() {
    char tmpl[] = "/tmp/ejournal-cli-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~Dir() { fs::remove_all(path); }
  CliRun run(const std::vector<std::string>& args) const { return ejournal::testsupport::runCli(args, path); }
};

// The command names listed under "Команды:" in the overview.
std::vector<std::string> commandNames(const std::string& overview) {
  std::vector<std::string> names;
  std::istringstream in(overview);
  std::string line;
  bool on = false;
  while (std::getline(in, line)) {
    if (line == "Команды:") {
      on = true;
      continue;
    }
    if (!on) continue;
    if (line.empty()) break;
    const size_t start = line.find_first_not_of(' ');
    const size_t gap = line.find("  ", start);
    names.push_back(line.substr(start, gap - start));
  }
  return names;
}

std::vector<std::string> words(const std::string& name) {
  std::vector<std::string> w;
  std::istringstream in(name);
  for (std::string x; in >> x;) w.push_back(x);
  return w;
}

// The overview line of a command: its summary after the name column.
std::string summaryOf(const std::string& overview, const std::string& name) {
  std::istringstream in(overview);
  for (std::string line; std::getline(in, line);) {
    const std::string prefix = "  " + name + "  ";
    if (line.rfind(prefix, 0) == 0) return line.substr(line.find_first_not_of(' ', prefix.size()));
  }
  return "";
}

// The description of a command's help, its lines joined by blanks.
std::string descriptionOf(const std::string& help) {
  std::istringstream in(help);
  std::string line, out;
  std::getline(in, line);  // Использование:
  std::getline(in, line);  // blank
  while (std::getline(in, line) && !line.empty()) out += (out.empty() ? "" : " ") + line;
  return out;
}

Poco::Dynamic::Var parseJson(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(help)

BOOST_AUTO_TEST_CASE(every_command_has_russian_help_by_h_help_and_help_cmd) {
  Dir d;
  const CliRun overview = d.run({"--help"});
  BOOST_REQUIRE_EQUAL(overview.code, 0);
  BOOST_TEST(overview.out == d.run({"help"}).out);
  BOOST_TEST(overview.out == d.run({"-h"}).out);
  const auto names = commandNames(overview.out);
  BOOST_REQUIRE_GE(names.size(), 30u);
  for (const auto& name : names) {
    auto args = words(name);
    args.push_back("--help");
    const CliRun longForm = d.run(args);
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(longForm.code == 0, longForm.err);
      BOOST_TEST(longForm.out.rfind("Использование: ejournal " + name + " ", 0) == 0, longForm.out);
      BOOST_TEST(has(longForm.out, "\nПараметры:\n"));
      BOOST_TEST(has(longForm.out, "  -h, --help "));
      BOOST_TEST(has(longForm.out, "Коды выхода: 0"));
      BOOST_TEST(!has(longForm.out, "domain.md"));
      BOOST_TEST(!has(longForm.out, "Usage"));
      args.back() = "-h";
      const CliRun shortForm = d.run(args);
      BOOST_TEST(shortForm.code == 0);
      BOOST_TEST(shortForm.out == longForm.out);
      std::vector<std::string> helpCmd{"help"};
      for (const auto& w : words(name)) helpCmd.push_back(w);
      const CliRun viaHelp = d.run(helpCmd);
      BOOST_TEST(viaHelp.code == 0);
      BOOST_TEST(viaHelp.out == longForm.out);
      // The overview shows the whole first sentence of the description: it ends with a dot, and the
      // description starts with it.
      const std::string summary = summaryOf(overview.out, name);
      BOOST_TEST(!summary.empty());
      BOOST_TEST(summary.back() == '.', summary);
      BOOST_TEST(descriptionOf(longForm.out).rfind(summary, 0) == 0, summary);
      // Russian: the description has Cyrillic letters from its first word on.
      BOOST_TEST(static_cast<unsigned char>(summary[0]) == 0xD0, summary);
    }
  }
  // The sentence that used to be cut at "dnevnik.".
  BOOST_TEST(has(overview.out,
                 "  pull                     Загружает журнал школы из dnevnik.ru (REST API v2, совместимый "
                 "сервер или наш эмулятор) в хранилище как один запуск загрузки с источником "
                 "\"dnevnik:<URL>\".\n"));
  // -h anywhere on the line, even after an option the command would refuse.
  const CliRun late = d.run({"check", "--bogus", "-h"});
  BOOST_TEST(late.code == 0);
  BOOST_TEST(late.out.rfind("Использование: ejournal check ", 0) == 0);
  // Unknown command and unknown option: Russian errors, exit 2.
  const CliRun unknown = d.run({"help", "nosuch"});
  BOOST_TEST(unknown.code == 2);
  BOOST_TEST(has(unknown.err, "неизвестная команда «nosuch»"));
  const CliRun badOption = d.run({"stats", "-x"});
  BOOST_TEST(badOption.code == 2);
  BOOST_TEST(has(badOption.err, "неизвестный параметр -x"), badOption.err);
  const CliRun group = d.run({"help", "archive"});
  BOOST_TEST(group.code == 2);
  BOOST_TEST(has(group.err, "ejournal archive list"));
}

BOOST_AUTO_TEST_CASE(short_output_option) {
  Dir d;
  const fs::path out = d.path / "s.xml";
  const CliRun r = d.run({"sample", "--classes", "11", "--students", "8", "-o", out.string()});
  BOOST_TEST(r.code == 0, r.err);
  BOOST_TEST(fs::exists(out));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(reading_commands)

BOOST_AUTO_TEST_CASE(a_missing_store_is_an_error_and_no_file_is_created) {
  Dir d;
  const std::string typo = (d.path / "typo.db").string();
  const std::vector<std::vector<std::string>> commands = {
      {"stats"},
      {"check", "--period", "2025-Q1"},
      {"report", "control", "--period", "2025-Q1"},
      {"render", "summary", "--class", "5А", "-o", (d.path / "x.pdf").string()},
      {"user", "list"},
      {"audit", "list"},
      {"audit", "verify"},
      {"archive", "find", "--archive-dir", d.path.string()},
      {"verify", "--all", "--archive-dir", d.path.string()},
  };
  for (auto args : commands) {
    args.push_back("--db");
    args.push_back(typo);
    const CliRun r = d.run(args);
    BOOST_TEST_CONTEXT(args[0] + " " + args[1]) {
      BOOST_TEST(r.code == 2);
      BOOST_TEST(has(r.err, "хранилище «" + typo + "»: файл базы данных не найден"), r.err);
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) BOOST_TEST(!fs::exists(typo + suffix));
    }
  }
  // A file that is not an ejournal store is refused and left as it was (no tables added).
  const fs::path empty = d.path / "empty.db";
  ejournal::model::writeFileAtomic(empty, "");
  const CliRun r = d.run({"stats", "--db", empty.string()});
  BOOST_TEST(r.code == 2);
  BOOST_TEST(has(r.err, "это не хранилище ejournal"), r.err);
  BOOST_TEST(fs::file_size(empty) == 0u);
}

BOOST_AUTO_TEST_CASE(an_older_schema_is_refused_not_migrated) {
  Dir d;
  const std::string db = (d.path / "old.db").string();
  BOOST_REQUIRE(d.run({"ingest", std::string(EJOURNAL_SOURCE_DIR) + "/samples/tiny.xml", "--db", db}).code ==
                0);
  auto version = [&] {
    sqlite3* h = nullptr;
    BOOST_REQUIRE(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(h, "SELECT MAX(version) FROM schema_version", -1, &st, nullptr);
    int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(h);
    return v;
  };
  const int current = version();
  BOOST_REQUIRE_GT(current, 1);
  auto exec = [&](const std::string& sql) {
    sqlite3* h = nullptr;
    BOOST_REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
    BOOST_REQUIRE(sqlite3_exec(h, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(h);
  };
  // As if written by an older ejournal: the last migration not recorded as applied.
  exec("CREATE TABLE saved AS SELECT * FROM schema_version WHERE version = " + std::to_string(current) +
       "; DELETE FROM schema_version WHERE version = " + std::to_string(current));
  const CliRun stats = d.run({"stats", "--db", db});
  BOOST_TEST(stats.code == 2);
  BOOST_TEST(has(stats.err, "команды чтения её не обновляют"), stats.err);
  BOOST_TEST(version() < current);  // still the old schema
  // With the schema current again, the reading command works.
  exec("INSERT INTO schema_version SELECT * FROM saved; DROP TABLE saved");
  BOOST_TEST(version() == current);
  const CliRun again = d.run({"stats", "--db", db});
  BOOST_TEST(again.code == 0, again.err);
}

BOOST_AUTO_TEST_SUITE_END()

// A store with samples/tiny.xml, an archive of 2025-Q1 sealed with a fresh EC key, and one service user.
struct Sealed : Dir {
  std::string db, archives, cert;
  Sealed() {
    setenv("EJOURNAL_NOW", "2026-06-01T12:00:00", 1);
    setenv("EJOURNAL_TEST_WEAK_KDF", "1", 1);
    db = (path / "j.db").string();
    archives = (path / "archive").string();
    const CliRun in = run({"ingest", std::string(EJOURNAL_SOURCE_DIR) + "/samples/tiny.xml", "--db", db});
    BOOST_REQUIRE_MESSAGE(in.code == 0, in.err);
    const std::string key = (path / "k.pem").string();
    cert = (path / "c.pem").string();
    BOOST_REQUIRE(
        std::system(("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 "
                     "-subj /CN=test -keyout " +
                     key + " -out " + cert + " 2>/dev/null")
                        .c_str()) == 0);
    const CliRun seal = run({"seal", "--period", "2025-Q1", "--db", db, "--archive-dir", archives, "--key",
                             key, "--cert", cert, "--by", "Завуч"});
    BOOST_REQUIRE_MESSAGE(seal.code == 0, seal.err);
    ejournal::model::writeFileAtomic(path / "pw", "очень-длинный-пароль-2026\n");
    const CliRun add = run({"user", "add", "ivanova", "--role", "deputy", "--name", "Иванова Мария Петровна",
                            "--password-file", (path / "pw").string(), "--iterations", "1000", "--db", db});
    BOOST_REQUIRE_MESSAGE(add.code == 0, add.err);
  }
  Poco::Dynamic::Var json(const std::vector<std::string>& args, int code = 0) const {
    const CliRun r = run(args);
    BOOST_REQUIRE_MESSAGE(r.code == code, "exit " + std::to_string(r.code) + ": " + r.err);
    try {
      return parseJson(r.out);
    } catch (const std::exception& e) {
      BOOST_FAIL("not JSON: " + r.out);
    }
    return {};
  }
};

using Poco::JSON::Array;
using Poco::JSON::Object;

BOOST_FIXTURE_TEST_SUITE(json_output, Sealed)

BOOST_AUTO_TEST_CASE(users_belong_to_a_school_or_to_the_region) {
  const std::string pw = (path / "pw").string();
  auto add = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = {"user", "add"};
    a.insert(a.end(), extra.begin(), extra.end());
    for (const char* x : {"--password-file", "", "--iterations", "1000", "--db", ""}) a.push_back(x);
    a[a.size() - 5] = pw;
    a.back() = db;
    return run(a);
  };
  // A new school's first administrator, before its journal is in the store.
  const CliRun newAdmin =
      add({"newadmin", "--role", "admin", "--name", "Новый Админ", "--school", "school-9"});
  BOOST_TEST(newAdmin.code == 0, newAdmin.err);
  BOOST_TEST(has(newAdmin.err, "«school-9» ещё нет в хранилище"), newAdmin.err);
  // Other roles need a stored school; the regional roles take none.
  const CliRun noSuch = add({"spy", "--role", "deputy", "--name", "Ш", "--school", "school-9"});
  BOOST_TEST(noSuch.code != 0);
  BOOST_TEST(has(noSuch.err, "такой школы нет в хранилище"), noSuch.err);
  const CliRun regionalWithSchool =
      add({"insp", "--role", "region_inspector", "--name", "Методист", "--school", "stupeni"});
  BOOST_TEST(regionalWithSchool.code != 0);
  BOOST_TEST(has(regionalWithSchool.err, "--school не указывается"), regionalWithSchool.err);
  BOOST_TEST(add({"insp", "--role", "region_inspector", "--name", "Методист Управления"}).code == 0);
  auto users =
      json({"user", "list", "--db", db, "--format", "json"}).extract<Object::Ptr>()->getArray("users");
  std::map<std::string, std::string> school;
  for (size_t i = 0; i < users->size(); ++i) {
    auto u = users->getObject(static_cast<unsigned>(i));
    school[u->getValue<std::string>("login")] =
        u->isNull("school") ? "null" : u->getValue<std::string>("school");
  }
  // ivanova was added without --school to a store of one school: she is that school's.
  BOOST_TEST(school["ivanova"] == "stupeni");
  BOOST_TEST(school["newadmin"] == "school-9");
  BOOST_TEST(school["insp"] == "null");
  BOOST_TEST(school.count("spy") == 0u);
}

BOOST_AUTO_TEST_CASE(stats_json) {
  auto o = json({"stats", "--db", db, "--format", "json"}).extract<Object::Ptr>();
  BOOST_TEST(o->getValue<std::string>("year") == "2025/2026");
  auto rows = o->getArray("rows");
  BOOST_REQUIRE_GE(rows->size(), 2u);
  // Every row as in the text table: "5А     1 четверть      6  26  105  3".
  const std::string text = run({"stats", "--db", db}).out;
  bool year5a = false;
  for (size_t i = 0; i < rows->size(); ++i) {
    auto r = rows->getObject(static_cast<unsigned>(i));
    std::ostringstream figures;
    figures << r->getValue<int>("students") << " " << r->getValue<int>("lessons") << " "
            << r->getValue<int>("marks") << " " << r->getValue<int>("absences");
    bool found = false;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(r->getValue<std::string>("class_name") + " ", 0) != 0 ||
          !has(line, " " + r->getValue<std::string>("period_name") + " "))
        continue;
      std::istringstream tail(line.substr(line.find(r->getValue<std::string>("period_name")) +
                                          r->getValue<std::string>("period_name").size()));
      std::string a1, a2, a3, a4;
      tail >> a1 >> a2 >> a3 >> a4;
      found = a1 + " " + a2 + " " + a3 + " " + a4 == figures.str();
    }
    BOOST_TEST(found, r->getValue<std::string>("class_name") + " " + r->getValue<std::string>("period_name") +
                          ": " + figures.str());
    if (r->getValue<std::string>("class_name") == "5А" &&
        r->getValue<std::string>("period_name") == "1 четверть") {
      year5a = true;
      BOOST_TEST(r->getValue<std::string>("period") == "2025-Q1");
      BOOST_TEST(figures.str() == "6 26 105 3");
    }
  }
  BOOST_TEST(year5a);
  BOOST_TEST(o->getValue<std::string>("school") == "stupeni");
  BOOST_TEST(o->getValue<std::string>("school_name") == "МАОУ лицей «Ступени»");
  auto q1 = json({"stats", "--db", db, "--period", "2025-Q1", "--format", "json"})
                .extract<Object::Ptr>()
                ->getArray("rows");
  BOOST_REQUIRE_EQUAL(q1->size(), 2u);  // 5А and 8Б; 10Б reports by halves
  for (size_t i = 0; i < q1->size(); ++i)
    BOOST_TEST(q1->getObject(static_cast<unsigned>(i))->getValue<std::string>("period") == "2025-Q1");
  bool yearRow = false;
  for (size_t i = 0; i < rows->size(); ++i)
    yearRow = yearRow || rows->getObject(static_cast<unsigned>(i))->isNull("period");
  BOOST_TEST(yearRow);  // the whole year's row has "period": null
  const CliRun bad = run({"stats", "--db", db, "--format", "xml"});
  BOOST_TEST(bad.code == 2);
  BOOST_TEST(has(bad.err, "неизвестный формат «xml»"));
}

BOOST_AUTO_TEST_CASE(archive_json) {
  auto list = json({"archive", "list", "--archive-dir", archives, "--format", "json"}).extract<Object::Ptr>();
  auto items = list->getArray("archives");
  BOOST_REQUIRE_EQUAL(items->size(), 1u);
  auto a = items->getObject(0);
  const std::string file = a->getValue<std::string>("archive");
  BOOST_TEST(file == "000001_2025-Q1_v1.tar");
  BOOST_TEST(a->getValue<std::string>("period") == "2025-Q1");
  BOOST_TEST(a->getValue<int>("version") == 1);
  BOOST_TEST(a->getValue<std::string>("created_by") == "Завуч");
  BOOST_TEST(a->isNull("supersedes"));
  BOOST_TEST(a->isNull("previous"));
  BOOST_TEST(!a->getValue<bool>("superseded"));
  BOOST_TEST(a->getValue<std::string>("manifest_sha256").size() == 64u);
  const int documents = a->getValue<int>("documents");
  BOOST_TEST(documents >= 4);

  auto show =
      json({"archive", "show", file, "--archive-dir", archives, "--format", "json"}).extract<Object::Ptr>();
  BOOST_TEST(show->getValue<std::string>("manifest_sha256") == a->getValue<std::string>("manifest_sha256"));
  auto docs = show->getArray("documents");
  BOOST_REQUIRE_EQUAL(static_cast<int>(docs->size()), documents);
  BOOST_TEST(docs->getObject(0)->getValue<std::string>("name") == "export/journal.xml");
  BOOST_TEST(docs->getObject(0)->getValue<std::string>("sha256").size() == 64u);
  BOOST_TEST(docs->getObject(0)->getValue<long long>("size") > 0);
  BOOST_TEST(docs->getObject(0)->getObject("retention")->getValue<int>("years") == 5);

  auto find = json({"archive", "find", "--student", "Алексеев", "--db", db, "--archive-dir", archives,
                    "--format", "json"})
                  .extract<Object::Ptr>();
  BOOST_TEST(find->isNull("reindexed"));
  BOOST_TEST(find->getValue<int>("count") >= 2);
  BOOST_TEST(static_cast<int>(find->getArray("documents")->size()) == find->getValue<int>("count"));
  BOOST_TEST(find->getArray("documents")->getObject(0)->getValue<std::string>("archive") == file);
  auto none = json({"archive", "find", "--student", "Никто", "--db", db, "--archive-dir", archives,
                    "--format", "json"},
                   1)
                  .extract<Object::Ptr>();
  BOOST_TEST(none->getValue<int>("count") == 0);

  auto kept =
      json({"archive", "retention", "--archive-dir", archives, "--format", "json"}).extract<Object::Ptr>();
  BOOST_TEST(kept->getArray("archives")->size() == 0u);
  auto past =
      json({"archive", "retention", "--today", "2060-01-01", "--archive-dir", archives, "--format", "json"})
          .extract<Object::Ptr>();
  BOOST_TEST(past->getValue<std::string>("today") == "2060-01-01");
  BOOST_REQUIRE_EQUAL(past->getArray("archives")->size(), 1u);
  BOOST_TEST(past->getArray("archives")
                 ->getObject(0)
                 ->getObject("retention")
                 ->getValue<std::string>("earliest_disposal") == "2051-01-01");
}

BOOST_AUTO_TEST_CASE(verify_json) {
  auto ok = json({"verify", "--all", "--ca", cert, "--db", db, "--archive-dir", archives, "--format", "json"})
                .extract<Object::Ptr>();
  BOOST_TEST(ok->getValue<bool>("ok"));
  BOOST_TEST(ok->getValue<bool>("all"));
  BOOST_TEST(ok->getArray("archives")->size() == 1u);
  BOOST_TEST(ok->getArray("problems")->size() == 0u);
  BOOST_TEST(ok->getArray("notes")->size() >= 1u);
  // --content also validates the export against the schema: the sealed export passes.
  auto content = json({"verify", "--all", "--content", "--ca", cert, "--db", db, "--archive-dir", archives,
                       "--format", "json"})
                     .extract<Object::Ptr>();
  BOOST_TEST(content->getValue<bool>("ok"));
  BOOST_TEST(content->getArray("problems")->size() == 0u);
  // Without the trust anchor the signature is not trusted: a problem, exit 1, still JSON.
  auto bad = json({"verify", "000001_2025-Q1_v1.tar", "--archive-dir", archives, "--format", "json"}, 1)
                 .extract<Object::Ptr>();
  BOOST_TEST(!bad->getValue<bool>("ok"));
  BOOST_REQUIRE_GE(bad->getArray("problems")->size(), 1u);
  BOOST_TEST(bad->getArray("problems")->getObject(0)->getValue<std::string>("archive") ==
             "000001_2025-Q1_v1.tar");
}

BOOST_AUTO_TEST_CASE(users_and_audit_json) {
  auto users =
      json({"user", "list", "--db", db, "--format", "json"}).extract<Object::Ptr>()->getArray("users");
  BOOST_REQUIRE_EQUAL(users->size(), 1u);
  auto u = users->getObject(0);
  BOOST_TEST(u->getValue<std::string>("login") == "ivanova");
  BOOST_TEST(u->getValue<std::string>("role") == "deputy");
  BOOST_TEST(u->getValue<std::string>("full_name") == "Иванова Мария Петровна");
  BOOST_TEST(u->isNull("staff"));
  BOOST_TEST(u->getValue<std::string>("state") == "active");
  BOOST_TEST(run({"user", "disable", "ivanova", "--db", db}).code == 0);
  users = json({"user", "list", "--db", db, "--format", "json"}).extract<Object::Ptr>()->getArray("users");
  BOOST_TEST(users->getObject(0)->getValue<std::string>("state") == "disabled");

  auto records =
      json({"audit", "list", "--db", db, "--format", "json"}).extract<Object::Ptr>()->getArray("records");
  BOOST_REQUIRE_GE(records->size(), 2u);
  std::vector<std::string> actions;
  for (size_t i = 0; i < records->size(); ++i) {
    auto r = records->getObject(static_cast<unsigned>(i));
    BOOST_TEST(r->getValue<long long>("seq") == static_cast<long long>(i + 1));
    actions.push_back(r->getValue<std::string>("action"));
  }
  BOOST_TEST((std::find(actions.begin(), actions.end(), "user.add") != actions.end()));
  BOOST_TEST(actions.back() == "user.change");
  auto limited =
      json({"audit", "list", "--limit", "1", "--action", "user.add", "--db", db, "--format", "json"})
          .extract<Object::Ptr>()
          ->getArray("records");
  BOOST_REQUIRE_EQUAL(limited->size(), 1u);
  BOOST_TEST(limited->getObject(0)->getValue<std::string>("object") == "ivanova");
  auto chain = json({"audit", "verify", "--db", db, "--format", "json"}).extract<Object::Ptr>();
  BOOST_TEST(chain->getValue<bool>("ok"));
  BOOST_TEST(chain->getValue<long long>("records") == static_cast<long long>(records->size()));
  BOOST_TEST(chain->getValue<std::string>("last_hash") ==
             records->getObject(static_cast<unsigned>(records->size() - 1))->getValue<std::string>("hash"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(csv)

BOOST_AUTO_TEST_CASE(bom_and_semicolon_by_default_rfc4180_with_a_comma) {
  Dir d;
  setenv("EJOURNAL_NOW", "2026-06-01T12:00:00", 1);
  const std::string db = (d.path / "j.db").string();
  BOOST_REQUIRE(d.run({"ingest", std::string(EJOURNAL_SOURCE_DIR) + "/samples/tiny.xml", "--db", db}).code ==
                0);
  const std::vector<std::string> check{"check",      "--db",    db,   "--from",   "2025-09-01", "--to",
                                       "2025-09-12", "--class", "5А", "--format", "csv"};
  const CliRun semi = d.run(check);
  BOOST_TEST(semi.code == 1, semi.err);
  const std::string bom = "\xEF\xBB\xBF";
  BOOST_TEST(
      semi.out.rfind(bom + "rule;severity;period;class;class_name;subject;subject_name;subgroup;teacher;"
                           "teacher_name;lesson_id;date;student;student_name;message;figures\r\n",
                     0) == 0u,
      semi.out.substr(0, 200));
  // A message with commas is left bare, figures joined by ';' are quoted.
  BOOST_TEST(has(semi.out,
                 "\r\nhours.plan_total;error;2025-year;5a;5А;math;Математика;;t3;Иванова М. П.;;;;;в КТП 7 "
                 "часов, по учебному плану 170 часов в год;\"plan_hours=7;curriculum_hours=170\"\r\n"),
             semi.out);
  auto rfcArgs = check;
  rfcArgs.push_back("--csv-separator");
  rfcArgs.push_back(",");
  const CliRun rfc = d.run(rfcArgs);
  BOOST_TEST(rfc.code == 1);
  BOOST_TEST(rfc.out.rfind("rule,severity,period,", 0) == 0u);  // no BOM
  BOOST_TEST(has(rfc.out,
                 "\r\nhours.plan_total,error,2025-year,5a,5А,math,Математика,,t3,Иванова М. П.,,,,,\"в КТП 7 "
                 "часов, по учебному плану 170 часов в год\",plan_hours=7;curriculum_hours=170\r\n"),
             rfc.out);
  // The same number of records in both forms.
  BOOST_TEST(std::count(semi.out.begin(), semi.out.end(), '\n') ==
             std::count(rfc.out.begin(), rfc.out.end(), '\n'));
  // Reports, into a file with -o.
  const fs::path file = d.path / "program.csv";
  const CliRun report =
      d.run({"report", "program", "--db", db, "--period", "2025-Q1", "--format", "csv", "-o", file.string()});
  BOOST_TEST(report.code == 0, report.err);
  const std::string bytes = ejournal::model::readFile(file);
  BOOST_TEST(bytes.rfind(bom, 0) == 0u);
  const std::string header = bytes.substr(3, bytes.find('\r') - 3);
  BOOST_TEST(has(header, ";planned_to_date;"), header);
  BOOST_TEST(!has(header, ","), header);
  const CliRun bad = d.run(
      {"report", "program", "--db", db, "--period", "2025-Q1", "--format", "csv", "--csv-separator", "tab"});
  BOOST_TEST(bad.code == 2);
  BOOST_TEST(has(bad.err, "--csv-separator"), bad.err);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(progress)

// Standard output without the ingest's timing "(0.12 с)", which differs from run to run.
std::string withoutTiming(std::string s) {
  const size_t open = s.find(" ("), close = s.find(" с)");
  if (open != std::string::npos && close != std::string::npos && close > open)
    s.erase(open, close + 3 - open);
  return s;
}

BOOST_AUTO_TEST_CASE(on_stderr_with_progress_never_with_quiet_or_without_a_terminal) {
  Dir d;
  setenv("EJOURNAL_NOW", "2026-06-01T12:00:00", 1);
  const std::string xml = (d.path / "s.xml").string();
  BOOST_REQUIRE(d.run({"sample", "--students", "8", "-o", xml}).code == 0);
  // Without a terminal and without --progress: nothing on stderr.
  const CliRun plain = d.run({"ingest", xml, "--db", (d.path / "a.db").string()});
  BOOST_TEST(plain.code == 0, plain.err);
  BOOST_TEST(plain.err.empty(), plain.err);
  // --progress: lines "загрузка: FILE: X из Y (N %)" on stderr, the same summary on stdout.
  const CliRun shown = d.run({"ingest", xml, "--db", (d.path / "b.db").string(), "--progress"});
  BOOST_TEST(shown.code == 0, shown.err);
  BOOST_TEST(has(shown.err, "загрузка: " + xml + ": "), shown.err);
  BOOST_TEST(has(shown.err, " из "), shown.err);
  BOOST_TEST(has(shown.err, "загрузка: " + xml + ": сохранение\n"), shown.err);
  BOOST_TEST(withoutTiming(shown.out) == withoutTiming(plain.out));
  // --quiet: nothing, also with --progress refused.
  const CliRun quiet = d.run({"ingest", xml, "--db", (d.path / "c.db").string(), "--quiet"});
  BOOST_TEST(quiet.code == 0);
  BOOST_TEST(quiet.err.empty(), quiet.err);
  const CliRun both = d.run({"ingest", xml, "--db", (d.path / "c.db").string(), "--quiet", "--progress"});
  BOOST_TEST(both.code == 2);
  BOOST_TEST(has(both.err, "либо --progress, либо --quiet"), both.err);

  // Render all: journals and pages; the summary line as without progress.
  const std::string db = (d.path / "a.db").string();
  const CliRun render = d.run({"render", "all", "--period", "2025-Q1", "--no-remarks", "--db", db, "-o",
                               (d.path / "pdf").string(), "--progress"});
  BOOST_TEST(render.code == 0, render.err);
  BOOST_TEST(has(render.err, "печать: журналов 11 из 11, страниц "), render.err);
  BOOST_TEST(has(render.out, ": журналов 11, страниц "), render.out);
  BOOST_TEST(!has(render.out, "печать:"));

  // Seal: documents and bytes.
  const std::string key = (d.path / "k.pem").string(), cert = (d.path / "c.pem").string();
  BOOST_REQUIRE(
      std::system(("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 "
                   "-subj /CN=test -keyout " +
                   key + " -out " + cert + " 2>/dev/null")
                      .c_str()) == 0);
  const CliRun seal = d.run({"seal", "--period", "2025-Q1", "--db", db, "--archive-dir",
                             (d.path / "arch").string(), "--key", key, "--cert", cert, "--progress"});
  BOOST_TEST(seal.code == 0, seal.err);
  BOOST_TEST(has(seal.err, "запечатывание: документов "), seal.err);
  BOOST_TEST(has(seal.out, "Архив запечатан: "), seal.out);
  // The last line counts every document the summary names.
  const size_t documents =
      std::stoul(seal.out.substr(seal.out.find("документов: ") + std::string("документов: ").size()));
  BOOST_TEST(
      has(seal.err, "документов " + std::to_string(documents) + " из " + std::to_string(documents) + ", "),
      seal.err);

  // Backup: bytes written.
  const CliRun backup = d.run({"backup", "--db", db, "--to", (d.path / "bk").string(), "--progress"});
  BOOST_TEST(backup.code == 0, backup.err);
  BOOST_TEST(has(backup.err, ", проверено\n"), backup.err);
  BOOST_TEST(backup.out.rfind("Резервная копия: ", 0) == 0u, backup.out);
}

BOOST_AUTO_TEST_SUITE_END()

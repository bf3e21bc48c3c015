// The command-line conventions of issue 15 through the built binary: help on every command (-h, --help,
// `ejournal help CMD`, the overview's whole first sentences, Russian texts), reading commands that never create or
// migrate a store, `--format json` of the data commands, and the CSV forms (BOM and ';', or RFC 4180 with ',').
#define BOOST_TEST_MODULE cli
#include <sys/stat.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
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

[[maybe_unused]] Poco::Dynamic::Var parseJson(const std::string& text) {
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
      // The overview shows the whole first sentence of the description: it ends with a dot, and the description
      // starts with it.
      const std::string summary = summaryOf(overview.out, name);
      BOOST_TEST(!summary.empty());
      BOOST_TEST(summary.back() == '.', summary);
      BOOST_TEST(descriptionOf(longForm.out).rfind(summary, 0) == 0, summary);
      // Russian: the description has Cyrillic letters from its first word on.
      BOOST_TEST(static_cast<unsigned char>(summary[0]) == 0xD0, summary);
    }
  }
  // The sentence that used to be cut at "dnevnik.".
  BOOST_TEST(has(overview.out, "  pull                     Загружает журнал школы из dnevnik.ru (REST API v2, совместимый "
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

BOOST_AUTO_TEST_SUITE_END()

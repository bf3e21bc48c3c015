// The command-line shell: argument parsing shared by every subcommand, and the command table.
//
// Each subcommand lives in its own cmd_<name>.cpp and is listed once in commands.cpp. A command receives
// parsed arguments and returns the process exit code: 0 ok, 1 completed with findings, 2 error (conventions
// §4). Messages about the user's data are in Russian.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ejournal/model/text.h"

namespace ejournal::store {
class Store;
}

namespace ejournal::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitError = 2;

// One option a command accepts. A flag takes no value.
struct OptionSpec {
  std::string name;       // without the leading dashes: "period"
  std::string valueName;  // "P"; empty for a flag
  std::string help;       // Russian
  bool repeatable = false;
  char shortName = 0;  // 'o' for -o; 0: long form only
};

struct CommandSpec {
  std::string name;      // "ingest", or "report control" for a subcommand group
  std::string synopsis;  // "FILE..."
  std::string
      help;  // one paragraph, Russian; its first sentence (up to ". " before a capital) is the summary
  std::vector<OptionSpec> options;
};

// Parsed arguments. Options given as --name VALUE or --name=VALUE (or -x VALUE for a short name); flags as
// --name.
class Args {
 public:
  std::vector<std::string> positional;
  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::optional<std::string> get(const std::string& name) const;
  std::string get(const std::string& name, const std::string& fallback) const;
  std::vector<std::string> all(const std::string& name) const;
  void add(const std::string& name, std::string value) { values_[name].push_back(std::move(value)); }

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

// Options every command accepts: --db (store connection: a SQLite path or "postgresql:host=..."), -h/--help.
std::vector<OptionSpec> commonOptions();

// Parses argv against the spec; throws ejournal::Error(ErrorKind::Input) on an unknown option or a missing
// value.
Args parseArgs(const CommandSpec& spec, const std::vector<std::string>& argv);
std::string helpText(const CommandSpec& spec);
// The summary the overview shows: the help's whole first sentence.
std::string firstSentence(const std::string& help);
// The text of the command-line overview (`ejournal --help`).
std::string overviewText();

// --format text|json of a command that prints data (docs/cli.md describes each JSON form).
OptionSpec jsonFormatOption();
// True for --format json, false for text (or no --format); throws Error(Input) for anything else.
bool wantsJson(const Args& args);

// --csv-separator ';' (the default: with a UTF-8 BOM, for Excel and LibreOffice on a Russian desktop) or ','
// (RFC 4180, no BOM), for commands with --format csv.
OptionSpec csvSeparatorOption();
model::CsvForm csvFormOf(const Args& args);

// The store connection string from --db, EJOURNAL_DB, or "ejournal.db".
std::string dbConnection(const Args& args);

// --school ID: the stored school a command works on; needed when the store holds several.
OptionSpec schoolOption();
// The school a command works on: --school, else EJOURNAL_SCHOOL, else the store's only school. Throws
// Error(Input) naming the stored schools when there are several and none is named, Error(NotFound) when the
// named school is not stored (naming those that are) or the store holds none.
std::string schoolOf(const Args& args, store::Store& store);

struct Command {
  CommandSpec spec;
  std::function<int(const Args&)> run;
};

// All commands, in the order --help lists them (commands.cpp).
const std::vector<Command>& commands();

// Runs the CLI: finds the command (longest match of one or two words), parses, runs, maps exceptions to exit
// codes and messages on stderr.
int runCli(int argc, char** argv);

}  // namespace ejournal::app

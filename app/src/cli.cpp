// Argument parsing, help output and exception-to-exit-code mapping for the CLI.
#include "cli.h"

#include <cstdlib>
#include <iostream>
#include <sstream>

#include "ejournal/model/error.h"

namespace ejournal::app {

std::optional<std::string> Args::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::string Args::get(const std::string& name, const std::string& fallback) const {
  auto v = get(name);
  return v ? *v : fallback;
}

std::vector<std::string> Args::all(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::vector<OptionSpec> commonOptions() {
  return {{"db", "CONN", "store: SQLite file path (default ./ejournal.db or $EJOURNAL_DB) or postgresql:KEY=VALUE..."},
          {"help", "", "show this help"}};
}

Args parseArgs(const CommandSpec& spec, const std::vector<std::string>& argv) {
  std::vector<OptionSpec> options = spec.options;
  for (auto& o : commonOptions()) options.push_back(o);
  Args args;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.rfind("--", 0) != 0 || a == "--") {
      if (a == "--") {
        for (++i; i < argv.size(); ++i) args.positional.push_back(argv[i]);
        break;
      }
      args.positional.push_back(a);
      continue;
    }
    std::string name = a.substr(2);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const OptionSpec* found = nullptr;
    for (const auto& o : options)
      if (o.name == name) found = &o;
    if (!found) throw Error(ErrorKind::Input, spec.name, "неизвестный параметр --" + name + " (см. --help)");
    if (found->valueName.empty()) {
      if (value) throw Error(ErrorKind::Input, spec.name, "параметр --" + name + " не принимает значения");
      args.add(name, "");
      continue;
    }
    if (!value) {
      if (i + 1 >= argv.size()) throw Error(ErrorKind::Input, spec.name, "у параметра --" + name + " нет значения");
      value = argv[++i];
    }
    args.add(name, *value);
  }
  return args;
}

std::string helpText(const CommandSpec& spec) {
  std::ostringstream out;
  out << "Usage: ejournal " << spec.name << (spec.options.empty() ? "" : " [options]")
      << (spec.synopsis.empty() ? "" : " " + spec.synopsis) << "\n\n"
      << spec.help << "\n\nOptions:\n";
  std::vector<OptionSpec> options = spec.options;
  for (auto& o : commonOptions()) options.push_back(o);
  for (const auto& o : options) {
    std::string left = "  --" + o.name + (o.valueName.empty() ? "" : " " + o.valueName);
    if (left.size() < 26) left.resize(26, ' ');
    else left += "  ";
    out << left << o.help << "\n";
  }
  out << "\nExit codes: 0 ok, 1 completed with findings, 2 error.\n";
  return out.str();
}

std::string dbConnection(const Args& args) {
  if (auto db = args.get("db")) return *db;
  if (const char* env = std::getenv("EJOURNAL_DB"); env && *env) return env;
  return "ejournal.db";
}

namespace {

void printOverview(std::ostream& out) {
  out << "ejournal — the school's electronic class journal as validated, printed, signed and archived documents.\n\n"
         "Usage: ejournal COMMAND [options]   (ejournal COMMAND --help for details)\n\nCommands:\n";
  for (const auto& c : commands()) {
    std::string left = "  " + c.spec.name;
    if (left.size() < 26) left.resize(26, ' ');
    else left += "  ";
    const std::string first = c.spec.help.substr(0, c.spec.help.find('.') + 1);
    out << left << first << "\n";
  }
}

}  // namespace

int runCli(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty() || words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
    printOverview(std::cout);
    return words.empty() ? kExitError : kExitOk;
  }
  if (words[0] == "--version") {
    std::cout << "ejournal " << EJOURNAL_VERSION << "\n";
    return kExitOk;
  }
  const Command* cmd = nullptr;
  size_t used = 0;
  for (const auto& c : commands()) {
    const bool two = c.spec.name.find(' ') != std::string::npos;
    if (two && words.size() >= 2 && c.spec.name == words[0] + " " + words[1]) {
      cmd = &c;
      used = 2;
      break;
    }
    if (!two && c.spec.name == words[0] && !cmd) {
      cmd = &c;
      used = 1;
    }
  }
  if (!cmd) {
    // A group name alone ("ejournal report"): list its subcommands.
    bool group = false;
    for (const auto& c : commands())
      if (c.spec.name.rfind(words[0] + " ", 0) == 0) {
        if (!group) std::cerr << "ejournal " << words[0] << ": укажите команду:\n";
        group = true;
        std::cerr << "  ejournal " << c.spec.name << " " << c.spec.synopsis << "\n";
      }
    if (!group) std::cerr << "ejournal: неизвестная команда «" << words[0] << "» (см. ejournal --help)\n";
    return kExitError;
  }
  std::vector<std::string> rest(words.begin() + static_cast<long>(used), words.end());
  try {
    Args args = parseArgs(cmd->spec, rest);
    if (args.has("help")) {
      std::cout << helpText(cmd->spec);
      return kExitOk;
    }
    return cmd->run(args);
  } catch (const Error& e) {
    std::cerr << "ejournal " << cmd->spec.name << ": ошибка: " << e.what() << "\n";
    return kExitError;
  } catch (const std::exception& e) {
    std::cerr << "ejournal " << cmd->spec.name << ": внутренняя ошибка: " << e.what() << "\n";
    return kExitError;
  }
}

}  // namespace ejournal::app

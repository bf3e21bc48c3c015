// Argument parsing, help output and exception-to-exit-code mapping for the CLI.
#include "cli.h"

#include <cstdlib>
#include <iostream>
#include <sstream>

#include "ejournal/model/error.h"
#include "ejournal/model/text.h"
#include "ejournal/store/store.h"

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
  return {{"db", "CONN",
           "хранилище: путь к файлу SQLite (по умолчанию ./ejournal.db или $EJOURNAL_DB) или "
           "postgresql:КЛЮЧ=ЗНАЧЕНИЕ..."},
          {"help", "", "показать эту справку", false, 'h'}};
}

Args parseArgs(const CommandSpec& spec, const std::vector<std::string>& argv) {
  std::vector<OptionSpec> options = spec.options;
  for (auto& o : commonOptions()) options.push_back(o);
  Args args;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--") {
      for (++i; i < argv.size(); ++i) args.positional.push_back(argv[i]);
      break;
    }
    if (a.size() < 2 || a[0] != '-') {  // a value, or "-" (standard input)
      args.positional.push_back(a);
      continue;
    }
    std::string name;
    std::string shown = a;
    std::optional<std::string> value;
    const OptionSpec* found = nullptr;
    if (a[1] != '-') {  // -x, -x VALUE
      if (a.size() != 2)
        throw Error(ErrorKind::Input, spec.name,
                    "неизвестный параметр " + a + " (см. ejournal " + spec.name + " --help)");
      for (const auto& o : options)
        if (o.shortName == a[1]) found = &o;
    } else {
      name = a.substr(2);
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      shown = "--" + name;
      for (const auto& o : options)
        if (o.name == name) found = &o;
    }
    if (!found)
      throw Error(ErrorKind::Input, spec.name,
                  "неизвестный параметр " + shown + " (см. ejournal " + spec.name + " --help)");
    if (found->valueName.empty()) {
      if (value) throw Error(ErrorKind::Input, spec.name, "параметр " + shown + " не принимает значения");
      args.add(found->name, "");
      continue;
    }
    if (!value) {
      if (i + 1 >= argv.size())
        throw Error(ErrorKind::Input, spec.name, "у параметра " + shown + " нет значения");
      value = argv[++i];
    }
    args.add(found->name, *value);
  }
  return args;
}

namespace {

// Words of `text` in lines of at most `width` columns, each line starting with `indent`.
std::string wrap(const std::string& text, size_t width, const std::string& indent) {
  std::string out, line;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t sp = text.find(' ', pos);
    if (sp == std::string::npos) sp = text.size();
    const std::string word = text.substr(pos, sp - pos);
    pos = sp + 1;
    if (word.empty()) continue;
    if (!line.empty() && model::utf8Width(indent + line + " " + word) > width) {
      out += indent + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out += indent + line + "\n";
  return out;
}

bool startsCapital(const std::string& s, size_t at) {
  if (at >= s.size()) return true;
  const unsigned char c = static_cast<unsigned char>(s[at]);
  if (c >= 'A' && c <= 'Z') return true;
  if (c == '$' || c == '(' || c == '"' || c == '`') return false;
  if (c >= '0' && c <= '9') return false;
  if (at + 1 < s.size()) {  // А..Я is D0 90..D0 AF, Ё is D0 81
    const unsigned char d = static_cast<unsigned char>(s[at + 1]);
    if (c == 0xD0 && ((d >= 0x90 && d <= 0xAF) || d == 0x81)) return true;
    if (c == 0xC2 && d == 0xAB) return true;  // «
  }
  return false;
}

}  // namespace

std::string firstSentence(const std::string& help) {
  for (size_t p = help.find(". "); p != std::string::npos; p = help.find(". ", p + 1))
    if (startsCapital(help, p + 2)) return help.substr(0, p + 1);
  return help;
}

std::string helpText(const CommandSpec& spec) {
  std::ostringstream out;
  out << "Использование: ejournal " << spec.name << " [параметры]"
      << (spec.synopsis.empty() ? "" : " " + spec.synopsis) << "\n\n"
      << wrap(spec.help, 100, "") << "\nПараметры:\n";
  std::vector<OptionSpec> options = spec.options;
  for (auto& o : commonOptions()) options.push_back(o);
  for (const auto& o : options) {
    std::string left = std::string(o.shortName ? "  -" + std::string(1, o.shortName) + ", " : "      ") +
                       "--" + o.name + (o.valueName.empty() ? "" : " " + o.valueName);
    if (left.size() < 30)
      left.resize(30, ' ');
    else
      left += "  ";
    out << left << o.help << (o.repeatable ? " (можно повторять)" : "") << "\n";
  }
  out << "\nКоды выхода: 0 — успешно, 1 — выполнено, но есть замечания (нарушения, проблемы), 2 — ошибка.\n";
  return out.str();
}

OptionSpec jsonFormatOption() {
  return {"format", "F", "text (по умолчанию) или json — для программ (docs/cli.md)"};
}

bool wantsJson(const Args& args) {
  const std::string f = args.get("format", "text");
  if (f != "text" && f != "json")
    throw Error(ErrorKind::Input, "--format", "неизвестный формат «" + f + "»: ожидается text или json");
  return f == "json";
}

OptionSpec csvSeparatorOption() {
  return {"csv-separator", "SEP",
          "разделитель CSV: ; (по умолчанию, с BOM — для Excel и LibreOffice) или , (RFC 4180)"};
}

model::CsvForm csvFormOf(const Args& args) {
  const std::string sep = args.get("csv-separator", ";");
  if (sep == ";") return model::CsvForm{};
  if (sep == ",") return model::CsvForm::rfc4180();
  throw Error(ErrorKind::Input, "--csv-separator", "допустимо ; или , а не «" + sep + "»");
}

std::string dbConnection(const Args& args) {
  if (auto db = args.get("db")) return *db;
  if (const char* env = std::getenv("EJOURNAL_DB"); env && *env) return env;
  return "ejournal.db";
}

OptionSpec schoolOption() {
  return {
      "school", "ID",
      "школа — её код в хранилище; нужен, когда в хранилище несколько школ (по умолчанию $EJOURNAL_SCHOOL)"};
}

std::string schoolOf(const Args& args, store::Store& store) {
  std::string named = args.get("school", "");
  if (named.empty())
    if (const char* env = std::getenv("EJOURNAL_SCHOOL"); env && *env) named = env;
  const auto stored = store.schoolList();
  std::string list;
  for (const auto& s : stored)
    list += (list.empty() ? "" : ", ") + s.id + (s.shortName.empty() ? "" : " «" + s.shortName + "»");
  if (stored.empty())
    throw Error(ErrorKind::NotFound, dbConnection(args), "в хранилище нет данных ни одной школы");
  if (named.empty()) {
    if (stored.size() == 1) return stored.front().id;
    throw Error(ErrorKind::Input, "--school",
                "в хранилище несколько школ: " + list + "; укажите одну из них: --school КОД");
  }
  for (const auto& s : stored)
    if (s.id == named) return named;
  throw Error(ErrorKind::NotFound, "--school " + named, "такой школы нет в хранилище; в нём: " + list);
}

namespace {

const Command* findCommand(const std::vector<std::string>& words, size_t& used) {
  const Command* cmd = nullptr;
  used = 0;
  for (const auto& c : commands()) {
    const bool two = c.spec.name.find(' ') != std::string::npos;
    if (two && words.size() >= 2 && c.spec.name == words[0] + " " + words[1]) {
      used = 2;
      return &c;
    }
    if (!two && !words.empty() && c.spec.name == words[0] && !cmd) {
      cmd = &c;
      used = 1;
    }
  }
  return cmd;
}

// A group name alone ("ejournal report"): lists its subcommands; false when `word` is no group either.
bool listGroup(const std::string& word) {
  bool group = false;
  for (const auto& c : commands())
    if (c.spec.name.rfind(word + " ", 0) == 0) {
      if (!group) std::cerr << "ejournal " << word << ": укажите команду:\n";
      group = true;
      std::cerr << "  ejournal " << c.spec.name << " " << c.spec.synopsis << "\n";
    }
  return group;
}

}  // namespace

std::string overviewText() {
  std::ostringstream out;
  out << "ejournal — электронный классный журнал школы: проверенные, напечатанные, подписанные и "
         "архивированные "
         "документы.\n\n"
         "Использование: ejournal КОМАНДА [параметры]   (ejournal КОМАНДА --help или ejournal help КОМАНДА — "
         "подробно)\n\nКоманды:\n";
  for (const auto& c : commands()) {
    std::string left = "  " + c.spec.name;
    if (left.size() < 27)
      left.resize(27, ' ');
    else
      left += "  ";
    out << left << firstSentence(c.spec.help) << "\n";
  }
  out << "\nОбщие параметры: --db CONN (хранилище), -h/--help (справка); ejournal --version — версия.\n";
  return out.str();
}

int runCli(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty()) {
    std::cerr << overviewText();
    return kExitError;
  }
  if (words[0] == "--help" || words[0] == "-h" || (words[0] == "help" && words.size() == 1)) {
    std::cout << overviewText();
    return kExitOk;
  }
  if (words[0] == "--version") {
    std::cout << "ejournal " << EJOURNAL_VERSION << "\n";
    return kExitOk;
  }
  size_t used = 0;
  if (words[0] == "help") {  // ejournal help CMD
    const std::vector<std::string> asked(words.begin() + 1, words.end());
    const Command* c = findCommand(asked, used);
    if (c && used == asked.size()) {
      std::cout << helpText(c->spec);
      return kExitOk;
    }
    if (!c && asked.size() == 1 && listGroup(asked[0])) return kExitError;
    std::string name;
    for (const auto& w : asked) name += (name.empty() ? "" : " ") + w;
    std::cerr << "ejournal help: неизвестная команда «" << name << "» (см. ejournal --help)\n";
    return kExitError;
  }
  const Command* cmd = findCommand(words, used);
  if (!cmd) {
    if (!listGroup(words[0]))
      std::cerr << "ejournal: неизвестная команда «" << words[0] << "» (см. ejournal --help)\n";
    return kExitError;
  }
  std::vector<std::string> rest(words.begin() + static_cast<long>(used), words.end());
  for (const auto& w : rest) {  // -h anywhere before "--" shows the help, whatever else is on the line
    if (w == "--") break;
    if (w == "-h" || w == "--help") {
      std::cout << helpText(cmd->spec);
      return kExitOk;
    }
  }
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

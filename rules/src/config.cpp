// The rules configuration: defaults from the catalogue, and configuration documents validated against
// schemas/rules.xsd with a hardened Xerces-C reader (no network, no DTD, no schema named by the document),
// then read with pugixml from the same bytes and checked against the catalogue with line:column locations.
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <pugixml.hpp>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/sax/EntityResolver.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>
#include <xercesc/sax2/SAX2XMLReader.hpp>
#include <xercesc/sax2/XMLReaderFactory.hpp>
#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/util/TransService.hpp>
#include <xercesc/util/XMLNetAccessor.hpp>
#include <xercesc/util/XMLUni.hpp>
#include <xercesc/validators/common/Grammar.hpp>

#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/model/once.h"
#include "rule.h"

namespace ejournal::rules {

namespace xc = XERCES_CPP_NAMESPACE;

namespace {

std::string utf8(const XMLCh* s) {
  if (!s) return {};
  xc::TranscodeToStr t(s, "UTF-8");
  return std::string(reinterpret_cast<const char*>(t.str()), t.length());
}

void initXerces() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Shared with ingest and render (model/once.h): Xerces' global set-up is not thread-safe.
    model::callOncePerProcess("xerces", [] {
      xc::XMLPlatformUtils::Initialize();
      // Debian's Xerces has a libcurl net accessor: remove it so nothing is ever fetched (tech-notes §3.1).
      delete xc::XMLPlatformUtils::fgNetAccessor;
      xc::XMLPlatformUtils::fgNetAccessor = nullptr;
    });
  });
}

struct Problem {
  int line = 0;
  int column = 0;
  std::string message;
};

class Handler : public xc::DefaultHandler {
 public:
  std::vector<Problem> problems;
  void error(const xc::SAXParseException& e) override { add(e); }
  void fatalError(const xc::SAXParseException& e) override {
    add(e);
    throw e;
  }
  void warning(const xc::SAXParseException&) override {}
  void startDTD(const XMLCh* const, const XMLCh* const, const XMLCh* const) override {
    throw xc::SAXException("DOCTYPE не допускается");
  }
  xc::InputSource* resolveEntity(const XMLCh* const, const XMLCh* const) override {
    throw xc::SAXException("внешние сущности и схемы не допускаются");
  }

 private:
  void add(const xc::SAXParseException& e) {
    problems.push_back(
        {static_cast<int>(e.getLineNumber()), static_cast<int>(e.getColumnNumber()), utf8(e.getMessage())});
  }
};

void validate(std::string_view xml, const std::string& name) {
  initXerces();
  const std::string xsd = model::readFile(model::dataFile("schemas/rules.xsd"));
  std::unique_ptr<xc::SAX2XMLReader> reader(xc::XMLReaderFactory::createXMLReader());
  Handler handler;
  reader->setFeature(xc::XMLUni::fgSAX2CoreNameSpaces, true);
  reader->setFeature(xc::XMLUni::fgSAX2CoreValidation, true);
  reader->setFeature(xc::XMLUni::fgXercesDynamic, false);
  reader->setFeature(xc::XMLUni::fgXercesSchema, true);
  reader->setFeature(xc::XMLUni::fgXercesSchemaFullChecking, true);
  reader->setFeature(xc::XMLUni::fgXercesLoadSchema, false);
  reader->setFeature(xc::XMLUni::fgXercesUseCachedGrammarInParse, true);
  reader->setFeature(xc::XMLUni::fgXercesLoadExternalDTD, false);
  reader->setFeature(xc::XMLUni::fgXercesDisableDefaultEntityResolution, true);
  reader->setContentHandler(&handler);
  reader->setErrorHandler(&handler);
  reader->setEntityResolver(&handler);
  reader->setLexicalHandler(&handler);
  try {
    xc::MemBufInputSource schemaSource(reinterpret_cast<const XMLByte*>(xsd.data()), xsd.size(), "rules.xsd");
    if (!reader->loadGrammar(schemaSource, xc::Grammar::SchemaGrammarType, true))
      throw Error(ErrorKind::Internal, "schemas/rules.xsd", "схема настроек правил не загружена");
    if (!handler.problems.empty())
      throw Error(ErrorKind::Internal, "schemas/rules.xsd",
                  "ошибка в схеме: " + handler.problems.front().message);
    xc::MemBufInputSource source(reinterpret_cast<const XMLByte*>(xml.data()), xml.size(), name.c_str());
    reader->parse(source);
  } catch (const xc::SAXParseException&) {
    // Recorded by the handler.
  } catch (const xc::SAXException& e) {
    handler.problems.push_back({0, 0, utf8(e.getMessage())});
  } catch (const xc::XMLException& e) {
    handler.problems.push_back({static_cast<int>(e.getSrcLine()), 0, utf8(e.getMessage())});
  }
  if (!handler.problems.empty()) {
    std::string msg;
    for (const auto& p : handler.problems) {
      if (!msg.empty()) msg += "\n";
      msg += name + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": " + p.message;
    }
    throw Error(ErrorKind::Input, name,
                "файл настроек правил не соответствует схеме schemas/rules.xsd:\n" + msg);
  }
}

std::string location(std::string_view xml, const std::string& name, ptrdiff_t offset) {
  int line = 1, col = 1;
  for (ptrdiff_t i = 0; i < offset && i < static_cast<ptrdiff_t>(xml.size()); ++i) {
    if (xml[static_cast<size_t>(i)] == '\n')
      ++line, col = 1;
    else if ((static_cast<unsigned char>(xml[static_cast<size_t>(i)]) & 0xC0) != 0x80)
      ++col;
  }
  return name + ":" + std::to_string(line) + ":" + std::to_string(col);
}

bool parseInt(std::string_view s, int& v) {
  const auto t = trim(s);
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  return ec == std::errc() && p == t.data() + t.size() && !t.empty();
}

bool parseDouble(std::string_view s, double& v) {
  const auto t = trim(s);
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  return ec == std::errc() && p == t.data() + t.size() && !t.empty();
}

bool parseBool(std::string_view s, bool& v) {
  const auto t = trim(s);
  if (t == "true" || t == "1") return v = true, true;
  if (t == "false" || t == "0") return v = false, true;
  return false;
}

bool valueOk(ParamType type, const std::string& text) {
  int i;
  double d;
  bool b;
  switch (type) {
    case ParamType::Int:
      return parseInt(text, i);
    case ParamType::Double:
      return parseDouble(text, d);
    case ParamType::Bool:
      return parseBool(text, b);
    default:
      return true;
  }
}

std::optional<model::Severity> severityFrom(std::string_view s) {
  if (s == "error") return model::Severity::Error;
  if (s == "warning") return model::Severity::Warning;
  if (s == "info") return model::Severity::Info;
  return std::nullopt;
}

}  // namespace

const std::string& RuleSettings::text(const std::string& name) const {
  auto it = params.find(name);
  if (it == params.end()) throw Error(ErrorKind::Internal, "rules", "нет параметра правила: " + name);
  return it->second;
}

int RuleSettings::integer(const std::string& name) const {
  int v = 0;
  if (!parseInt(text(name), v))
    throw Error(ErrorKind::Input, "rules",
                "параметр " + name + " должен быть целым числом: «" + text(name) + "»");
  return v;
}

double RuleSettings::number(const std::string& name) const {
  double v = 0;
  if (!parseDouble(text(name), v))
    throw Error(ErrorKind::Input, "rules", "параметр " + name + " должен быть числом: «" + text(name) + "»");
  return v;
}

bool RuleSettings::flag(const std::string& name) const {
  bool v = false;
  if (!parseBool(text(name), v))
    throw Error(ErrorKind::Input, "rules",
                "параметр " + name + " должен быть true или false: «" + text(name) + "»");
  return v;
}

std::vector<std::string> RuleSettings::list(const std::string& name) const {
  std::vector<std::string> out;
  const std::string& t = text(name);
  size_t start = 0;
  while (start <= t.size()) {
    size_t comma = t.find(',', start);
    if (comma == std::string::npos) comma = t.size();
    std::string item = trim(std::string_view(t).substr(start, comma - start));
    if (!item.empty()) out.push_back(std::move(item));
    start = comma + 1;
  }
  return out;
}

Config Config::defaults() {
  Config c;
  for (const auto& r : catalogue()) {
    RuleSettings s;
    s.enabled = true;
    s.severity = r.severity;
    for (const auto& p : r.params) s.params[p.name] = p.defaultValue;
    c.rules_.emplace(r.id, std::move(s));
  }
  return c;
}

Config Config::load(const std::filesystem::path& file) {
  const std::string bytes = model::readFile(file);
  return parse(bytes, file.string());
}

Config Config::schoolDefaults() { return load(model::dataFile("rules/config/default.xml")); }

Config Config::parse(std::string_view xml, const std::string& name) {
  if (xml.size() > (1u << 20)) throw Error(ErrorKind::Input, name, "файл настроек правил больше 1 МБ");
  validate(xml, name);
  pugi::xml_document doc;
  const auto res = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!res) throw Error(ErrorKind::Input, location(xml, name, res.offset), res.description());
  Config c = defaults();
  for (auto rule : doc.document_element().children()) {
    if (std::string_view(rule.name()).find("followup") != std::string_view::npos) {
      if (auto a = rule.attribute("correction_days")) {
        int v = 5;
        if (!parseInt(a.as_string(), v) || v < 1 || v > 60)
          throw Error(ErrorKind::Input, location(xml, name, rule.offset_debug() - 1),
                      "срок устранения замечаний correction_days должен быть от 1 до 60 учебных дней");
        c.correctionDays_ = v;
      }
      continue;
    }
    if (std::string_view(rule.name()).find("rule") == std::string_view::npos) continue;
    const std::string id = rule.attribute("id").as_string();
    const RuleInfo* info = findRule(id);
    if (!info)
      throw Error(ErrorKind::Input, location(xml, name, rule.offset_debug() - 1),
                  "неизвестное правило «" + id + "»");
    RuleSettings& s = c.rules_.at(id);
    if (auto a = rule.attribute("enabled")) {
      bool v = true;
      parseBool(a.as_string(), v);
      s.enabled = v;
    }
    if (auto a = rule.attribute("severity"))
      if (auto sev = severityFrom(trim(a.as_string()))) s.severity = *sev;
    for (auto p : rule.children()) {
      const std::string_view local = [&] {
        std::string_view n = p.name();
        auto colon = n.find(':');
        return colon == std::string_view::npos ? n : n.substr(colon + 1);
      }();
      if (local != "param") continue;
      const std::string pname = p.attribute("name").as_string();
      const ParamSpec* spec = nullptr;
      for (const auto& ps : info->params)
        if (ps.name == pname) spec = &ps;
      if (!spec)
        throw Error(ErrorKind::Input, location(xml, name, p.offset_debug() - 1),
                    "у правила «" + id + "» нет параметра «" + pname + "»");
      const std::string value = p.text().as_string();
      if (!valueOk(spec->type, value))
        throw Error(ErrorKind::Input, location(xml, name, p.offset_debug() - 1),
                    "параметр «" + pname + "» правила «" + id + "»: значение «" + value + "» не является " +
                        (spec->type == ParamType::Int      ? "целым числом"
                         : spec->type == ParamType::Double ? "числом"
                                                           : "значением true/false"));
      s.params[pname] =
          (spec->type == ParamType::List || spec->type == ParamType::String) ? value : trim(value);
    }
  }
  return c;
}

std::string Config::version() const {
  // FNV-1a 64 over a canonical text of the settings.
  uint64_t h = 1469598103934665603ull;
  auto add = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;
    h *= 1099511628211ull;
  };
  for (const auto& [id, s] : rules_) {
    add(id);
    add(s.enabled ? "1" : "0");
    add(model::toString(s.severity));
    for (const auto& [k, v] : s.params) {
      add(k);
      add(v);
    }
  }
  add(std::to_string(correctionDays_));
  static const char* hex = "0123456789abcdef";
  std::string out = "rules-1:";
  for (int i = 60; i >= 0; i -= 4) out += hex[(h >> i) & 0xf];
  return out;
}

const RuleSettings& Config::settings(std::string_view ruleId) const {
  auto it = rules_.find(ruleId);
  if (it == rules_.end())
    throw Error(ErrorKind::NotFound, "rules", "неизвестное правило «" + std::string(ruleId) + "»");
  return it->second;
}

RuleSettings& Config::settings(std::string_view ruleId) {
  auto it = rules_.find(ruleId);
  if (it == rules_.end())
    throw Error(ErrorKind::NotFound, "rules", "неизвестное правило «" + std::string(ruleId) + "»");
  return it->second;
}

}  // namespace ejournal::rules

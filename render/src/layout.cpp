// Loading and validating the layout templates: Xerces-C validates the bytes against our own bundled schema
// with network access, DTDs and external entities refused (tech-notes §3.1); pugixml then reads the same
// bytes.
#include "layout.h"

#include <mutex>
#include <pugixml.hpp>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/sax/EntityResolver.hpp>
#include <xercesc/sax/Locator.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>
#include <xercesc/sax2/SAX2XMLReader.hpp>
#include <xercesc/sax2/XMLReaderFactory.hpp>
#include <xercesc/util/SecurityManager.hpp>
#include <xercesc/util/TransService.hpp>
#include <xercesc/util/XMLNetAccessor.hpp>
#include <xercesc/util/XMLString.hpp>
#include <xercesc/util/XMLUni.hpp>
#include <xercesc/validators/common/Grammar.hpp>

#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/model/once.h"

namespace ejournal::render {

namespace xc = XERCES_CPP_NAMESPACE;

namespace {

constexpr size_t kMaxLayoutBytes = 1 << 20;
constexpr int kMaxDepth = 8;

std::string utf8(const XMLCh* s) {
  if (!s) return {};
  xc::TranscodeToStr t(s, "UTF-8");
  return std::string(reinterpret_cast<const char*>(t.str()), t.length());
}

struct Problem {
  int line = 0, column = 0;
  std::string message;
};

class Handler : public xc::DefaultHandler {
 public:
  std::vector<Problem> problems;
  const xc::Locator* locator = nullptr;
  int depth = 0;

  void setDocumentLocator(const xc::Locator* const l) override { locator = l; }
  void startDTD(const XMLCh* const, const XMLCh* const, const XMLCh* const) override {
    fail("DOCTYPE запрещён");
  }
  void startElement(const XMLCh* const, const XMLCh* const, const XMLCh* const,
                    const xc::Attributes&) override {
    if (++depth > kMaxDepth) fail("слишком глубокая вложенность элементов");
  }
  void endElement(const XMLCh* const, const XMLCh* const, const XMLCh* const) override { --depth; }
  void error(const xc::SAXParseException& e) override {
    problems.push_back(
        {static_cast<int>(e.getLineNumber()), static_cast<int>(e.getColumnNumber()), utf8(e.getMessage())});
    if (problems.size() >= 20) throw e;
  }
  void fatalError(const xc::SAXParseException& e) override {
    problems.push_back(
        {static_cast<int>(e.getLineNumber()), static_cast<int>(e.getColumnNumber()), utf8(e.getMessage())});
    throw e;
  }
  [[noreturn]] void fail(const std::string& what) {
    problems.push_back({locator ? static_cast<int>(locator->getLineNumber()) : 0,
                        locator ? static_cast<int>(locator->getColumnNumber()) : 0, what});
    throw std::runtime_error(what);
  }
};

class DenyAll : public xc::EntityResolver {
 public:
  xc::InputSource* resolveEntity(const XMLCh* const, const XMLCh* const systemId) override {
    throw std::runtime_error("внешняя сущность запрещена: " + utf8(systemId));
  }
};

std::once_flag xercesOnce;

void initXerces() {
  std::call_once(xercesOnce, [] {
    // Shared with ingest and rules (model/once.h): Xerces' global set-up is not thread-safe.
    model::callOncePerProcess("xerces", [] {
      xc::XMLPlatformUtils::Initialize();
      // Never fetch anything over the network (Debian builds Xerces with a libcurl accessor).
      delete xc::XMLPlatformUtils::fgNetAccessor;
      xc::XMLPlatformUtils::fgNetAccessor = nullptr;
    });
  });
}

std::mutex validateMutex;  // one cached grammar, one validation at a time: layouts are few and small

[[noreturn]] void reject(const std::filesystem::path& name, int line, int column,
                         const std::string& message) {
  std::string where = name.string();
  if (line > 0) where += ":" + std::to_string(line) + ":" + std::to_string(column);
  throw Error(ErrorKind::Input, where, message);
}

void validate(const std::string& bytes, const std::filesystem::path& name) {
  if (bytes.size() > kMaxLayoutBytes) reject(name, 0, 0, "файл макета больше 1 МБ");
  initXerces();
  std::lock_guard lock(validateMutex);
  const auto xsd = model::dataFile("schemas/layout.xsd").string();
  Handler handler;
  DenyAll deny;
  xc::SecurityManager security;
  security.setEntityExpansionLimit(100);
  std::unique_ptr<xc::SAX2XMLReader> reader(xc::XMLReaderFactory::createXMLReader());
  reader->setFeature(xc::XMLUni::fgSAX2CoreNameSpaces, true);
  reader->setFeature(xc::XMLUni::fgXercesSchema, true);
  reader->setFeature(xc::XMLUni::fgSAX2CoreValidation, true);
  reader->setFeature(xc::XMLUni::fgXercesDynamic, false);
  reader->setFeature(xc::XMLUni::fgXercesSchemaFullChecking, true);
  reader->setFeature(xc::XMLUni::fgXercesLoadSchema, false);
  reader->setFeature(xc::XMLUni::fgXercesUseCachedGrammarInParse, true);
  reader->setProperty(xc::XMLUni::fgXercesSecurityManager, &security);
  try {
    if (!reader->loadGrammar(xsd.c_str(), xc::Grammar::SchemaGrammarType, true))
      throw Error(ErrorKind::Internal, xsd, "не удалось загрузить схему макетов");
    reader->setFeature(xc::XMLUni::fgXercesDisableDefaultEntityResolution, true);
    reader->setEntityResolver(&deny);
    reader->setContentHandler(&handler);
    reader->setErrorHandler(&handler);
    reader->setLexicalHandler(&handler);
    xc::MemBufInputSource src(reinterpret_cast<const XMLByte*>(bytes.data()), bytes.size(), "layout");
    reader->parse(src);
  } catch (const Error&) {
    throw;
  } catch (const xc::SAXParseException&) {
    // recorded by the handler
  } catch (const xc::XMLException& e) {
    handler.problems.push_back({static_cast<int>(e.getSrcLine()), 0, utf8(e.getMessage())});
  } catch (const std::exception& e) {
    if (handler.problems.empty()) handler.problems.push_back({0, 0, e.what()});
  }
  if (!handler.problems.empty()) {
    const auto& p = handler.problems.front();
    std::string message = p.message;
    if (handler.problems.size() > 1)
      message += " (и ещё ошибок: " + std::to_string(handler.problems.size() - 1) + ")";
    reject(name, p.line, p.column, "макет не соответствует схеме layout.xsd: " + message);
  }
}

std::filesystem::path resolveFont(const std::string& file, const std::filesystem::path& name) {
  std::filesystem::path p(file);
  std::vector<std::filesystem::path> candidates;
  if (p.is_absolute()) {
    candidates.push_back(p);
  } else {
    candidates.push_back(name.parent_path() / p);
    candidates.push_back(std::filesystem::path("/usr/share/fonts/truetype/paratype") / p);
    candidates.push_back(std::filesystem::path("/usr/share/fonts/truetype/liberation2") / p);
  }
  for (const auto& c : candidates)
    if (std::filesystem::is_regular_file(c)) return c;
  throw Error(ErrorKind::NotFound, name.string(), "файл шрифта «" + file + "» не найден");
}

float number(const pugi::xml_node& node, const char* attribute) {
  // The schema guarantees an xs:decimal; read it with the classic locale.
  return static_cast<float>(node.attribute(attribute).as_double());
}

}  // namespace

const std::filesystem::path& Layout::font(const std::string& role) const {
  auto it = fonts.find(role);
  if (it == fonts.end())
    throw Error(ErrorKind::Input, file.string(), "в макете нет шрифта с ролью «" + role + "»");
  return it->second;
}
float Layout::size(const std::string& role) const {
  auto it = sizes.find(role);
  if (it == sizes.end()) throw Error(ErrorKind::Input, file.string(), "в макете нет размера «" + role + "»");
  return it->second;
}
float Layout::column(const std::string& key) const {
  auto it = columns.find(key);
  if (it == columns.end()) throw Error(ErrorKind::Input, file.string(), "в макете нет колонки «" + key + "»");
  return it->second;
}
const std::string& Layout::text(const std::string& key) const {
  auto it = texts.find(key);
  if (it == texts.end()) throw Error(ErrorKind::Input, file.string(), "в макете нет текста «" + key + "»");
  return it->second;
}

const Layout& Layouts::get(const std::string& document) const {
  auto it = byDocument.find(document);
  if (it == byDocument.end())
    throw Error(ErrorKind::NotFound, "templates/" + document + ".xml", "макет документа не загружен");
  return it->second;
}

Layout parseLayout(const std::string& bytes, const std::filesystem::path& name) {
  validate(bytes, name);
  pugi::xml_document doc;
  auto result = doc.load_buffer(bytes.data(), bytes.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!result) reject(name, 0, 0, std::string("ошибка разбора XML: ") + result.description());
  Layout layout;
  layout.file = name;
  auto root = doc.child("layout");
  layout.document = root.attribute("document").value();
  auto page = root.child("page");
  const bool a3 = std::string_view(page.attribute("size").value()) == "A3";
  float w = a3 ? 841.89f : 595.276f, h = a3 ? 1190.551f : 841.89f;
  if (std::string_view(page.attribute("orientation").value()) == "landscape") std::swap(w, h);
  layout.pageWidth = w;
  layout.pageHeight = h;
  layout.marginLeft = number(page, "marginLeft");
  layout.marginRight = number(page, "marginRight");
  layout.marginTop = number(page, "marginTop");
  layout.marginBottom = number(page, "marginBottom");
  if (layout.marginLeft + layout.marginRight > w / 2 || layout.marginTop + layout.marginBottom > h / 2)
    reject(name, 0, 0, "поля занимают больше половины страницы");
  for (auto f : root.child("fonts").children("font"))
    layout.fonts[f.attribute("role").value()] = resolveFont(f.attribute("file").value(), name);
  for (auto s : root.child("sizes").children("size"))
    layout.sizes[s.attribute("role").value()] = number(s, "points");
  for (auto c : root.child("columns").children("column"))
    layout.columns[c.attribute("key").value()] = number(c, "width");
  for (auto t : root.child("texts").children("text"))
    layout.texts[t.attribute("key").value()] = t.text().get();
  return layout;
}

std::shared_ptr<const Layouts> loadLayouts(const std::filesystem::path& dir) {
  auto layouts = std::make_shared<Layouts>();
  for (const char* kind : {"journal", "summary", "extract", "control", "program", "results"}) {
    const std::string relative = std::string("templates/") + kind + ".xml";
    const auto path = dir.empty() ? model::dataFile(relative) : dir / (std::string(kind) + ".xml");
    Layout layout = parseLayout(model::readFile(path), path);
    if (layout.document != kind)
      reject(path, 0, 0, "макет описывает документ «" + layout.document + "», ожидался «" + kind + "»");
    layouts->byDocument.emplace(kind, std::move(layout));
  }
  // The regional report's layout came later: a layouts directory made before it (a school's own copy of the
  // templates) takes the bundled one rather than failing every printout.
  {
    const std::filesystem::path own = dir / "region.xml";
    const auto path =
        dir.empty() || !std::filesystem::exists(own) ? model::dataFile("templates/region.xml") : own;
    Layout layout = parseLayout(model::readFile(path), path);
    if (layout.document != "region")
      reject(path, 0, 0, "макет описывает документ «" + layout.document + "», ожидался «region»");
    layouts->byDocument.emplace("region", std::move(layout));
  }
  return layouts;
}

std::shared_ptr<const Layouts> bundledLayouts() {
  static std::once_flag once;
  static std::shared_ptr<const Layouts> layouts;
  static std::exception_ptr failure;
  std::call_once(once, [] {
    try {
      layouts = loadLayouts({});
    } catch (...) {
      failure = std::current_exception();
    }
  });
  if (failure) std::rethrow_exception(failure);
  return layouts;
}

}  // namespace ejournal::render

// Hardened Xerces-C validation (tech-notes §3.1) with chunk boundaries taken from the scanner's byte offsets.
#include "secure_validator.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/framework/XMLGrammarPoolImpl.hpp>
#include <xercesc/parsers/SAX2XMLReaderImpl.hpp>
#include <xercesc/sax/Locator.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/sax2/Attributes.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>
#include <xercesc/sax2/SAX2XMLReader.hpp>
#include <xercesc/sax2/XMLReaderFactory.hpp>
#include <xercesc/util/OutOfMemoryException.hpp>
#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/util/SecurityManager.hpp>
#include <xercesc/util/TransService.hpp>
#include <xercesc/util/XMLNetAccessor.hpp>
#include <xercesc/util/XMLString.hpp>
#include <xercesc/validators/common/Grammar.hpp>

#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/model/once.h"
#include "xerces_messages.h"

namespace ejournal::ingest::detail {
namespace {

using namespace xercesc;

constexpr char16_t kNamespace[] = u"urn:ejournal:journal:1";

std::string utf8(const XMLCh* text) {
  if (!text) return {};
  TranscodeToStr t(text, "UTF-8");
  return std::string(reinterpret_cast<const char*>(t.str()), t.length());
}

bool equals(const XMLCh* a, const char16_t* b) { return XMLString::equals(a, b); }

// Errors while loading our own schema: any of them means the installation is broken.
class SchemaLoadErrors : public DefaultHandler {
 public:
  void warning(const SAXParseException&) override {}
  void error(const SAXParseException& e) override { record(e); }
  void fatalError(const SAXParseException& e) override { record(e); }
  std::string text;

 private:
  void record(const SAXParseException& e) {
    text += std::to_string(e.getLineNumber()) + ":" + std::to_string(e.getColumnNumber()) + ": " +
            utf8(e.getMessage()) + "; ";
  }
};

void setSecureFeatures(SAX2XMLReader& r) {
  r.setFeature(XMLUni::fgSAX2CoreNameSpaces, true);
  r.setFeature(XMLUni::fgSAX2CoreNameSpacePrefixes, false);
  r.setFeature(XMLUni::fgXercesSchema, true);
  r.setFeature(XMLUni::fgSAX2CoreValidation, true);
  r.setFeature(XMLUni::fgXercesDynamic,
               false);  // Val_Always: a document that names no schema is still validated
  r.setFeature(XMLUni::fgXercesLoadSchema, false);  // xsi:schemaLocation in the document is ignored
  r.setFeature(XMLUni::fgXercesLoadExternalDTD, false);
  r.setFeature(XMLUni::fgXercesCacheGrammarFromParse, false);
  r.setFeature(XMLUni::fgXercesUseCachedGrammarInParse, true);
}

// Process-wide Xerces state: initialisation, the network accessor removed, our schema in a locked grammar
// pool.
class XercesRuntime {
 public:
  static XercesRuntime& instance() {
    static XercesRuntime runtime;  // a throwing constructor is retried by the next caller
    return runtime;
  }
  XMLGrammarPool* pool() { return pool_.get(); }

 private:
  XercesRuntime() {
    // Shared with rules and render (model/once.h): Xerces' global set-up is not thread-safe.
    model::callOncePerProcess("xerces", [] {
      XMLPlatformUtils::Initialize();
      delete XMLPlatformUtils::fgNetAccessor;  // Debian's build fetches http:// with libcurl otherwise
      XMLPlatformUtils::fgNetAccessor = nullptr;
    });
    const std::filesystem::path path = model::dataFile("schemas/journal.xsd");
    pool_ = std::make_unique<XMLGrammarPoolImpl>(XMLPlatformUtils::fgMemoryManager);
    std::unique_ptr<SAX2XMLReader> r(
        XMLReaderFactory::createXMLReader(XMLPlatformUtils::fgMemoryManager, pool_.get()));
    setSecureFeatures(*r);
    r->setFeature(XMLUni::fgXercesSchemaFullChecking, true);
    SchemaLoadErrors errors;
    r->setErrorHandler(&errors);
    Grammar* grammar = nullptr;
    try {
      grammar = r->loadGrammar(path.c_str(), Grammar::SchemaGrammarType, true);
    } catch (const XMLException& e) {
      throw Error(ErrorKind::Internal, path.string(),
                  "не удаётся загрузить схему журнала (установка повреждена): " + utf8(e.getMessage()));
    } catch (const SAXException& e) {
      throw Error(ErrorKind::Internal, path.string(),
                  "не удаётся загрузить схему журнала (установка повреждена): " + utf8(e.getMessage()));
    }
    if (!grammar || !errors.text.empty())
      throw Error(ErrorKind::Internal, path.string(),
                  "не удаётся загрузить схему журнала (установка повреждена): " + errors.text);
    pool_->lockPool();
  }

  std::unique_ptr<XMLGrammarPool> pool_;
};

// The byte offset of a Xerces position (line, column in UTF-16 units, as the Locator reports them). Positions
// are asked in document order, so the walk is amortised linear. Xerces' own getSrcOffset() re-adds the sizes
// of every character of its 16K buffer on each call, which made it the bottleneck; it is used only for
// documents with CR line ends, where Xerces' line counting and this walk could differ.
class PositionToOffset {
 public:
  explicit PositionToOffset(std::string_view bytes) : bytes_(bytes) {
    if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF")
      pos_ = lineStart_ = 3;  // the BOM is not a column
  }

  size_t offset(uint64_t line, uint64_t column) {
    if (line > line_) {
      while (line_ < line) {
        const void* nl = std::memchr(bytes_.data() + lineStart_, '\n', bytes_.size() - lineStart_);
        if (!nl) break;
        lineStart_ = static_cast<size_t>(static_cast<const char*>(nl) - bytes_.data()) + 1;
        ++line_;
      }
      pos_ = lineStart_;
      column_ = 1;
    } else if (column < column_) {
      pos_ = lineStart_;
      column_ = 1;
    }
    while (column_ < column && pos_ < bytes_.size()) {
      const auto b = static_cast<unsigned char>(bytes_[pos_]);
      const size_t len = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
      pos_ += len;
      column_ += len == 4 ? 2 : 1;  // a surrogate pair is two columns
    }
    return std::min(pos_, bytes_.size());
  }

 private:
  std::string_view bytes_;
  uint64_t line_ = 1;
  uint64_t column_ = 1;
  size_t lineStart_ = 0;
  size_t pos_ = 0;
};

// Thrown by the handler to stop the scanner; the reason is already recorded.
struct StopScan {};

class Handler : public DefaultHandler {
 public:
  Handler(SAX2XMLReader& reader, std::string_view bytes, const std::string& name, const ReadOptions& options,
          ChunkListener& listener)
      : reader_(reader),
        positions_(bytes),
        useSrcOffset_(bytes.find('\r') != std::string_view::npos),
        name_(name),
        options_(options),
        listener_(listener) {}

  std::vector<Problem> problems;

  void setDocumentLocator(const Locator* locator) override { locator_ = locator; }

  void startDTD(const XMLCh*, const XMLCh*, const XMLCh*) override {
    stop("DOCTYPE запрещён: документ не может объявлять DTD и сущности");
  }

  InputSource* resolveEntity(const XMLCh*, const XMLCh* systemId) override {
    stop("внешние ресурсы запрещены (" + utf8(systemId) + ")");
  }

  void startElement(const XMLCh* uri, const XMLCh* localname, const XMLCh*,
                    const Attributes& attrs) override {
    if (cancelled_) throw StopScan{};
    ++depth_;
    if (depth_ > options_.maxDepth)
      stop("слишком глубокая вложенность элементов (больше " + std::to_string(options_.maxDepth) + ")");
    if (depth_ == 1) {
      if (!equals(localname, u"journal") || !equals(uri, kNamespace)) {
        problems.clear();  // Xerces' own "no declaration found" messages say the same, less clearly
        stop("корневой элемент должен быть journal в пространстве имён urn:ejournal:journal:1, а не «" +
             utf8(localname) + "»" + (uri && *uri ? " в «" + utf8(uri) + "»" : " без пространства имён"));
      }
      const std::string version = utf8(attrs.getValue(u"version"));
      if (!version.empty() && version != "1" &&
          version.find_first_not_of("0123456789 ") == std::string::npos &&
          std::stoll(version) > model::kFormatVersion)
        add(location(), "версия формата " + version + " не поддерживается (поддерживается " +
                            std::to_string(model::kFormatVersion) + ")");
      contentBegin_ = offset();
      referenceEnd_ = contentBegin_;
    } else if (depth_ == 2) {
      section_ = sectionOf(localname);
      if (section_ != Section::Reference) {
        flushReference();
        chunkBegin_ = offset();
        pending_ = 0;
      }
    }
  }

  void endElement(const XMLCh*, const XMLCh*, const XMLCh*) override {
    if (depth_ == 3 && section_ != Section::Reference) {
      ++pending_;
      recordEnd_ = offset();
      if (pending_ >= options_.batchRecords) flushData();
    } else if (depth_ == 2) {
      if (section_ == Section::Reference)
        referenceEnd_ = offset();
      else
        flushData();
      section_ = Section::Reference;
    } else if (depth_ == 1) {
      flushReference();
    }
    --depth_;
  }

  // Every error Xerces finds, by its code (Reader::error below): Russian text, Xerces' English kept as the
  // detail.
  void report(unsigned code, const XMLCh* domain, XMLErrorReporter::ErrTypes type, const XMLCh* text,
              XMLFileLoc line, XMLFileLoc column) {
    if (type == XMLErrorReporter::ErrType_Warning) return;
    const std::string english = utf8(text);
    // Validity errors come in XMLValid codes, the schema's value checks in XMLExcepts codes, the rest in
    // XMLErrs.
    const XercesDomain d = XMLString::equals(domain, XMLUni::fgValidityDomain) ? XercesDomain::Schema
                           : XMLString::equals(domain, XMLUni::fgExceptDomain) ? XercesDomain::Exception
                                                                               : XercesDomain::Syntax;
    const std::string message =
        (d == XercesDomain::Syntax ? "ошибка синтаксиса XML: " : "не соответствует схеме: ") +
        russianXercesMessage(d, code, english);
    add({static_cast<int>(line), static_cast<int>(column)}, message, english);
    if (type == XMLErrorReporter::ErrType_Fatal || problems.size() >= options_.maxProblems) throw StopScan{};
  }

  // Errors reach report() directly; these only see what another path might still send as a SAX exception.
  void warning(const SAXParseException&) override {}
  void error(const SAXParseException& e) override { fromException(e, false); }
  void fatalError(const SAXParseException& e) override { fromException(e, true); }

  // A problem that is not Xerces' own (an exception escaping the scanner), at the scanner's position.
  void addAtCurrent(const std::string& message, const std::string& detail = {}) {
    add(location(), message, detail);
  }
  bool stopped() const { return stopped_; }

 private:
  struct Where {
    int line = 0;
    int column = 0;
  };

  Where location() const {
    if (!locator_) return {};
    return {static_cast<int>(locator_->getLineNumber()), static_cast<int>(locator_->getColumnNumber())};
  }

  size_t offset() {
    if (useSrcOffset_) return static_cast<size_t>(reader_.getSrcOffset());
    return positions_.offset(locator_->getLineNumber(), locator_->getColumnNumber());
  }

  void add(Where w, std::string message, std::string detail = {}) {
    if (problems.size() >= options_.maxProblems) return;
    problems.push_back(Problem{name_, w.line, w.column, std::move(message), std::move(detail)});
  }

  void fromException(const SAXParseException& e, bool fatal) {
    add({static_cast<int>(e.getLineNumber()), static_cast<int>(e.getColumnNumber())},
        fatal ? "ошибка синтаксиса XML" : "не соответствует схеме", utf8(e.getMessage()));
    if (fatal || problems.size() >= options_.maxProblems) throw StopScan{};
  }

  [[noreturn]] void stop(const std::string& message) {
    add(location(), message);
    stopped_ = true;
    throw StopScan{};
  }

  static Section sectionOf(const XMLCh* localname) {
    if (equals(localname, u"lessons")) return Section::Lessons;
    if (equals(localname, u"marks")) return Section::Marks;
    if (equals(localname, u"attendance")) return Section::Attendance;
    if (equals(localname, u"periodMarks")) return Section::PeriodMarks;
    return Section::Reference;
  }

  void publish(const Chunk& chunk) {
    if (!problems.empty() || cancelled_) return;
    if (!listener_.onChunk(chunk)) {
      cancelled_ = true;
      throw StopScan{};
    }
  }

  void flushReference() {
    if (referenceDone_) return;
    referenceDone_ = true;
    publish(Chunk{Section::Reference, contentBegin_, referenceEnd_, 0});
  }

  // Publishes the records since the last chunk: from the end of the previous chunk to the end of the last
  // record (never the section's end tag).
  void flushData() {
    if (pending_ > 0) publish(Chunk{section_, chunkBegin_, recordEnd_, pending_});
    chunkBegin_ = recordEnd_;
    pending_ = 0;
  }

  SAX2XMLReader& reader_;
  PositionToOffset positions_;
  bool useSrcOffset_;
  const std::string& name_;
  const ReadOptions& options_;
  ChunkListener& listener_;
  const Locator* locator_ = nullptr;
  int depth_ = 0;
  Section section_ = Section::Reference;
  size_t contentBegin_ = 0;
  size_t referenceEnd_ = 0;
  bool referenceDone_ = false;
  size_t chunkBegin_ = 0;
  size_t pending_ = 0;
  size_t recordEnd_ = 0;
  bool cancelled_ = false;
  bool stopped_ = false;
};

// The SAX2 reader with Xerces' error reports taken by code before they become English SAXParseExceptions.
class Reader : public SAX2XMLReaderImpl {
 public:
  explicit Reader(XMLGrammarPool* pool) : SAX2XMLReaderImpl(XMLPlatformUtils::fgMemoryManager, pool) {}
  Handler* handler = nullptr;

  void error(const unsigned int code, const XMLCh* const domain, const XMLErrorReporter::ErrTypes type,
             const XMLCh* const text, const XMLCh* const systemId, const XMLCh* const publicId,
             const XMLFileLoc line, const XMLFileLoc column) override {
    if (!handler) {
      SAX2XMLReaderImpl::error(code, domain, type, text, systemId, publicId, line, column);
      return;
    }
    handler->report(code, domain, type, text, line, column);
  }
};

}  // namespace

std::vector<Problem> validate(std::string_view bytes, const std::string& name, const ReadOptions& options,
                              ChunkListener& listener) {
  XercesRuntime& runtime = XercesRuntime::instance();
  auto reader = std::make_unique<Reader>(runtime.pool());
  setSecureFeatures(*reader);
  reader->setFeature(XMLUni::fgXercesDisableDefaultEntityResolution, true);
  SecurityManager security;
  security.setEntityExpansionLimit(100);
  reader->setProperty(XMLUni::fgXercesSecurityManager, &security);

  if (bytes.find('\r') != std::string_view::npos) reader->setFeature(XMLUni::fgXercesCalculateSrcOfs, true);
  Handler handler(*reader, bytes, name, options, listener);
  reader->handler = &handler;
  reader->setContentHandler(&handler);
  reader->setErrorHandler(&handler);
  reader->setLexicalHandler(&handler);
  reader->setEntityResolver(&handler);  // after the grammar is loaded (tech-notes §3.1): denies every entity

  MemBufInputSource source(reinterpret_cast<const XMLByte*>(bytes.data()), bytes.size(), name.c_str(), false);
  // Xerces reads the caller's bytes in place (they outlive the parse) instead of copying the whole document
  // first.
  source.setCopyBufToStream(false);
  try {
    reader->parse(source);
  } catch (const StopScan&) {
    // The reason is recorded (or the consumer cancelled).
  } catch (const SAXException& e) {
    handler.addAtCurrent("ошибка разбора XML", utf8(e.getMessage()));
  } catch (const XMLException& e) {
    const std::string english = utf8(e.getMessage());
    handler.addAtCurrent(
        "ошибка разбора XML: " + russianXercesMessage(XercesDomain::Exception, e.getCode(), english),
        english);
  } catch (const OutOfMemoryException&) {
    handler.addAtCurrent("недостаточно памяти для разбора документа");
  }
  return std::move(handler.problems);
}

}  // namespace ejournal::ingest::detail

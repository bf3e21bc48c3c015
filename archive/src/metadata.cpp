// metadata.json writer (hand-written for a byte-exact layout) and reader (Poco::JSON).
#include "metadata.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "ejournal/model/error.h"
#include "ejournal/model/json.h"

namespace ejournal::archive::detail {

namespace {

std::string q(std::string_view s) { return model::jsonString(s); }

std::string ref(const std::optional<ArchiveRef>& r) {
  if (!r) return "null";
  return "{\"archive\": " + q(r->archive) + ", \"manifestSha256\": " + q(r->manifestSha256) + "}";
}

std::string retention(const RetentionInfo& r) {
  return "{\"class\": " + q(r.className) + ", \"years\": " + std::to_string(r.years) +
         ", \"earliestDisposal\": " + q(r.earliestDisposal.toString()) + "}";
}

std::string tags(const Tags& t) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, values] : t) {
    if (!first) out += ", ";
    first = false;
    out += q(k) + ": [";
    for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + q(values[i]);
    out += "]";
  }
  return out + "}";
}

using Poco::JSON::Object;

[[noreturn]] void bad(const std::string& what) { throw Error(ErrorKind::Input, "metadata.json", what); }

Object::Ptr obj(const Object::Ptr& o, const std::string& key) {
  if (!o->has(key) || !o->isObject(key)) bad("нет объекта \"" + key + "\"");
  return o->getObject(key);
}

std::string str(const Object::Ptr& o, const std::string& key) {
  if (!o->has(key) || !o->get(key).isString()) bad("нет строки \"" + key + "\"");
  return o->getValue<std::string>(key);
}

int64_t num(const Object::Ptr& o, const std::string& key) {
  if (!o->has(key) || !o->get(key).isInteger()) bad("нет целого числа \"" + key + "\"");
  return o->getValue<int64_t>(key);
}

model::Date date(const Object::Ptr& o, const std::string& key) {
  auto d = model::Date::parse(str(o, key));
  if (!d) bad("неверная дата \"" + key + "\"");
  return *d;
}

std::optional<ArchiveRef> optRef(const Object::Ptr& o, const std::string& key) {
  if (!o->has(key)) bad("нет ключа \"" + key + "\"");
  if (o->isNull(key)) return std::nullopt;
  auto r = obj(o, key);
  return ArchiveRef{str(r, "archive"), str(r, "manifestSha256")};
}

RetentionInfo readRetention(const Object::Ptr& o) {
  auto r = obj(o, "retention");
  return RetentionInfo{str(r, "class"), static_cast<int>(num(r, "years")), date(r, "earliestDisposal")};
}

}  // namespace

std::string writeMetadata(const ArchiveInfo& a) {
  std::string s = "{\n";
  s += "  \"format\": \"ejournal-archive\",\n";
  s += "  \"formatVersion\": " + std::to_string(a.formatVersion) + ",\n";
  s += "  \"school\": {\"id\": " + q(a.schoolId) + ", \"name\": " + q(a.schoolName) + "},\n";
  s += "  \"period\": {\"id\": " + q(a.periodId) + ", \"title\": " + q(a.periodTitle) +
       ", \"from\": " + q(a.periodDates.from.toString()) + ", \"to\": " + q(a.periodDates.to.toString()) +
       "},\n";
  s += "  \"sequence\": " + std::to_string(a.sequence) + ",\n";
  s += "  \"version\": " + std::to_string(a.version) + ",\n";
  s += "  \"supersedes\": " + ref(a.supersedes) + ",\n";
  s += "  \"reason\": " + q(a.reason) + ",\n";
  s += "  \"previous\": " + ref(a.previous) + ",\n";
  s += "  \"createdAt\": " + q(a.createdAt.toString()) + ",\n";
  s += "  \"createdBy\": " + q(a.createdBy) + ",\n";
  s += "  \"tool\": " + q(a.tool) + ",\n";
  s += "  \"retention\": " + retention(a.retention) + ",\n";
  s += "  \"documents\": [";
  for (size_t i = 0; i < a.documents.size(); ++i) {
    const auto& d = a.documents[i];
    s += i ? ",\n    " : "\n    ";
    s += "{\"name\": " + q(d.name) + ", \"kind\": " + q(d.kind) + ", \"title\": " + q(d.title) +
         ", \"mediaType\": " + q(d.mediaType) + ", \"size\": " + std::to_string(d.size) +
         ", \"sha256\": " + q(d.sha256) + ", \"retention\": " + retention(d.retention) +
         ", \"tags\": " + tags(d.tags) + "}";
  }
  s += a.documents.empty() ? "]\n" : "\n  ]\n";
  s += "}\n";
  return s;
}

void readMetadata(std::string_view json, ArchiveInfo& a) {
  Object::Ptr root;
  try {
    Poco::JSON::Parser parser;
    root = parser.parse(std::string(json)).extract<Object::Ptr>();
  } catch (const Poco::Exception& e) {
    bad("не является корректным JSON: " + e.displayText());
  }
  if (!root) bad("не является объектом JSON");
  if (str(root, "format") != "ejournal-archive") bad("неизвестный формат архива");
  a.formatVersion = static_cast<int>(num(root, "formatVersion"));
  if (a.formatVersion != kArchiveFormatVersion)
    bad("неизвестная версия формата " + std::to_string(a.formatVersion));
  auto school = obj(root, "school");
  a.schoolId = str(school, "id");
  a.schoolName = str(school, "name");
  auto period = obj(root, "period");
  a.periodId = str(period, "id");
  a.periodTitle = str(period, "title");
  a.periodDates = {date(period, "from"), date(period, "to")};
  a.sequence = static_cast<int>(num(root, "sequence"));
  a.version = static_cast<int>(num(root, "version"));
  a.supersedes = optRef(root, "supersedes");
  a.reason = str(root, "reason");
  a.previous = optRef(root, "previous");
  auto created = model::DateTime::parse(str(root, "createdAt"));
  if (!created) bad("неверное время \"createdAt\"");
  a.createdAt = *created;
  a.createdBy = str(root, "createdBy");
  a.tool = str(root, "tool");
  a.retention = readRetention(root);
  if (!root->has("documents") || !root->isArray("documents")) bad("нет массива \"documents\"");
  auto docs = root->getArray("documents");
  a.documents.clear();
  for (size_t i = 0; i < docs->size(); ++i) {
    if (!docs->isObject(i)) bad("documents[" + std::to_string(i) + "] не объект");
    auto d = docs->getObject(static_cast<unsigned>(i));
    DocumentInfo doc;
    doc.name = str(d, "name");
    doc.kind = str(d, "kind");
    doc.title = str(d, "title");
    doc.mediaType = str(d, "mediaType");
    doc.size = static_cast<uint64_t>(num(d, "size"));
    doc.sha256 = str(d, "sha256");
    doc.retention = readRetention(d);
    auto t = obj(d, "tags");
    for (const auto& key : t->getNames()) {
      if (!t->isArray(key)) bad("tags." + key + " не массив");
      auto arr = t->getArray(key);
      auto& values = doc.tags[key];
      for (size_t j = 0; j < arr->size(); ++j) {
        if (!arr->get(static_cast<unsigned>(j)).isString()) bad("tags." + key + " содержит не строку");
        values.push_back(arr->getElement<std::string>(static_cast<unsigned>(j)));
      }
    }
    a.documents.push_back(std::move(doc));
  }
}

}  // namespace ejournal::archive::detail

// HTTP helpers for the service (http.h).
#include "service/http.h"

#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <ext/stdio_filebuf.h>
#include <fstream>
#include <sstream>

#include "ejournal/model/files.h"
#include "service/listener.h"

namespace ejournal::app::service {

using Poco::Net::HTTPResponse;

ApiError toApiError(const Error& e) {
  // The use cases shared with the CLI name their options; the same check in the API concerns a parameter.
  std::string where;
  if (e.where().rfind("--", 0) == 0 && e.where().find_first_of("/ ") == std::string::npos)
    where = e.where().substr(2);
  switch (e.kind()) {
    case ErrorKind::Input:
      return ApiError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_input", e.message(), where);
    case ErrorKind::NotFound:
      return ApiError(HTTPResponse::HTTP_NOT_FOUND, "not_found", e.message(), where);
    case ErrorKind::Conflict:
      return ApiError(HTTPResponse::HTTP_CONFLICT, "conflict", e.message(), where);
    case ErrorKind::Denied:
      return ApiError(HTTPResponse::HTTP_FORBIDDEN, "forbidden", e.message(), where);
    case ErrorKind::Internal:
      break;
  }
  return ApiError(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal",
                  "внутренняя ошибка сервиса; подробности в журнале сервиса");
}

void sendError(Poco::Net::HTTPServerResponse& res, const ApiError& e, bool closeConnection) {
  Poco::JSON::Object err;
  err.set("status", static_cast<int>(e.status()));
  err.set("code", e.code());
  err.set("message", std::string(e.what()));
  if (!e.where().empty()) err.set("where", e.where());
  Poco::JSON::Object body;
  body.set("error", err);
  if (closeConnection) res.setKeepAlive(false);
  if (e.status() == HTTPResponse::HTTP_UNAUTHORIZED) res.set("WWW-Authenticate", "Bearer realm=\"ejournal\"");
  sendJson(res, body, e.status());
}

void sendJson(Poco::Net::HTTPServerResponse& res, const Poco::JSON::Object& body,
              HTTPResponse::HTTPStatus status) {
  std::ostringstream out;
  body.stringify(out);
  res.setStatusAndReason(status);
  res.set("Cache-Control", "no-store");
  sendBytes(res, out.str(), "application/json; charset=utf-8");
}

void sendJson(Poco::Net::HTTPServerResponse& res, const Poco::Dynamic::Var& body,
              HTTPResponse::HTTPStatus status) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(body, out);
  res.setStatusAndReason(status);
  res.set("Cache-Control", "no-store");
  sendBytes(res, out.str(), "application/json; charset=utf-8");
}

namespace {

std::string contentDisposition(const std::string& name) {
  std::string ascii;
  for (unsigned char c : name)
    ascii += (c < 0x80 && c != '"' && c != '\\' && c >= 0x20) ? static_cast<char>(c) : '_';
  std::string encoded;
  Poco::URI::encode(name, "\"%'()*,/:;<=>?@[\\]^`{|} ", encoded);
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace

void sendFile(Poco::Net::HTTPServerResponse& res, const std::filesystem::path& file,
              const std::string& contentType, const std::string& downloadName) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw ApiError(HTTPResponse::HTTP_NOT_FOUND, "not_found", "файл не найден", file.filename().string());
  res.setContentType(contentType);
  res.setContentLength64(static_cast<Poco::UInt64>(std::filesystem::file_size(file)));
  if (!downloadName.empty()) res.set("Content-Disposition", contentDisposition(downloadName));
  std::ostream& out = res.send();
  Poco::StreamCopier::copyStream64(in, out, 64 * 1024);
}

void sendBytes(Poco::Net::HTTPServerResponse& res, const std::string& bytes, const std::string& contentType,
               const std::string& downloadName) {
  res.setContentType(contentType);
  res.setContentLength64(bytes.size());
  if (!downloadName.empty()) res.set("Content-Disposition", contentDisposition(downloadName));
  res.send().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

namespace {

ApiError tooLarge(size_t limit) {
  return ApiError(HTTPResponse::HTTP_REQUESTENTITYTOOLARGE, "body_too_large",
                  "тело запроса больше допустимого (" + std::to_string(limit) + " байт)");
}

void checkDeclaredLength(Poco::Net::HTTPServerRequest& req, size_t limit) {
  if (req.hasContentLength() && req.getContentLength64() > static_cast<Poco::Int64>(limit))
    throw tooLarge(limit);
}

// After a body was read: refused when the watchdog cut it off or it is shorter than its Content-Length.
void checkComplete(Poco::Net::HTTPServerRequest& req, const BodyReading& reading, size_t received) {
  if (reading.timedOut())
    throw ApiError(HTTPResponse::HTTP_REQUEST_TIMEOUT, "body_timeout",
                   "тело запроса не получено за " + std::to_string(reading.seconds()) + " с");
  if (req.hasContentLength() && static_cast<Poco::Int64>(received) != req.getContentLength64())
    throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "incomplete_body",
                   "тело запроса оборвано: получено " + std::to_string(received) + " байт из " +
                       std::to_string(req.getContentLength64()));
}

}  // namespace

std::string readBody(Poco::Net::HTTPServerRequest& req, size_t limit) {
  checkDeclaredLength(req, limit);
  BodyReading reading;
  std::string body;
  char buf[16 * 1024];
  std::istream& in = req.stream();
  while (in) {
    in.read(buf, sizeof buf);
    std::streamsize n = in.gcount();
    if (n <= 0) break;
    if (body.size() + static_cast<size_t>(n) > limit) throw tooLarge(limit);
    body.append(buf, static_cast<size_t>(n));
  }
  checkComplete(req, reading, body.size());
  return body;
}

Poco::JSON::Object::Ptr readJsonObject(Poco::Net::HTTPServerRequest& req, size_t limit) {
  std::string body = readBody(req, limit);
  if (body.empty())
    throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "malformed_json",
                   "тело запроса пустое, ожидается объект JSON");
  try {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var v = parser.parse(body);
    if (v.type() != typeid(Poco::JSON::Object::Ptr))
      throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "malformed_json", "ожидается объект JSON ({...})");
    return v.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception& e) {
    throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "malformed_json", "некорректный JSON: " + e.message());
  }
}

namespace {

constexpr const char* kUploadPrefix = "upload-";

// An upload file of this process: "upload-<pid>-<n>.part" while it is received, ".xml" once complete.
std::filesystem::path uploadPath(const std::filesystem::path& dir, const char* ext) {
  static std::atomic<unsigned> counter{0};
  return dir / (kUploadPrefix + std::to_string(getpid()) + "-" + std::to_string(++counter) + ext);
}

}  // namespace

std::filesystem::path receiveUpload(Poco::Net::HTTPServerRequest& req, const std::filesystem::path& dir,
                                    size_t limit) {
  checkDeclaredLength(req, limit);
  makePrivateDirectory(dir);
  auto path = uploadPath(dir, ".part");
  TempFile guard(path);
  {
    // Journal data (pupils' personal data): readable by the service's user only, whatever the umask.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) throw Error(ErrorKind::Internal, path.string(), "не удалось создать временный файл");
    __gnu_cxx::stdio_filebuf<char> buffer(fd, std::ios::out | std::ios::binary);
    std::ostream out(&buffer);
    BodyReading reading;
    std::vector<char> buf(64 * 1024);
    std::istream& in = req.stream();
    size_t total = 0;
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      std::streamsize n = in.gcount();
      if (n <= 0) break;
      total += static_cast<size_t>(n);
      if (total > limit) throw tooLarge(limit);
      out.write(buf.data(), n);
    }
    out.flush();
    if (!out)
      throw Error(ErrorKind::Internal, path.string(), "не удалось записать временный файл (нет места?)");
    checkComplete(req, reading, total);
    if (total == 0)
      throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "empty_body",
                     "тело запроса пустое, ожидается документ XML");
  }
  auto kept = uploadPath(dir, ".xml");
  std::filesystem::rename(path, kept);
  return kept;
}

void makePrivateDirectory(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  ::chmod(dir.c_str(), 0700);
}

int removeStaleUploads(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  int removed = 0;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kUploadPrefix, 0) != 0) continue;
    const std::string ext = entry.path().extension().string();
    if (ext != ".part" && ext != ".xml") continue;
    // upload-<pid>-<n>: stale unless another running process has that pid (this one is only starting).
    const size_t from = std::char_traits<char>::length(kUploadPrefix);
    const size_t dash = name.find('-', from);
    long pid = 0;
    const bool parsed = dash != std::string::npos &&
                        std::from_chars(name.data() + from, name.data() + dash, pid).ec == std::errc() &&
                        pid > 0;
    if (parsed && pid != getpid() && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM)) continue;
    std::error_code rm;
    if (fs::remove(entry.path(), rm)) ++removed;
  }
  return removed;
}

TempFile::~TempFile() {
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

std::map<std::string, std::string> queryParameters(const std::string& uri) {
  std::map<std::string, std::string> out;
  try {
    for (auto& [k, v] : Poco::URI(uri).getQueryParameters()) out[k] = v;
  } catch (const Poco::Exception& e) {
    throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_uri", "некорректный адрес запроса: " + e.message());
  }
  return out;
}

std::string requireString(const Poco::JSON::Object& o, const std::string& key) {
  if (!o.has(key) || o.get(key).isEmpty())
    throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "missing_field", "не указано поле «" + key + "»", key);
  if (!o.get(key).isString())
    throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_field", "поле «" + key + "» должно быть строкой",
                   key);
  return o.get(key).extract<std::string>();
}

std::string optionalString(const Poco::JSON::Object& o, const std::string& key, const std::string& fallback) {
  if (!o.has(key) || o.get(key).isEmpty()) return fallback;
  return requireString(o, key);
}

std::optional<bool> optionalBool(const Poco::JSON::Object& o, const std::string& key) {
  if (!o.has(key) || o.get(key).isEmpty()) return std::nullopt;
  if (!o.get(key).isBoolean())
    throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_field",
                   "поле «" + key + "» должно быть true или false", key);
  return o.get(key).extract<bool>();
}

}  // namespace ejournal::app::service

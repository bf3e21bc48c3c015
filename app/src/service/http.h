// HTTP plumbing shared by the service's handlers: the API error type and its JSON form, bounded body reading,
// uploads streamed to a temp file, JSON and file responses.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPResponse.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "ejournal/model/error.h"

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace ejournal::app::service {

// An error answered to the client: an HTTP status, a stable machine code, a Russian message and, for an error
// in the request, the field or parameter it concerns (`where`). Nothing about the server (paths, the store's
// connection, library texts) goes into it: that is for the service's log.
class ApiError : public std::runtime_error {
 public:
  ApiError(Poco::Net::HTTPResponse::HTTPStatus status, std::string code, const std::string& message,
           std::string where = {})
      : std::runtime_error(message), status_(status), code_(std::move(code)), where_(std::move(where)) {}
  Poco::Net::HTTPResponse::HTTPStatus status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::string& where() const { return where_; }

 private:
  Poco::Net::HTTPResponse::HTTPStatus status_;
  std::string code_;
  std::string where_;
};

// The answer for a project error: Input 400, NotFound 404, Conflict 409, Denied 403 with its message, and
// Internal 500 with a message that points to the log. The error's `where` (a file, the store, an operation)
// is not answered, except a use case's option ("--period") named as the API's parameter ("period").
ApiError toApiError(const Error& e);

// Writes {"error": {"status", "code", "message", "where"?}}; closes the connection when `closeConnection`.
void sendError(Poco::Net::HTTPServerResponse& res, const ApiError& e, bool closeConnection);
void sendJson(Poco::Net::HTTPServerResponse& res, const Poco::JSON::Object& body,
              Poco::Net::HTTPResponse::HTTPStatus status = Poco::Net::HTTPResponse::HTTP_OK);
void sendJson(Poco::Net::HTTPServerResponse& res, const Poco::Dynamic::Var& body,
              Poco::Net::HTTPResponse::HTTPStatus status = Poco::Net::HTTPResponse::HTTP_OK);
// Streams a file; `downloadName` sets Content-Disposition (RFC 6266 with a UTF-8 filename*).
void sendFile(Poco::Net::HTTPServerResponse& res, const std::filesystem::path& file,
              const std::string& contentType, const std::string& downloadName);
void sendBytes(Poco::Net::HTTPServerResponse& res, const std::string& bytes, const std::string& contentType,
               const std::string& downloadName = {});

// Reads the request body, at most `limit` bytes (413 beyond, with or without Content-Length, chunked too).
std::string readBody(Poco::Net::HTTPServerRequest& req, size_t limit);
// Parses a JSON object body (400 with the parser's message on malformed JSON or a non-object).
Poco::JSON::Object::Ptr readJsonObject(Poco::Net::HTTPServerRequest& req, size_t limit);

// Reading a body is bounded by the body timeout (408) and refused when shorter than its Content-Length (400).

// Streams the request body into a new file in `dir` (created 0700), at most `limit` bytes, the file created
// 0600 whatever the umask; the file is removed on failure. Returns its path; the caller removes it when done.
std::filesystem::path receiveUpload(Poco::Net::HTTPServerRequest& req, const std::filesystem::path& dir,
                                    size_t limit);
// Removes upload files of `dir` left by processes that are no longer running (a killed service); returns how
// many.
int removeStaleUploads(const std::filesystem::path& dir);
// Creates `dir` (and parents) and sets it 0700.
void makePrivateDirectory(const std::filesystem::path& dir);

// Removes a file when destroyed.
class TempFile {
 public:
  explicit TempFile(std::filesystem::path p) : path_(std::move(p)) {}
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Query parameters of a request URI (decoded); a repeated name keeps the last value.
std::map<std::string, std::string> queryParameters(const std::string& uri);

// Typed JSON field access with Russian 400 errors naming the field.
std::string requireString(const Poco::JSON::Object& o, const std::string& key);
std::string optionalString(const Poco::JSON::Object& o, const std::string& key,
                           const std::string& fallback = {});
std::optional<bool> optionalBool(const Poco::JSON::Object& o, const std::string& key);

}  // namespace ejournal::app::service

// Private: one dnevnik.ru API conversation (requests with retries, JSON parsing) and helpers to read the
// API's objects field by field. Poco types stay inside ingest/pull/src.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

#include "ejournal/ingest/dnevnik.h"

namespace ejournal::ingest::dnevnik::detail {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

// Sends requests through a transport with the retry policy, counting requests and retries into `stats`.
class Api {
 public:
  Api(HttpTransport& transport, const RetryPolicy& retry, PullStats& stats)
      : transport_(transport), retry_(retry), stats_(stats) {}

  // The parsed root of a 2xx response. Throws ejournal::Error as documented for pull().
  Var request(const std::string& method, const std::string& target, const std::string& body = "");
  Array::Ptr getArray(const std::string& target);
  Object::Ptr getObject(const std::string& target);
  Array::Ptr postArray(const std::string& target, const std::string& body);

 private:
  HttpTransport& transport_;
  const RetryPolicy& retry_;
  PullStats& stats_;
};

// Where a record came from, for error messages: "GET /v2/edu-groups/1911/lessons/... [3]".
std::string at(const std::string& target, size_t index);

// An id: the `<key>_str` twin when present (exact beyond 2^53), else the integer `<key>`. "" when absent or
// null. Throws Error(Input) at `where` for a malformed id.
std::string idOf(const Object::Ptr& o, const std::string& key, const std::string& where);
// The same for PascalCase objects (Teacher: "Id"/"IdStr").
std::string idOfPascal(const Object::Ptr& o, const std::string& key, const std::string& where);
// A list of ids: `<key>_str` (array of strings) when present, else `<key>` (array of integers).
std::vector<std::string> idsOf(const Object::Ptr& o, const std::string& key, const std::string& where);
std::string str(const Object::Ptr& o, const std::string& key);  // "" when absent or null
long long integer(const Object::Ptr& o, const std::string& key, long long fallback);
// A date-time without zone in any of the API's spellings; nullopt when absent or null. Throws at `where` when
// present but unreadable.
std::optional<model::DateTime> dateTime(const Object::Ptr& o, const std::string& key,
                                        const std::string& where);
Object::Ptr objectAt(const Array::Ptr& a, size_t i, const std::string& where);  // throws unless an object

}  // namespace ejournal::ingest::dnevnik::detail

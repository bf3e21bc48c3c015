// The dnevnik.ru REST API v2 client: pulls one school's journal over HTTP(S) and maps it to model::Journal
// parts (docs/pull.md, ../shared/docs/upstream-api.md).
//
// The client authenticates with the `Access-Token` header, reads every id from its `*_str` twin (ids exceed
// 2^53), splits long date ranges, retries 429 and 5xx with exponential backoff (honouring Retry-After), and
// maps work types by their Russian WorkType.title. It hands the journal to a sink in the order
// store::IngestTransaction expects: the first part carries the school, year, periods and reference data,
// later parts lessons, marks and attendance, the last part period marks. The caller opens one ingest
// transaction per pull and commits only when pull() returns. No Poco type appears here; the HTTP back end is
// private (src/http_transport.cpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ejournal/model/clock.h"
#include "ejournal/model/error.h"
#include "ejournal/model/journal.h"

namespace ejournal::ingest::dnevnik {

// ---- HTTP seam (conventions §11) ----

struct HttpRequest {
  std::string method = "GET";
  std::string target;  // path and query relative to the base URL's path: "/v2/users/me/context"
  std::string body;    // JSON for POST
};

struct HttpResponse {
  int status = 0;
  std::string contentType;
  std::string retryAfter;  // the Retry-After header, verbatim ("" when absent)
  std::string body;
};

// Sends requests to one API host. Implementations add the Access-Token header. Throws
// ejournal::Error(Internal) on a network failure or timeout (the client retries those). Not thread-safe: one
// transport per pull.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual HttpResponse send(const HttpRequest& request) = 0;
};

struct ConnectionOptions {
  // "https://api.dnevnik.ru", "https://api.school.mosreg.ru", "http://127.0.0.1:18080" (plain HTTP is for the
  // local emulator). A path in the URL is kept as a prefix ("http://host/dnevnik"); "/v2" is appended unless
  // the URL already ends with "/v2" or "/v2.0".
  std::string baseUrl;
  std::string token;                         // the access token (from configuration or a token file)
  std::chrono::milliseconds timeout{30000};  // connect, send and receive, per request
  std::string caFile;  // https: an extra trusted CA certificate (PEM); the system CAs are trusted as well
};

// The Poco back end: keep-alive HTTP, or HTTPS with certificate verification (tech-notes §2.4).
// Throws ejournal::Error(Input) for a malformed base URL.
std::unique_ptr<HttpTransport> makeHttpTransport(const ConnectionOptions& options);

// ---- Pulling ----

struct RetryPolicy {
  int maxAttempts = 6;                          // per request, the first try included
  std::chrono::milliseconds initialDelay{500};  // doubled after every failed attempt
  std::chrono::milliseconds maxDelay{60000};    // cap for the backoff and for Retry-After
  // How to wait; empty means std::this_thread::sleep_for. Tests inject a recorder so they run fast.
  std::function<void(std::chrono::milliseconds)> sleep;
};

enum class RangeSplit { Month, Week };

struct PullOptions {
  ConnectionOptions connection;
  RetryPolicy retry;
  std::string schoolId;  // empty: the only school of the token's context (Error(Input) if it has several)
  // What to pull: either explicit dates, or a period name as users type it ("2025-Q1", "2025-H2",
  // "2025-year") resolved against the school's reporting periods. Exactly one of the two must be set.
  std::optional<model::DateRange> dates;
  std::string period;
  RangeSplit split = RangeSplit::Month;  // lessons and marks are requested per month (or week) of the range
  // The time of the pull, for the marks window: `marks/{from}/{to}` filters on when a mark was entered, so
  // the marks of the range's lessons are requested from the range's first day up to the day after the pull (a
  // control work's marks are posted days after the lesson) and kept by their lesson (docs/pull.md). nullptr:
  // model::systemClock().
  const model::Clock* clock = nullptr;
  size_t attendanceBatch = 50;  // lesson ids per lesson-log-entries request
  // The journal as already stored (reference data, and lessons and marks of the range), or nullptr. Fields
  // the API does not carry (director, positions without an API value, subject order and grading, enrolment
  // dates, lesson hours, mark history, curriculum, plan, timetable) are kept from it, so re-pulling changes
  // nothing; its regular timetable also tells a substitution from the scheduled teacher. Borrowed for the
  // duration of pull().
  const model::Journal* existing = nullptr;
  // Alternatively, a loader called once the school id and the range are known (the CLI and the service load
  // the store's journal of that school and range here); returns nullopt when nothing is stored. Wins over
  // `existing`.
  std::function<std::optional<model::Journal>(const std::string& schoolId, model::DateRange range)>
      loadExisting;
};

struct PullStats {
  std::string schoolId;
  model::DateRange dates;  // the range actually pulled
  size_t requests = 0;     // HTTP requests sent, retries included
  size_t retries = 0;      // attempts repeated after 429, 5xx, a timeout or a malformed body
  size_t lessons = 0;
  size_t marks = 0;
  size_t attendance = 0;
  size_t periodMarks = 0;
  size_t parts = 0;  // parts handed to the sink
  // Recoverable data problems, in Russian, each naming the record ("оценка 66001: ..."): records that could
  // not be mapped were skipped or mapped to a fallback as the message says (conventions §6a).
  std::vector<std::string> problems;
};

// Pulls the school's journal for the range and hands it to `sink` in parts (see the file comment). Uses
// `transport` when given (tests), else makeHttpTransport(options.connection). Throws ejournal::Error: Denied
// with a Russian explanation on HTTP 401 (token invalid or expired) and 403 (outside the token's scope),
// NotFound for an unknown school or period, Input for bad options or malformed upstream data (naming the
// request and record; an answer of a shape the client does not know names the keys it saw), Internal when
// retries are exhausted. Nothing is handed to the sink before all data has been fetched, so a failed pull
// never leaves a partial ingest behind even without a transaction.
PullStats pull(const PullOptions& options, const std::function<void(const model::Journal& part)>& sink,
               HttpTransport* transport = nullptr);

// Convenience for tests and tools: the whole pulled journal as one value (the parts merged).
model::Journal pullJournal(const PullOptions& options, PullStats* stats = nullptr,
                           HttpTransport* transport = nullptr);

// The provenance of a pull: source "dnevnik:<base URL>", a fresh run id "pull-YYYYMMDDTHHMMSS-<8 hex>", and
// the clock's time. The store keeps it with every record, which is how the last successful pull is recorded.
model::Provenance pullProvenance(const std::string& baseUrl, const model::Clock& clock);

// Reads an access token from a file: the first non-empty line, trimmed. Throws Error(Input/NotFound) naming
// the file.
std::string readTokenFile(const std::string& path);

// Parses "YYYY-MM-DD" or throws Error(Input) naming `what`.
model::Date parseDateArgument(const std::string& text, const std::string& what);

}  // namespace ejournal::ingest::dnevnik

// A local emulator of the dnevnik.ru REST API v2 for tests and the demo (../shared/docs/upstream-api.md).
//
// It serves one school from a model::Journal over real HTTP on 127.0.0.1 (a Poco HTTPServer): the endpoints
// of §1.3 the client uses, with the object shapes of §1.4 (camelCase, *_str id twins, bare arrays, dates
// without zone, the PascalCase Teacher, hyphenated final-mark keys, the {"type","description"} error body).
// `marks/{from}/{to}` selects marks by when they were entered, as the API does, not by their lesson. Variants
// of what deployments are known to answer are switches (EmulatorOptions): a date-only `to` read as midnight,
// final marks in the allfinalmarks shape (and, for the client's error path, a shape nobody documents), the
// reporting-periods-group spelling, period numbers counted from 0. Fault injection covers 429 with
// Retry-After, 500, HTML error pages, slow and malformed responses, 401 and 403. Ids must be decimal 64-bit
// numbers (withNumericIds converts a journal); with lossyNumbers the numeric fields are written as a
// double-precision serializer would, so only a client that reads *_str keeps ids beyond 2^53 exact.
// Thread-safe: the server answers from its own threads while the test changes marks or faults.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ejournal/model/journal.h"

namespace ejournal::pulltest {

enum class FaultKind {
  TooManyRequests,  // 429 {"type":"apiRequestLimit"} with Retry-After
  ServerError,      // 500 {"type":"apiServerError"}
  HtmlError,        // 503 with an HTML page (<div class="error__description">)
  Slow,             // the answer is delayed by delayMs, then served normally
  Malformed,        // 200 with the JSON cut in half
  Unauthorized,     // 401 {"type":"authorizationInvalidToken"}
  Forbidden,        // 403 {"type":"authorizationOutOfScope"}
};

struct Fault {
  FaultKind kind = FaultKind::ServerError;
  std::string pathContains;   // "" matches every request; else a substring of the request target
  int skip = 0;               // matching requests served normally before the fault fires
  int count = 1;              // how many times it fires; -1: every time
  int retryAfterSeconds = 1;  // for TooManyRequests
  int delayMs = 0;            // for Slow
};

// "kind[:path[:skip[:count[:param]]]]" with kind one of 429, 500, html, slow, malformed, 401, 403 and param
// the Retry-After seconds (429) or the delay in ms (slow). Throws std::invalid_argument.
Fault parseFault(const std::string& spec);

// What `edu-groups/{g}/final-marks` answers (upstream-api.md §1.4, open question 2).
enum class FinalMarksShape {
  PersonFinalMarks,  // [PersonFinalMark] with `per-subject-final-marks` (S1, S4)
  AllFinalMarks,  // {marks[], works[], subjects[], workTypes[]}, as persons/{p}/edu-groups/{g}/allfinalmarks
  Unknown,        // {"items": [PersonFinalMark], "totalCount": n}: a shape no source documents
};

// "person", "all", "unknown". Throws std::invalid_argument.
FinalMarksShape parseFinalMarksShape(const std::string& name);

struct EmulatorOptions {
  std::string token = "emulator-token";
  uint16_t port = 0;  // 0: a free port chosen by the system
  bool lossyNumbers = false;
  // A date-only end of a ranged path (`lessons/2025-09-01/2025-09-30`) means 00:00 of that day, so the
  // range's last day is dropped, as on some deployments. Off: the whole day. An explicit time is always taken
  // as written.
  bool dateOnlyEndIsMidnight = false;
  FinalMarksShape finalMarks = FinalMarksShape::PersonFinalMarks;
  // The reporting-period group (holidays) is served as `reporting-periods-group` (S3's spelling) instead of
  // `reporting-period-group` (S1's); the other spelling is then 404.
  bool periodsGroupSpelling = false;
  // ReportingPeriod.number and a PeriodMark work's periodNumber count from 0 (the base is unconfirmed, §1.4).
  bool zeroBasedPeriodNumbers = false;
  std::vector<Fault> faults;
  int threads = 8;
};

class DnevnikEmulator {
 public:
  // Starts serving at once. Throws std::invalid_argument for a journal with non-numeric ids.
  DnevnikEmulator(model::Journal journal, EmulatorOptions options = {});
  ~DnevnikEmulator();  // stops the server
  DnevnikEmulator(const DnevnikEmulator&) = delete;
  DnevnikEmulator& operator=(const DnevnikEmulator&) = delete;

  uint16_t port() const;
  std::string baseUrl() const;  // "http://127.0.0.1:PORT"

  void addFault(const Fault& fault);
  void clearFaults();
  void setToken(const std::string& token);  // the old token now gets 401 (an expired token)
  // Changes a mark as a teacher would: new value posted at `at`. False when the mark is unknown.
  bool setMark(const std::string& markId, const model::MarkValue& value, const model::DateTime& at);

  size_t requests() const;                      // requests received
  size_t faultsFired() const;                   // faults injected so far
  std::vector<std::string> requestLog() const;  // "GET /v2/..." in arrival order
  model::Journal journal() const;               // the journal as now served

  struct Impl;  // opaque; public only so the private request handlers can reach it

 private:
  std::shared_ptr<Impl> impl_;  // shared with the server's request handlers (see emulator.cpp)
};

// A copy of `journal` with every id (school, staff, subjects, classes, students, subgroups, lessons, works,
// marks) replaced by a decimal number base, base+1, ... and all references rewritten. Period ids stay
// canonical.
model::Journal withNumericIds(const model::Journal& journal, uint64_t base);
// True when every id the emulator serves is a decimal 64-bit number.
bool hasNumericIds(const model::Journal& journal);

}  // namespace ejournal::pulltest

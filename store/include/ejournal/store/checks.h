// Recorded checks and their follow-up (issue 13, docs/followup.md), kept in the journal store (migrations
// 30-39): every recorded check with the rules' version and the data's state (the last ingest or pull run),
// the findings it found with their history (new, still open since which check, corrected when seen gone,
// reopened), the teachers' acknowledgements «ознакомлен(а)», and the outbox of messages to teachers (each
// sent once, failures retried).
//
// A finding is identified by model::findingKey. The store does not run the rules: app runs them and hands the
// findings over. Thread-safe (each call takes its own pooled session); record() is one transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ejournal/model/date.h"
#include "ejournal/model/finding.h"

namespace ejournal::store {

class Store;

// One recorded check.
struct CheckRecord {
  int64_t id = 0;
  std::string schoolId;
  model::DateTime recordedAt;  // the store clock's time when it was recorded
  model::Date checkDate;       // recordedAt's date: «проверка от …»
  std::string actor;           // login, "cli:<os user>" or "scheduler"
  std::string rulesVersion;    // rules::Config::version()
  std::string dataState;       // the last ingest or pull run of the school when checked ("" when none)
  // The scope checked.
  std::string periodId;
  std::string periodLabel;
  model::DateRange dates;
  model::Date asOf;
  std::string classId;
  std::string subjectId;
  std::string teacherId;
  model::Date deadline;  // teachers correct their remarks by this day
  // What it found.
  int found = 0;      // distinct findings
  int fresh = 0;      // of them new
  int open = 0;       // of them found before and still there
  int reopened = 0;   // of them found again after a correction
  int corrected = 0;  // findings of earlier checks, within this scope, gone now
};

// What to record. `findings` may hold duplicates (one kept per key). `covers` says whether a finding recorded
// earlier lies within this check's scope, so one missing from `findings` is really gone (corrected); a
// finding out of the scope stays as it was.
struct NewCheck {
  std::string schoolId;
  std::string actor;
  std::string rulesVersion;
  std::string dataState;
  std::string periodId;
  std::string periodLabel;
  model::DateRange dates;
  model::Date asOf;
  std::string classId;
  std::string subjectId;
  std::string teacherId;
  // The correction deadline for a check made on the given day (the store clock's today); empty: that day.
  std::function<model::Date(model::Date checkDate)> deadline;
  std::vector<model::Finding> findings;
  std::function<bool(const model::Finding&)> covers;
};

struct Acknowledgement {
  int64_t checkId = 0;
  std::string staffId;
  std::string login;  // who clicked «ознакомлен(а)»
  model::DateTime at;
};

enum class MessageStatus { Pending, Sent, Failed };  // Failed: the last attempt failed, it will be retried
std::string_view toString(MessageStatus s);          // "pending", "sent", "failed"

// A message to a teacher in the outbox. (schoolId, batch, staffId) is unique: nothing is queued twice.
struct OutgoingMessage {
  int64_t id = 0;
  std::string schoolId;
  std::string batch;    // what it is for: "check:12" (remarks of check 12), "daily:2025-10-14:5a" (a summary)
  int64_t checkId = 0;  // 0 when not about a check
  std::string staffId;
  std::string recipient;  // e-mail address; "" when the teacher has none (reported, never sent)
  std::string subject;    // UTF-8
  std::string body;       // UTF-8 plain text
  model::DateTime createdAt;
  MessageStatus status = MessageStatus::Pending;
  int attempts = 0;
  std::string lastError;  // Russian, of the last failed attempt
  std::optional<model::DateTime> sentAt;
};

class CheckHistory {
 public:
  virtual ~CheckHistory() = default;

  // Records a check and updates every finding's history, all in one transaction: a finding never seen is New;
  // one seen and not corrected is Open (since the check that found it); one corrected earlier is Reopened; a
  // finding open before, covered by this check and not found is Corrected by it (on its date). Returns the
  // check with its counts.
  virtual CheckRecord record(const NewCheck& check) = 0;
  // Checks of a school, newest first.
  virtual std::vector<CheckRecord> checks(const std::string& schoolId) = 0;
  virtual std::optional<CheckRecord> check(int64_t id) = 0;
  // What a check saw: its findings (New/Open/Reopened, since when) and the ones it saw corrected, in the
  // order of the check's findings, the corrected ones last.
  virtual std::vector<model::TrackedFinding> results(int64_t checkId) = 0;
  // The current state of every finding of the school ever recorded (key order).
  virtual std::vector<model::TrackedFinding> findings(const std::string& schoolId) = 0;
  // The last ingest or pull run of the school (by finish time): the data's state a check is made on.
  virtual std::string dataState(const std::string& schoolId) = 0;

  // «Ознакомлен(а)»: records that `staffId` has read the remarks of the check. Returns false when already
  // acknowledged (the first acknowledgement stays). Throws Error(NotFound) for an unknown check.
  virtual bool acknowledge(int64_t checkId, const std::string& staffId, const std::string& login,
                           model::DateTime at) = 0;
  virtual std::vector<Acknowledgement> acknowledgements(int64_t checkId) = 0;  // by staff id

  // Queues a message; returns false (and queues nothing) when one for (school, batch, staff) is there
  // already.
  virtual bool enqueue(const OutgoingMessage& message) = 0;
  // Messages not yet sent (pending or failed), oldest first.
  virtual std::vector<OutgoingMessage> unsent(size_t limit) = 0;
  // Every message of a batch (or all of a school's when batch is ""), by id.
  virtual std::vector<OutgoingMessage> messages(const std::string& schoolId, const std::string& batch) = 0;
  virtual void markSent(int64_t id, model::DateTime at) = 0;
  virtual void markFailed(int64_t id, const std::string& error, model::DateTime at) = 0;
};

// The check history of an open store. The store must outlive it.
std::unique_ptr<CheckHistory> openCheckHistory(Store& store);

}  // namespace ejournal::store

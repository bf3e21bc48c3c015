// The follow-up of the deputy's checks (issue 13, docs/followup.md), shared by `ejournal check --record`,
// `ejournal notify`, the service's jobs and its web pages: record a check with its findings' history, write
// each teacher's message with their remarks, queue the messages in the store's outbox, write the class
// teacher's daily summary, and hand the history to the control report.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ejournal/model/finding.h"
#include "ejournal/model/index.h"
#include "ejournal/reports/reports.h"
#include "ejournal/rules/rules.h"
#include "ejournal/store/checks.h"
#include "ejournal/store/store.h"

namespace ejournal::app {

// The day `days` school days after `from`: Saturdays, Sundays and the school's holidays (those of every grade
// from 2 up) are skipped.
model::Date schoolDaysAfter(const model::JournalIndex& index, model::Date from, int days);

// Whether a finding recorded by an earlier check lies within what this check looked at, so its absence now
// means it was corrected: a rule that ran (enabled and applicable), the class/subject/teacher filters, and
// the finding's date within the checked dates up to the as-of day (a finding without a date: the scope's
// period, or the year).
std::function<bool(const model::Finding&)> checkCoverage(const model::JournalIndex& index,
                                                         const rules::Scope& scope,
                                                         const rules::Config& config,
                                                         const rules::CheckResult& result);

struct RecordedCheck {
  store::CheckRecord check;
  rules::CheckResult result;
};

// Runs the rules over the scope and records the check (rules version, data state = last ingest/pull run,
// deadline = correctionDays school days after today) with its findings' history.
RecordedCheck recordCheck(store::Store& store, const model::JournalIndex& index, const rules::Scope& scope,
                          const rules::Config& config, const std::string& actor);
// The same with the rules already run over the scope.
store::CheckRecord recordCheck(store::Store& store, const model::JournalIndex& index,
                               const rules::Scope& scope, const rules::Config& config,
                               const rules::CheckResult& result, const std::string& actor);

// "Проверка № 3 от 15.10.2025: замечаний 12 (новых 4, не устранено 7, выявлено повторно 1); устранено 5."
std::string describe(const store::CheckRecord& check);

// One teacher's message about a check: their remarks only (found by it: new, still open, reopened).
struct TeacherMessage {
  std::string staffId;
  std::string teacherName;  // "Иванова Мария Петровна"
  std::string email;        // "" when unknown
  std::string subject;      // Russian, UTF-8
  std::string body;         // Russian, UTF-8 plain text
  int remarks = 0;
};

// The messages of a check, one per teacher with remarks, by teacher name. `emails` adds addresses by staff id
// (service users' addresses) where the journal has none. `webUrl` (may be empty) is where the teacher's page
// is.
std::vector<TeacherMessage> composeRemarks(const model::JournalIndex& index, const store::CheckRecord& check,
                                           const std::vector<model::TrackedFinding>& results,
                                           const std::map<std::string, std::string>& emails,
                                           const std::string& webUrl, const std::string& deputyName);

struct QueueOutcome {
  int queued = 0;
  int alreadyQueued = 0;                    // queued before for the same check: not queued twice
  std::vector<std::string> withoutAddress;  // teachers' names: the remarks wait on their page
};
// Queues the messages of a check in the outbox, once per teacher per check.
QueueOutcome queueRemarks(store::Store& store, const model::JournalIndex& index,
                          const store::CheckRecord& check, const std::map<std::string, std::string>& emails,
                          const std::string& webUrl);

// The class teacher's daily summary (instruction 3.4): the class's lessons of `day` without a topic,
// attendance or marks, grouped by subject teacher. Empty `lines` when all is filled in.
struct DailySummary {
  std::string classId;
  std::string className;
  std::string classTeacherId;
  std::string classTeacherName;
  std::string salutation;  // "Уважаемая Мария Петровна!"
  model::Date day;
  std::vector<std::string> lines;  // the body's lines, see dailySummaryText
  int lessons = 0;                 // lessons of the day
  int incomplete = 0;              // of them with something missing
};
DailySummary buildDailySummary(const model::JournalIndex& index, const std::string& classId, model::Date day);
// The message text: a greeting, the lines, and the closing.
std::string dailySummaryText(const DailySummary& s);
// Queues the summaries of `day` for every class teacher (batch "daily:<day>:<class>"); returns how many.
QueueOutcome queueDailySummaries(store::Store& store, const model::JournalIndex& index, model::Date day,
                                 const std::map<std::string, std::string>& emails);

// The printed class journal's remarks with their follow-up (docs/followup.md): appends to `remarks` (findings
// of the class) the class's remarks the latest recorded check saw corrected, and returns by finding key what
// to print after each remark: «устранено DD.MM.YYYY», «не устранено с DD.MM.YYYY», «выявлено повторно
// DD.MM.YYYY», «новое DD.MM.YYYY» (found by the latest check), «после проверки от DD.MM.YYYY» (found since).
// Empty (and `remarks` unchanged) when no check is recorded.
std::map<std::string, std::string> remarkStatus(store::Store& store, const model::JournalIndex& index,
                                                const std::string& classId,
                                                std::vector<model::Finding>& remarks);

// The follow-up part of the справка from the latest recorded check of the journal's school up to the report's
// as-of day; nullopt when no check is recorded (the report stays as it was).
std::optional<reports::ControlFollowUp> followUpFor(store::Store& store, const model::JournalIndex& index);

}  // namespace ejournal::app

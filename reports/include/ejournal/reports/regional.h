// The regional comparison report (issue 16): one row per school of an installation holding several schools —
// the share of lessons with topics entered on the lesson day, marks per lesson, late marks for written works,
// program completion, open findings by rule, the last recorded check and the last seal — and the region's
// totals, written as JSON, CSV or a readable Russian text table (render prints it as a landscape PDF).
//
// Each row is derived from what the school reports already compute (the control report over the rules'
// check, the program report) plus plain values app reads from the store (open tracked findings, the latest
// recorded check, the latest sealed archive): reports/ never talks to the database. Totals are weighted: sums
// of the counts and ratios of the sums, never averages of the schools' percentages. A figure with nothing to
// divide by (a school without lessons, without written works, without hours due) is absent (null in JSON,
// empty in CSV, «—» in text), not 0.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "ejournal/model/date.h"
#include "ejournal/model/finding.h"
#include "ejournal/model/index.h"
#include "ejournal/reports/reports.h"
#include "ejournal/rules/rules.h"

namespace ejournal::reports {

// The latest sealed archive of a school (from the archive index).
struct RegionalSeal {
  std::string periodId;     // "2025-Q1"
  std::string periodTitle;  // Russian, as sealed: "1 четверть 2025/2026"
  model::DateTime sealedAt;
  std::string fileName;  // "000003_2025-Q1_v1.tar"
  int version = 1;       // > 1: a corrected version
};

// What app reads from the store for one school besides its journal.
struct RegionalSchoolInput {
  // The school's findings as tracked over its recorded checks (store::CheckHistory::findings); those not
  // corrected are the open ones. Their period is not filtered: what is open stays open whatever the period.
  std::vector<model::TrackedFinding> tracked;
  std::optional<model::Date> lastCheck;  // the date of the latest recorded check; none when never checked
  std::optional<RegionalSeal> lastSeal;  // none when nothing of the school was ever sealed
};

struct RegionalRow {
  std::string schoolId;         // empty on the total row
  std::string schoolShortName;  // "Итого" on the total row
  std::string schoolName;       // full name
  // Lessons of the scope and their topics (the control report).
  int lessonsHeld = 0;
  int topicsOnTime = 0;  // topic entered on the lesson day (within topic.same_day's grace days)
  std::optional<double> topicsOnTimePercent;  // topicsOnTime / lessonsHeld * 100, one decimal
  int marks = 0;
  std::optional<double> marksPerLesson;  // marks / lessonsHeld, two decimals
  // Marks for written works with a checking deadline (marks.deadline's work types) and of them the ones
  // posted later than the 3/7-day rule allows.
  int workMarks = 0;
  int lateWorkMarks = 0;
  std::optional<double> lateWorkMarksPer100;  // lateWorkMarks / workMarks * 100, one decimal
  // Program completion to the as-of day (the program report).
  int plannedToDate = 0;
  int delivered = 0;
  std::optional<double> programPercent;  // delivered / plannedToDate * 100, one decimal
  int programLines = 0;                  // class x subject (x subgroup) lines of the curriculum
  int linesBehind = 0;                   // of them behind the plan to date
  // Open findings of the recorded checks.
  std::vector<RuleCount> openByRule;  // catalogue order, only rules with open findings
  // Their number; none for a school never checked (nothing is recorded as open: not "no findings"), and on
  // the total row when no school was.
  std::optional<int> openFindings;
  std::optional<model::Date> lastCheck;  // none on the total row
  std::optional<RegionalSeal> lastSeal;  // none on the total row
};

struct RegionalReport {
  // title «Сравнительный отчёт по школам»; schoolName and schoolShortName: the region's (installation's)
  // title; periodId/periodLabel/dates/asOf: the period asked for (as the first school's journal names it);
  // scopeLabel: "школ: 3"; deputyDirector and director empty.
  ReportHeader header;
  std::vector<RegionalRow> rows;  // by short name (Russian order), then id
  RegionalRow total;              // weighted over all rows
  int schoolsChecked = 0;         // rows with a recorded check
  int schoolsSealed = 0;          // rows with a sealed archive
};

// One school's row over `scope` from its journal, the rules' check over the same scope (`result`) with
// `config`, and the store's values in `input`. Builds the school's control and program reports.
RegionalRow buildRegionalRow(const model::JournalIndex& index, const rules::Scope& scope,
                             const rules::CheckResult& result, const rules::Config& config,
                             const RegionalSchoolInput& input, model::DateTime createdAt);

// The report of `rows`: every row's derived figures recomputed from its counts (so rows may be made by hand),
// rows sorted, totals and the header's scope label filled in. `header` supplies the rest of the header.
RegionalReport buildRegionalReport(ReportHeader header, std::vector<RegionalRow> rows);

// JSON: {"report": "region", "header": {...}, "rows": [...], "total": {...}, "schools": N, ...}; CSV: a
// header line, one line per school and the total line (RFC 4180; the open findings by rule in one cell
// «title: N;
// ...»); text: the table, the open findings by rule per school, and the legend of the columns.
void write(const RegionalReport& r, Format f, std::ostream& out);

// The legend of the columns (Russian), as the text and the PDF print it: what each figure is and how the
// total is formed.
std::vector<std::string> regionalLegend();

}  // namespace ejournal::reports

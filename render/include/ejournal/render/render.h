// PDF printouts of the school journal: the class journal, the summary sheet (сводная ведомость), the student
// extract (выписка) and the deputy director's reports, laid out by data (templates/*.xml, schemas/layout.xsd)
// and drawn with libharu, which stays private to this stage (no HPDF type crosses this header).
//
// Every function returns the finished PDF as bytes; the caller writes it (model::writeFileAtomic), archives
// it or sends it over HTTP. Output is deterministic: the same data, layouts, options and clock give identical
// bytes (fixed creation date from the injected clock, a trailer /ID derived from a hash of the content). The
// output is plain PDF 1.x with embedded subset TrueType fonts; it is NOT PDF/A and never claims to be.
//
// Thread safety: rendering functions are reentrant; any number of threads may render at once (each call
// builds its own libharu document). A JournalIndex and a Layouts value may be shared between them read-only.
// Errors: bad arguments (unknown class, student or period) throw ejournal::Error(NotFound/Input) with Russian
// messages; a broken layout throws Error(Input) with file:line:column; libharu failures throw Error(Internal)
// naming the operation and libharu's error code.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ejournal/model/clock.h"
#include "ejournal/model/finding.h"
#include "ejournal/model/index.h"

namespace ejournal::reports {
struct ControlReport;
struct ProgramReport;
struct ResultsReport;
struct RegionalReport;
}  // namespace ejournal::reports

namespace ejournal::render {

// How the printout will be printed. Single: one page per sheet, every page numbered. Duplex: two pages per
// sheet, the number on the front of each sheet, spreads start on the back of a sheet so they face each other
// when bound.
enum class Sides { Single, Duplex };

// The validated layouts (one templates/<document>.xml per document kind). Opaque; immutable once loaded.
class Layouts;

// Loads and validates every layout from `dir` (empty: the bundled templates/ found through model::dataFile)
// against schemas/layout.xsd. Throws Error(Input) "file:line:column: what" for an invalid layout,
// Error(NotFound) for a missing file or font.
std::shared_ptr<const Layouts> loadLayouts(const std::filesystem::path& dir = {});

struct RenderOptions {
  std::shared_ptr<const Layouts> layouts;  // null: the bundled layouts, loaded once per process
  std::shared_ptr<model::Clock> clock;     // creation date in the document info; null: model::systemClock()
  Sides sides = Sides::Single;
  // The follow-up of recorded checks for the class journal's remarks (docs/followup.md): by
  // model::findingKey, what is said after the remark, e.g. «не устранено с 15.09.2025»,
  // «устранено 15.10.2025». Empty: remarks as before.
  std::map<std::string, std::string> remarkStatus;
};

// A finished PDF document.
struct Pdf {
  std::string bytes;
  int pages = 0;
  int sheets = 0;     // pages for Single, pages / 2 rounded up for Duplex
  std::string title;  // the document info title (Russian)
};

// The class journal of one class for one period ("2025-Q1", "2025-H2") or the year ("2025-year"): title page,
// contents, per subject (and subgroup) the spreads of marks and lesson records, the summary sheet, missed
// lessons, the deputy's remarks (`remarks`: the findings for this class, printed in the given order) and the
// certification sheet with the true sheet count in figures and words. `index` must cover the class's lessons
// in the period. Throws Error(NotFound) for an unknown class or period.
Pdf renderClassJournal(const model::JournalIndex& index, std::string_view classId, std::string_view periodId,
                       const std::vector<model::Finding>& remarks, const RenderOptions& options = {});

// The summary sheet (сводная ведомость учёта успеваемости) of one class for the whole year as its own
// document: students x subjects with the period, year, exam and final marks.
Pdf renderSummarySheet(const model::JournalIndex& index, std::string_view classId,
                       const RenderOptions& options = {});

// The extract (выписка) of one student's marks for a period or the year, with the school's header and
// signature lines.
Pdf renderStudentExtract(const model::JournalIndex& index, std::string_view studentId,
                         std::string_view periodId, const RenderOptions& options = {});

// The deputy director's reports (reports/include/ejournal/reports/reports.h) as PDFs, A4. The creation date
// is the report's header.createdAt (not the clock), so a report renders to the same bytes whenever it is
// printed. Control report (справка): school header, period and date, summary, per teacher x class x subject
// figures, counts per rule, every finding, the deputy's signature line.
Pdf renderControlReport(const reports::ControlReport& report, const RenderOptions& options = {});
// Program completion: a bar chart of planned (to date) vs delivered hours per subject, then the table per
// class and subject with shortfall and percent.
Pdf renderProgramReport(const reports::ProgramReport& report, const RenderOptions& options = {});
// Academic results: a stacked bar chart of the distribution of students by results per class (excellent,
// good, one 3, with 3s, failing, not graded), then the table with % success, % quality, average mark and
// missed lessons.
Pdf renderResultsReport(const reports::ResultsReport& report, const RenderOptions& options = {});

// The regional comparison report (reports/include/ejournal/reports/regional.h), landscape A4: the region's
// title, period and summary, the table of schools with the totals row (its header repeated on every page),
// the open findings by rule per school and for the region, and the legend of the columns; every page numbered
// «Стр. N из M». Deterministic like the other reports (the creation date is header.createdAt).
Pdf renderRegionalReport(const reports::RegionalReport& report, const RenderOptions& options = {});

// Russian words for 0..999 in the masculine (as «лист» needs): 47 -> "сорок семь", 21 -> "двадцать один".
// Throws Error(Input) outside 0..999.
std::string numberToWords(int n);
// The form of «лист» agreeing with n: 1, 21 -> "лист"; 2-4, 32 -> "листа"; 0, 5-20, 11-14, 47 -> "листов".
std::string_view sheetWord(int n);
// "47 (сорок семь) листов", as the certification sheet writes the count.
std::string sheetCountPhrase(int n);

}  // namespace ejournal::render

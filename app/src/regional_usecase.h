// The regional comparison report (issue 16) over every school of a store, shared by `ejournal report region`
// and the service's /api/v1/region/report and its web page: for each school, its journal, the rules' check
// with the school defaults, its control and program reports, its open tracked findings, its latest recorded
// check and latest sealed archive, gathered into reports::RegionalReport.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ejournal/model/clock.h"
#include "ejournal/reports/regional.h"
#include "ejournal/rules/rules.h"
#include "ejournal/store/store.h"

namespace ejournal::app {

struct RegionalOptions {
  // A named period ("2025-Q1", "2025-H1", "2025-year"), or a date range from/to (ISO dates), resolved in each
  // school's own journal (its quarters' dates).
  std::string period;
  std::string from;
  std::string to;
  std::vector<std::string> schools;  // school ids; empty: every school of the store, in id order
  std::string title;  // the region's (installation's) title; empty: «Все школы хранилища»
  // Archive directories whose index (store::ArchiveIndex) names the seals; a school's latest seal is its
  // archive with the highest sequence in any of them. Empty: no seal is looked up (every school «нет»).
  std::vector<std::string> archiveDirectories;
  // The rules run for every school; empty: rules::Config::schoolDefaults().
  std::optional<rules::Config> config;
};

// Builds the report over the store's schools. Each journal is loaded whole (LoadFilter{schoolId}), checked
// and released before the next, so memory holds one school at a time. Today (the as-of day, the creation
// time) comes from `clock`. Throws Error(NotFound) for a school id the store does not hold (naming the stored
// ones) and for a store without schools, Error(Input) naming the school for a period its journal does not
// have, and the store's errors.
reports::RegionalReport buildRegionalReport(store::Store& store, const RegionalOptions& options,
                                            const model::Clock& clock);

}  // namespace ejournal::app

// The regional comparison report over a store's schools (regional_usecase.h).
#include "regional_usecase.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "ejournal/model/error.h"
#include "ejournal/model/index.h"
#include "ejournal/store/archive_index.h"
#include "ejournal/store/checks.h"

namespace ejournal::app {

namespace {

// The latest seal of every school found in the archive directories' index: the highest sequence wins.
std::map<std::string, reports::RegionalSeal> latestSeals(store::Store& store,
                                                         const std::vector<std::string>& directories) {
  std::map<std::string, std::pair<int, reports::RegionalSeal>> best;
  if (directories.empty()) return {};
  auto index = store::openArchiveIndex(store);
  for (const auto& dir : directories) {
    const std::string key = std::filesystem::absolute(dir).lexically_normal().string();
    for (const auto& a : index->archives(key)) {
      auto it = best.find(a.schoolId);
      if (it != best.end() && it->second.first >= a.sequence) continue;
      reports::RegionalSeal s;
      s.periodId = a.periodId;
      s.periodTitle = a.periodTitle;
      if (auto at = model::DateTime::parse(a.createdAt)) s.sealedAt = *at;
      s.fileName = a.fileName;
      s.version = a.version;
      best[a.schoolId] = {a.sequence, s};
    }
  }
  std::map<std::string, reports::RegionalSeal> out;
  for (auto& [school, v] : best) out.emplace(school, std::move(v.second));
  return out;
}

}  // namespace

reports::RegionalReport buildRegionalReport(store::Store& store, const RegionalOptions& options,
                                            const model::Clock& clock) {
  const rules::Config config = options.config ? *options.config : rules::Config::schoolDefaults();
  const std::vector<std::string> stored = store.schools();
  std::vector<std::string> ids;
  for (const auto& id : options.schools.empty() ? stored : options.schools)
    if (std::find(ids.begin(), ids.end(), id) == ids.end())
      ids.push_back(id);  // a school named twice: one row
  for (const auto& id : ids)
    if (std::find(stored.begin(), stored.end(), id) == stored.end()) {
      std::string list;
      for (const auto& s : stored) list += (list.empty() ? "" : ", ") + s;
      throw Error(ErrorKind::NotFound, "школа " + id,
                  "такой школы нет в хранилище; есть: " + (list.empty() ? std::string("ни одной") : list));
    }
  if (ids.empty())
    throw Error(
        ErrorKind::NotFound, "хранилище",
        "в хранилище нет ни одной школы: сначала загрузите журнал (ejournal ingest или ejournal pull)");
  const auto seals = latestSeals(store, options.archiveDirectories);
  auto history = store::openCheckHistory(store);
  const model::DateTime now = clock.now();

  reports::ReportHeader header;
  header.schoolName = options.title.empty() ? "Все школы хранилища" : options.title;
  header.schoolShortName = header.schoolName;
  header.createdAt = now;
  std::vector<reports::RegionalRow> rows;
  for (const auto& id : ids) {
    store::LoadFilter filter;
    filter.schoolId = id;
    const model::Journal journal = store.load(filter);
    const model::JournalIndex index(journal);
    rules::Scope scope;
    try {
      scope = rules::resolveScope(index, options.period, options.from, options.to, "", "", "", clock);
    } catch (const Error& e) {
      std::string where = "школа «" + journal.school.shortName + "» (" + id + ")";
      if (!e.where().empty()) where += ", " + e.where();
      throw Error(e.kind(), where, e.message());
    }
    if (rows.empty()) {
      header.academicYear = journal.year.label();
      header.periodId = scope.periodId;
      header.periodLabel = scope.periodLabel;
      header.dates = scope.dates;
      header.asOf = scope.asOf;
    }
    reports::RegionalSchoolInput in;
    in.tracked = history->findings(id);
    const auto checks = history->checks(id);
    if (!checks.empty()) in.lastCheck = checks.front().checkDate;
    if (auto it = seals.find(id); it != seals.end()) in.lastSeal = it->second;
    rows.push_back(
        reports::buildRegionalRow(index, scope, rules::run(index, scope, config), config, in, now));
  }
  return reports::buildRegionalReport(std::move(header), std::move(rows));
}

}  // namespace ejournal::app

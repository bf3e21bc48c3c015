// The regional comparison report in the service (issue 16, docs/region.md "Service and web pages"):
// GET /api/v1/region/report for the regional inspector, built by app::buildRegionalReport over every stored
// school (or those of ?schools=) with each school's archive directory, answered as JSON, CSV, text or PDF. A
// build loads and checks every school's whole journal (about 0.4 s per 11-class school), so the built report
// is kept per set of parameters until the store changes: an ingest or pull (store::Store::version()), a
// recorded check or a new seal of one of its schools, or a new day.
#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/model/text.h"
#include "ejournal/render/render.h"
#include "ejournal/reports/regional.h"
#include "ejournal/store/archive_index.h"
#include "ejournal/store/checks.h"
#include "regional_usecase.h"
#include "service/core.h"

namespace ejournal::app::service {

using Poco::Net::HTTPResponse;

namespace {

// Built reports by their parameters. Thread-safe; one build at a time per key (a second request for the same
// key waits for the first build and takes its report), builds of different keys run side by side. At most
// kMaxEntries keys are kept, the least recently used dropped first.
class RegionalReportCache {
 public:
  using Build = std::function<reports::RegionalReport()>;

  // The report of `key`, built by `build` unless the one kept was built at the same `fingerprint` (the state
  // of the store it was built from). `built` tells whether this call built it. Exceptions of `build`
  // propagate and nothing is kept.
  std::shared_ptr<const reports::RegionalReport> get(const std::string& key, const std::string& fingerprint,
                                                     const Build& build, bool* built) {
    std::shared_ptr<Entry> entry;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto& e = entries_[key];
      if (!e) e = std::make_shared<Entry>();
      entry = e;
      entry->lastUsed = ++tick_;
      if (entry->report && entry->fingerprint == fingerprint) {
        *built = false;
        return entry->report;
      }
      trim();
    }
    std::lock_guard<std::mutex> building(entry->buildMutex);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (entry->report && entry->fingerprint == fingerprint) {  // built meanwhile by another request
        *built = false;
        return entry->report;
      }
    }
    auto report = std::make_shared<const reports::RegionalReport>(build());
    std::lock_guard<std::mutex> lock(mutex_);
    entry->report = report;
    entry->fingerprint = fingerprint;
    *built = true;
    return report;
  }

 private:
  static constexpr size_t kMaxEntries = 32;
  struct Entry {
    std::mutex buildMutex;                                  // one build of this key at a time
    std::shared_ptr<const reports::RegionalReport> report;  // guarded by the cache's mutex_
    std::string fingerprint;
    uint64_t lastUsed = 0;
  };

  void trim() {  // mutex_ held
    while (entries_.size() > kMaxEntries) {
      auto oldest = std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
        return a.second->lastUsed < b.second->lastUsed;
      });
      entries_.erase(oldest);  // a build still running on it keeps its Entry alive through its shared_ptr
    }
  }

  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
  uint64_t tick_ = 0;
};

// The archive directory's key in the archive index, as app::buildRegionalReport looks it up.
std::string indexKey(const std::filesystem::path& dir) {
  return std::filesystem::absolute(dir).lexically_normal().string();
}

// What the report depends on besides its parameters: the store's version (ingests and pulls), today (the
// as-of day of a named period), and per school its latest recorded check and its archive chain's head.
std::string fingerprintOf(ServiceCore& core, const std::vector<std::string>& schools,
                          const std::vector<std::string>& directories) {
  std::string f = core.store->version() + "|" + core.clock->now().date.toString();
  auto history = store::openCheckHistory(*core.store);
  for (const auto& id : schools) {
    const auto checks = history->checks(id);
    f += "|" + id + ":" + std::to_string(checks.size()) + ":" +
         (checks.empty() ? std::string() : std::to_string(checks.front().id));
  }
  auto index = store::openArchiveIndex(*core.store);
  for (const auto& dir : directories) f += "|" + index->head(indexKey(dir)).value_or("-");
  return f;
}

std::string fileStem(const reports::RegionalReport& r) {
  const auto& h = r.header;
  return "region-" +
         (h.periodId.empty() ? h.dates.from.toString() + "_" + h.dates.to.toString() : h.periodId);
}

}  // namespace

void addRegionRoutes(ServiceCore& core) {
  auto cache = std::make_shared<RegionalReportCache>();
  core.add(
      "GET", "/api/v1/region/report", {Role::RegionalInspector},
      "The regional comparison report over the stored schools: ?period= or ?from=&to=, ?schools=a,b, "
      "?format=json|csv|text|pdf (?sep=;|, for CSV)",
      [cache](Call& c) {
        const std::string period = c.q("period"), from = c.q("from"), to = c.q("to");
        if (!period.empty() && (!from.empty() || !to.empty()))
          throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_parameter",
                         "укажите либо период (?period=), либо даты (?from=&to=), но не вместе", "period");
        if (period.empty() && (from.empty() || to.empty()))
          throw ApiError(
              HTTPResponse::HTTP_BAD_REQUEST, "missing_parameter",
              "укажите период: ?period=2025-Q1 (2025-H1, 2025-year) или ?from=ГГГГ-ММ-ДД&to=ГГГГ-ММ-ДД",
              !from.empty() ? "to"
              : !to.empty() ? "from"
                            : "period");
        const std::string fmt = c.q("format", "json");
        if (fmt != "json" && fmt != "csv" && fmt != "text" && fmt != "pdf")
          throw ApiError(
              HTTPResponse::HTTP_BAD_REQUEST, "bad_parameter",
              "неизвестный формат «" + fmt +
                  "» для сравнительного отчёта по школам: доступные форматы — json, csv, text, pdf",
              "format");
        const std::string sep = c.q("sep", ";");
        if (fmt == "csv" && sep != ";" && sep != ",")
          throw ApiError(HTTPResponse::HTTP_BAD_REQUEST, "bad_parameter",
                         "неизвестный разделитель CSV «" + sep + "»: допустимо ; (по умолчанию) или ,",
                         "sep");

        const std::vector<std::string> stored = c.core.store->schools();
        if (stored.empty())
          throw ApiError(HTTPResponse::HTTP_NOT_FOUND, "no_journal",
                         "в хранилище нет ни одной школы: сначала загрузите журнал (POST /api/v1/ingest) или "
                         "выполните выгрузку");
        RegionalOptions options;
        options.period = period;
        options.from = from;
        options.to = to;
        for (const auto& id : splitList(c.q("schools"))) {
          if (std::find(stored.begin(), stored.end(), id) == stored.end()) {
            std::string list;
            for (const auto& s : stored) list += (list.empty() ? "" : ", ") + s;
            throw ApiError(HTTPResponse::HTTP_NOT_FOUND, "no_such_school",
                           "школы «" + id + "» нет в хранилище; есть: " + list, "schools");
          }
          if (std::find(options.schools.begin(), options.schools.end(), id) == options.schools.end())
            options.schools.push_back(id);
        }
        std::sort(options.schools.begin(), options.schools.end());  // the same set is the same report
        const std::vector<std::string>& schools = options.schools.empty() ? stored : options.schools;
        std::vector<std::string> directories;
        for (const auto& id : schools) {
          const std::string dir = archiveDirOf(c.core, id).string();
          if (std::find(directories.begin(), directories.end(), dir) == directories.end())
            directories.push_back(dir);
        }
        options.archiveDirectories = directories;
        options.config = rulesConfig();

        std::string key = period + "|" + from + "|" + to + "|";
        for (const auto& id : options.schools) key += id + ",";
        bool built = false;
        const auto report = cache->get(
            key, fingerprintOf(c.core, schools, directories),
            [&] {
              try {
                return buildRegionalReport(*c.core.store, options, *c.core.clock);
              } catch (const Error& e) {
                // The use case names the school whose journal lacks the period in `where`: say it.
                ApiError api = toApiError(e);
                if (e.where().rfind("школа", 0) == 0)
                  throw ApiError(api.status(), api.code(), e.where() + ": " + e.message(),
                                 period.empty() ? "from" : "period");
                throw api;
              }
            },
            &built);
        c.res.set("X-Ejournal-Cache", built ? "miss" : "hit");
        if (fmt == "pdf") {
          render::RenderOptions opt;
          opt.clock = c.core.clock;
          const render::Pdf pdf = render::renderRegionalReport(*report, opt);
          const std::string name = fileStem(*report) + ".pdf";
          c.audit("download", name, "ok",
                  "сравнительный отчёт по школам: " + std::to_string(report->rows.size()) +
                      " школ, страниц " + std::to_string(pdf.pages));
          sendBytes(c.res, pdf.bytes, "application/pdf", name);
          return;
        }
        std::ostringstream out;
        reports::write(*report, *reports::formatFromString(fmt), out);
        if (fmt == "csv") {
          sendBytes(c.res,
                    model::csvInForm(out.str(), sep == "," ? model::CsvForm::rfc4180() : model::CsvForm{}),
                    "text/csv; charset=utf-8", fileStem(*report) + ".csv");
        } else {
          sendBytes(c.res, out.str(),
                    fmt == "json" ? "application/json; charset=utf-8" : "text/plain; charset=utf-8");
        }
      });
}

}  // namespace ejournal::app::service

// archive_bench: what sealing costs. Generates the sample school (--classes N, default 44: the large sample),
// ingests it into a fresh SQLite store, then measures for one period (--period, default the year):
//   render   — rendering every document of the archive (class journals, summary sheets, control report) and
//   the
//              canonical XML export, in memory;
//   archive  — archive::seal of those bytes alone: SHA-256, tar packaging, CMS signature, fsync, rename;
//   seal     — the whole `ejournal seal` use case end to end (load, rules, render, export, archive, index);
// and SHA-256 throughput of our hashing against `openssl speed -seconds 1 sha256` run in the same process
// tree. The aim (issue 5): archive <= 20% of render.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>

#include "archive_usecases.h"
#include "ejournal/archive/archive.h"
#include "ejournal/ingest/ingest.h"
#include "ejournal/model/index.h"
#include "ejournal/render/render.h"
#include "ejournal/reports/reports.h"
#include "ejournal/rules/rules.h"
#include "ejournal/samples/generator.h"
#include "ejournal/store/store.h"

using namespace ejournal;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string capture(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

// The 16384-byte-block figure of `openssl speed sha256` in MB/s (it prints kB/s with 1000-byte k).
double opensslSha256() {
  std::string out = capture("openssl speed -seconds 1 sha256");
  auto pos = out.rfind("sha256");
  if (pos == std::string::npos) return 0;
  std::istringstream line(out.substr(pos + 6));
  double last = 0, v = 0;
  std::string tok;
  while (line >> tok) {
    if (tok.back() == 'k') tok.pop_back();
    try {
      v = std::stod(tok);
      last = v;
    } catch (...) {
      break;
    }
  }
  return last / 1000.0;
}

}  // namespace

int main(int argc, char** argv) {
  int classes = 44;
  std::string periodId;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--classes" && i + 1 < argc) {
      classes = std::atoi(argv[++i]);
    } else if (a == "--period" && i + 1 < argc) {
      periodId = argv[++i];
    } else {
      std::cout << "usage: archive_bench [--classes N (default 44)] [--period 2025-year]\n";
      return a == "--help" ? 0 : 2;
    }
  }
  char tmpl[] = "/tmp/ejournal-archive-bench-XXXXXX";
  const fs::path dir = mkdtemp(tmpl);
  const std::string k = (dir / "key.pem").string(), c = (dir / "cert.pem").string();
  if (std::system(("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 "
                   "-subj /CN=bench -keyout " +
                   k + " -out " + c + " 2>/dev/null")
                      .c_str()) != 0) {
    std::cerr << "openssl req failed\n";
    return 2;
  }
  auto clock = std::make_shared<model::FixedClock>(*model::DateTime::parse("2026-06-01T10:00:00"));

  auto t = Clock::now();
  samples::SampleOptions so;
  so.classes = classes;
  const samples::Sample sample = samples::generate(so);
  if (periodId.empty()) periodId = std::to_string(sample.journal.year.startYear) + "-year";
  auto st = store::Store::open((dir / "bench.db").string(), clock);
  {
    auto tx = st->beginIngest(model::Provenance{"bench", "bench", clock->now()});
    tx->upsert(sample.journal);
    tx->commit();
  }
  std::printf("sample: %d classes, %zu lessons, %zu marks; generated and stored in %.1f s\n", classes,
              sample.journal.lessons.size(), sample.journal.marks.size(), since(t));

  // 1. Rendering alone (what the seal renders), in memory.
  store::LoadFilter probe;
  probe.dates = model::DateRange{model::Date::fromYmd(1900, 1, 1), model::Date::fromYmd(1900, 1, 1)};
  model::Journal ref = st->load(probe);
  const model::Period* period = nullptr;
  for (const auto& p : ref.periods)
    if (p.id == periodId) period = &p;
  if (!period) {
    std::cerr << "no period " << periodId << "\n";
    return 2;
  }
  store::LoadFilter filter;
  filter.dates = period->dates;
  t = Clock::now();
  const model::Journal journal = st->load(filter);
  const double tLoad = since(t);
  const model::JournalIndex index(journal);
  t = Clock::now();
  const rules::Config config = rules::Config::schoolDefaults();
  const rules::Scope scope = rules::resolveScope(index, periodId, "", "", "", "", "", *clock);
  const auto findings = rules::check(index, scope, config);
  const double tRules = since(t);
  render::RenderOptions ropt;
  ropt.clock = clock;
  std::vector<archive::Document> docs;
  t = Clock::now();
  docs.push_back(
      {"export/journal.xml", "export", "export", "application/xml", {}, ingest::writeJournal(journal), {}});
  const double tExport = since(t);
  t = Clock::now();
  auto report = reports::buildControlReport(index, scope, findings, config, clock->now());
  docs.push_back({"reports/control.pdf",
                  "report",
                  "control",
                  "application/pdf",
                  {},
                  render::renderControlReport(report, ropt).bytes,
                  {}});
  for (const auto& cl : journal.classes) {
    if (period->kind != model::PeriodKind::Year && !period->appliesTo(cl.grade)) continue;
    std::vector<model::Finding> remarks;
    for (const auto& f : findings)
      if (f.classId == cl.id) remarks.push_back(f);
    docs.push_back({"journals/" + cl.id + ".pdf",
                    "journal",
                    cl.name(),
                    "application/pdf",
                    {},
                    render::renderClassJournal(index, cl.id, periodId, remarks, ropt).bytes,
                    {}});
    docs.push_back({"summary/" + cl.id + ".pdf",
                    "summary",
                    cl.name(),
                    "application/pdf",
                    {},
                    render::renderSummarySheet(index, cl.id, ropt).bytes,
                    {}});
  }
  const double tRender = since(t);
  uint64_t total = 0;
  for (const auto& d : docs) total += d.bytes.size();

  // 2. Archiving those bytes alone.
  archive::SealRequest req;
  req.schoolId = journal.school.id;
  req.schoolName = journal.school.shortName;
  req.periodId = periodId;
  req.periodTitle = periodId;
  req.periodDates = period->dates;
  req.createdBy = "bench";
  req.tool = "archive_bench";
  req.documents = std::move(docs);
  req.signer = {k, c, "", {}, archive::KeyEngine::Default};
  archive::Archive only(dir / "only", archive::posixFileSystem(), clock);
  t = Clock::now();
  auto info = only.seal(req);
  const double tArchive = since(t);
  t = Clock::now();
  auto vr = only.verify(info.fileName, archive::VerifyOptions{{c}, {}, {}});
  const double tVerify = since(t);

  // 3. The whole seal use case.
  app::SealOptions so2;
  so2.periodId = periodId;
  so2.archiveDir = dir / "full";
  so2.signer = req.signer;
  so2.createdBy = "bench";
  t = Clock::now();
  auto full = app::sealPeriod(*st, so2, clock);
  const double tSeal = since(t);

  // 4. Hashing throughput.
  std::string buf(256u << 20, '\x5a');
  t = Clock::now();
  std::string h = archive::sha256Hex(buf);
  const double tHash = since(t);
  const double ours = static_cast<double>(buf.size()) / 1e6 / tHash;
  const double theirs = opensslSha256();

  std::printf("period %s: %zu documents, %.1f MB\n", periodId.c_str(), info.documents.size(), total / 1e6);
  std::printf("%-44s %8.2f s\n", "load from store", tLoad);
  std::printf("%-44s %8.2f s\n", "rules check", tRules);
  std::printf("%-44s %8.2f s\n", "canonical XML export", tExport);
  std::printf("%-44s %8.2f s\n", "render (journals, summaries, control report)", tRender);
  std::printf("%-44s %8.2f s   (%.1f%% of render+export; aim <= 20%%)\n",
              "archive only (hash, tar, sign, fsync)", tArchive, 100.0 * tArchive / (tRender + tExport));
  std::printf("%-44s %8.2f s   (%s)\n", "verify (hash all, signature)", tVerify, vr.ok() ? "ok" : "FAILED");
  std::printf("%-44s %8.2f s   -> %s\n", "seal end to end (ejournal seal)", tSeal, full.fileName.c_str());
  std::printf("%-44s %8.0f MB/s\n", "SHA-256, ours (EVP, 256 MiB buffer)", ours);
  std::printf("%-44s %8.0f MB/s   (ours = %.0f%%)\n", "SHA-256, openssl speed -seconds 1 (16 KiB)", theirs,
              theirs > 0 ? 100.0 * ours / theirs : 0.0);
  fs::remove_all(dir);
  return h.empty() ? 2 : 0;
}

// Store throughput: upsert rate of a whole generated school year into a fresh store (records/s, marks/s, and
// the equivalent MB/s of its canonical XML), the re-ingest of the same data (everything unchanged), a
// re-ingest with 1% of marks changed (updates + history), load() of the full year, and stats().
//
// Usage: store_bench [--classes 11|44] [--db CONN] [--batch LESSONS]
//   --db defaults to a fresh SQLite file in the temp directory; give "postgresql:host=... dbname=..." (an
//   empty database) to measure PostgreSQL. The data arrives in parts as the ingest stage sends them:
//   reference data first, then batches of lessons with their marks, attendance and period marks.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <unordered_map>

#include "ejournal/ingest/ingest.h"
#include "ejournal/samples/generator.h"
#include "ejournal/store/store.h"

namespace fs = std::filesystem;
using namespace ejournal;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Reference data, then parts of `batch` lessons with everything that refers to them.
std::vector<model::Journal> parts(const model::Journal& j, size_t batch) {
  std::vector<model::Journal> out;
  model::Journal ref = j;
  ref.lessons.clear();
  ref.marks.clear();
  ref.attendance.clear();
  ref.periodMarks.clear();
  out.push_back(std::move(ref));
  std::unordered_map<std::string, size_t> partOf;
  for (size_t i = 0; i < j.lessons.size(); ++i) {
    if (i % batch == 0) {
      out.emplace_back();
      out.back().school.id = j.school.id;
    }
    out.back().lessons.push_back(j.lessons[i]);
    partOf[j.lessons[i].id] = out.size() - 1;
  }
  for (const auto& m : j.marks) out[partOf.at(m.lessonId)].marks.push_back(m);
  for (const auto& a : j.attendance) out[partOf.at(a.lessonId)].attendance.push_back(a);
  out.back().periodMarks = j.periodMarks;
  return out;
}

store::IngestSummary ingestAll(store::Store& s, const std::vector<model::Journal>& ps,
                               const std::string& run) {
  auto tx = s.beginIngest({"bench", run, *model::DateTime::parse("2026-06-01T12:00:00")});
  for (const auto& p : ps) tx->upsert(p);
  return tx->commit();
}

}  // namespace

int main(int argc, char** argv) {
  int classes = 44;
  size_t batch = 2000;
  std::string db;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--classes" && i + 1 < argc)
      classes = std::stoi(argv[++i]);
    else if (a == "--db" && i + 1 < argc)
      db = argv[++i];
    else if (a == "--batch" && i + 1 < argc)
      batch = std::stoul(argv[++i]);
    else {
      std::cerr << "usage: store_bench [--classes 11|44] [--db CONN] [--batch LESSONS]\n";
      return 2;
    }
  }
  fs::path tmp = fs::temp_directory_path() / ("ejournal-store-bench-" + std::to_string(::getpid()));
  if (db.empty()) {
    fs::create_directories(tmp);
    db = (tmp / "bench.db").string();
  }

  auto t0 = Clock::now();
  samples::SampleOptions opt;
  opt.classes = classes;
  const model::Journal j = samples::generate(opt).journal;
  const double xmlMb = static_cast<double>(ingest::writeJournal(j).size()) / 1e6;
  size_t records = 1 + j.periods.size() + j.holidays.size() + j.staff.size() + j.subjects.size() +
                   j.classes.size() + j.students.size() + j.subgroups.size() + j.curriculum.size() +
                   j.plan.size() + j.timetable.size() + j.lessons.size() + j.marks.size() +
                   j.attendance.size() + j.periodMarks.size();
  std::printf(
      "sample: %d classes, %zu lessons, %zu marks, %zu attendance, %zu period marks, %zu records; "
      "XML %.1f MB (generated in %.2f s)\n",
      classes, j.lessons.size(), j.marks.size(), j.attendance.size(), j.periodMarks.size(), records, xmlMb,
      seconds(t0));
  const auto ps = parts(j, batch);

  auto store = store::Store::open(db);
  std::printf("store: %s\n",
              store->backend() == store::Backend::SQLite ? ("sqlite:" + db).c_str() : "postgresql");

  t0 = Clock::now();
  auto first = ingestAll(*store, ps, "bench-1");
  double t = seconds(t0);
  std::printf(
      "first ingest:   %7.2f s  %9.0f records/s  %9.0f marks/s  = %6.1f MB/s of XML  (inserted %zu)\n", t,
      records / t, j.marks.size() / t, xmlMb / t, first.inserted);

  t0 = Clock::now();
  auto again = ingestAll(*store, ps, "bench-2");
  t = seconds(t0);
  std::printf(
      "same again:     %7.2f s  %9.0f records/s                    = %6.1f MB/s of XML  (unchanged %zu, "
      "updated %zu)\n",
      t, records / t, xmlMb / t, again.unchanged, again.updated);

  model::Journal changed = j;
  for (size_t i = 0; i < changed.marks.size(); i += 100) {
    auto& m = changed.marks[i];
    if (m.value.kind == model::MarkKind::Points)
      m.value.points = m.value.points == 5 ? 4 : m.value.points + 1;
  }
  const auto cps = parts(changed, batch);
  t0 = Clock::now();
  auto upd = ingestAll(*store, cps, "bench-3");
  t = seconds(t0);
  std::printf("1%% marks changed: %5.2f s  (updated %zu, history entries %zu)\n", t, upd.updated,
              upd.markChanges);

  t0 = Clock::now();
  model::Journal loaded = store->load({});
  std::printf("load full year: %7.3f s  (%zu lessons, %zu marks)\n", seconds(t0), loaded.lessons.size(),
              loaded.marks.size());
  t0 = Clock::now();
  store::LoadFilter one;
  one.classId = j.classes.front().id;
  model::Journal cls = store->load(one);
  std::printf("load one class: %7.3f s  (%zu lessons, %zu marks)\n", seconds(t0), cls.lessons.size(),
              cls.marks.size());
  t0 = Clock::now();
  auto st = store->stats({});
  std::printf("stats:          %7.3f s  (%zu rows)\n", seconds(t0), st.size());
  store.reset();
  std::error_code ec;
  fs::remove_all(tmp, ec);
  return 0;
}

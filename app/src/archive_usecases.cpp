// Sealing, verification, index and extract use cases of the archive (archive_usecases.h).
#include "archive_usecases.h"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <future>
#include <mutex>
#include <set>
#include <streambuf>
#include <thread>

#include "ejournal/ingest/ingest.h"
#include "ejournal/model/error.h"
#include "ejournal/model/index.h"
#include "ejournal/model/text.h"
#include "ejournal/reports/reports.h"
#include "ejournal/rules/rules.h"

namespace ejournal::app {

namespace fs = std::filesystem;

namespace {

// Member names allow [A-Za-z0-9._-]; ids from other sources are mapped into that set.
std::string safeName(const std::string& id) {
  std::string out;
  for (unsigned char c : id)
    out += (std::isalnum(c) && c < 0x80) || c == '-' || c == '_' || c == '.' ? static_cast<char>(c) : '_';
  return out.empty() ? "_" : out;
}

std::vector<std::string> sorted(std::set<std::string> s) { return {s.begin(), s.end()}; }

std::string className(const model::SchoolClass& c) { return c.name(); }

// Subjects, teachers and students of one class in the loaded period, for the archive's search tags.
archive::Tags classTags(const model::JournalIndex& index, const model::SchoolClass& c,
                        model::DateRange dates) {
  std::set<std::string> subjects, teachers, students;
  for (const auto& e : index.journal().curriculum)
    if (e.classId == c.id)
      if (const auto* s = index.subject(e.subjectId)) subjects.insert(s->name);
  for (const auto* l : index.lessonsOfClass(c.id)) {
    if (const auto* s = index.subject(l->subjectId)) subjects.insert(s->name);
    for (const auto& t : {l->teacherId, l->substituteTeacherId})
      if (const auto* st = index.staff(t)) teachers.insert(st->shortName());
  }
  for (const auto* s : index.studentsOfClass(c.id, dates)) students.insert(s->fullName());
  return {{"class", {className(c)}},
          {"subject", sorted(subjects)},
          {"teacher", sorted(teachers)},
          {"student", sorted(students)}};
}

const model::Period& findPeriod(const model::Journal& j, const std::string& id) {
  for (const auto& p : j.periods)
    if (p.id == id) return p;
  throw Error(ErrorKind::NotFound, "--period", "в журнале нет периода «" + id + "»");
}

// Renders documents ahead of the sealing thread on worker threads, in document order, so the archive is
// written (and hashed) while the next documents render. A worker starts the next document while it is within
// `window` of the one being written, or while the rendered documents waiting in memory hold less than
// `heldBytes`: the workers go on while the sealing thread streams the export (which takes as long as dozens
// of documents), and memory stays bounded. Each document is rendered once; its producer takes the bytes.
class RenderAhead {
 public:
  RenderAhead(size_t window, size_t heldBytes)
      : window_(std::max<size_t>(1, window)), heldLimit_(heldBytes) {}
  ~RenderAhead() { stop(); }
  RenderAhead(const RenderAhead&) = delete;
  RenderAhead& operator=(const RenderAhead&) = delete;

  // Registers a job; returns its slot.
  size_t add(std::function<std::string()> job) {
    jobs_.push_back({std::move(job), {}, false, nullptr});
    return jobs_.size() - 1;
  }
  void start(unsigned threads) {
    for (unsigned t = 0; t < threads; ++t) pool_.emplace_back([this] { work(); });
  }
  // The bytes of slot k (waits for them); the slot is then emptied and the window moves on.
  std::string take(size_t k) {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return jobs_[k].ready; });
    if (jobs_[k].error) std::rethrow_exception(jobs_[k].error);
    std::string out = std::move(jobs_[k].bytes);
    jobs_[k].bytes = std::string();
    held_ -= out.size();
    taken_ = std::max(taken_, k + 1);
    more_.notify_all();
    return out;
  }
  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    more_.notify_all();
    for (auto& t : pool_) t.join();
    pool_.clear();
  }

 private:
  struct Job {
    std::function<std::string()> run;
    std::string bytes;
    bool ready;
    std::exception_ptr error;
  };
  void work() {
    for (;;) {
      size_t k;
      {
        std::unique_lock lock(mutex_);
        more_.wait(lock, [&] {
          return stopping_ || (next_ < jobs_.size() && (next_ < taken_ + window_ || held_ < heldLimit_));
        });
        if (stopping_ || next_ >= jobs_.size()) return;
        k = next_++;
      }
      std::string bytes;
      std::exception_ptr error;
      try {
        bytes = jobs_[k].run();
      } catch (...) {
        error = std::current_exception();
      }
      std::lock_guard lock(mutex_);
      held_ += bytes.size();
      jobs_[k].bytes = std::move(bytes);
      jobs_[k].error = error;
      jobs_[k].ready = true;
      done_.notify_all();
    }
  }
  const size_t window_, heldLimit_;
  std::vector<Job> jobs_;  // fixed before start()
  std::vector<std::thread> pool_;
  std::mutex mutex_;
  std::condition_variable more_, done_;
  size_t next_ = 0, taken_ = 0, held_ = 0;  // held_: bytes of rendered documents not yet taken
  bool stopping_ = false;
};

void writeBytes(std::ostream& os, const std::string& bytes) {
  os.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

namespace {

// Forwards to a stream and counts the bytes (the seal's progress).
class CountingBuf : public std::streambuf {
 public:
  explicit CountingBuf(std::ostream& to) : to_(to) {}
  uint64_t count = 0;

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    to_.write(&ch, 1);
    ++count;
    return to_ ? c : traits_type::eof();
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    to_.write(s, n);
    count += static_cast<uint64_t>(n);
    return to_ ? n : 0;
  }
  int sync() override {
    to_.flush();
    return to_ ? 0 : -1;
  }

 private:
  std::ostream& to_;
};

}  // namespace

archive::ArchiveInfo sealPeriod(store::Store& st, const SealOptions& o, std::shared_ptr<model::Clock> clock) {
  if (!model::PeriodName::parse(o.periodId))
    throw Error(ErrorKind::Input, "--period",
                "ожидается период вида 2025-Q1, 2025-H1 или 2025-year, указано «" + o.periodId + "»");
  if (!o.signer.configured())
    throw Error(ErrorKind::Input, "seal",
                "не указан ключ электронной подписи: задайте --key и --cert (или EJOURNAL_SIGN_KEY и "
                "EJOURNAL_SIGN_CERT). Без подписи архив не создаётся");
  archive::Archive archives(o.archiveDir, archive::posixFileSystem(), clock);
  // Reference data first (no lessons), to learn the school and the period's dates.
  store::LoadFilter probe;
  probe.schoolId = o.schoolId;
  probe.referenceOnly = true;
  const model::Journal reference = st.load(probe);
  // Refuse early (before rendering) what seal would refuse anyway.
  for (const auto& other : archives.list())
    if (other.schoolId != reference.school.id)
      throw Error(ErrorKind::Conflict, o.archiveDir.string(),
                  "в каталоге хранятся архивы школы «" + other.schoolName + "» (" + other.schoolId +
                      "), а запечатывается школа " + reference.school.id +
                      "; архивы каждой школы хранятся в своём каталоге");
  auto current = archives.current(o.periodId);
  if (current && !o.correction)
    throw Error(
        ErrorKind::Conflict, current->fileName,
        "период " + o.periodId +
            " уже запечатан; архив не изменяется. Исправление — новой версией: --correct --reason \"…\"");

  const model::Period period = findPeriod(reference, o.periodId);
  store::LoadFilter filter;
  filter.schoolId = reference.school.id;
  filter.dates = period.dates;
  const model::Journal journal = st.load(filter);
  const model::JournalIndex index(journal);

  const rules::Config config =
      o.rulesConfig.empty() ? rules::Config::schoolDefaults() : rules::Config::load(o.rulesConfig);
  const rules::Scope scope = rules::resolveScope(index, o.periodId, "", "", "", "", "", *clock);
  // The check runs on its own thread while the export streams and the summary sheets render; the documents
  // that show findings (the control report, each class journal's remarks) wait for it.
  std::shared_future<std::vector<model::Finding>> findings =
      std::async(std::launch::async, [&] { return rules::check(index, scope, config); }).share();
  render::RenderOptions ropt;
  ropt.clock = clock;

  archive::SealRequest req;
  req.schoolId = journal.school.id;
  req.schoolName = journal.school.shortName.empty() ? journal.school.fullName : journal.school.shortName;
  req.periodId = o.periodId;
  req.periodTitle = model::russianPeriodName(period, journal.year.startYear);
  if (period.kind != model::PeriodKind::Year)
    req.periodTitle += " " + journal.year.label() + " учебного года";
  req.periodDates = period.dates;
  req.createdBy = o.createdBy;
  req.tool = std::string("ejournal ") + EJOURNAL_VERSION;
  req.mode = o.correction ? archive::SealMode::Correction : archive::SealMode::New;
  req.reason = o.reason;
  req.signer = o.signer;
  req.tsaUrl = o.tsaUrl;
  req.retention = o.retention;

  // Every PDF is rendered once, on worker threads ahead of the sealing thread (RenderAhead), while the
  // sealing thread streams the export and then each document into the archive, hashing as it writes.
  if (!ropt.layouts) render::loadLayouts();  // fail early, before the threads, on a broken bundled layout
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  RenderAhead ahead(2 * static_cast<size_t>(threads), size_t{32} << 20);

  // The canonical export of the period's data, streamed into the archive.
  std::set<std::string> allStudents, allClasses, allTeachers;
  for (const auto& s : journal.students) allStudents.insert(s.fullName());
  for (const auto& c : journal.classes) allClasses.insert(className(c));
  for (const auto& s : journal.staff) allTeachers.insert(s.shortName());
  req.documents.push_back({"export/journal.xml",
                           std::string(archive::kKindExport),
                           "Выгрузка данных электронного журнала: " + req.periodTitle,
                           "application/xml",
                           {{"class", sorted(allClasses)}, {"student", sorted(allStudents)}},
                           "",
                           [&journal](std::ostream& os) { ingest::writeJournal(journal, os); }});
  // The control report.
  const size_t control = ahead.add([&] {
    auto report = reports::buildControlReport(index, scope, findings.get(), config, clock->now());
    return render::renderControlReport(report, ropt).bytes;
  });
  req.documents.push_back({"reports/control.pdf",
                           std::string(archive::kKindReport),
                           "Справка по итогам проверки электронного журнала: " + req.periodTitle,
                           "application/pdf",
                           {{"class", sorted(allClasses)}, {"teacher", sorted(allTeachers)}},
                           "",
                           [&ahead, control](std::ostream& os) { writeBytes(os, ahead.take(control)); }});
  // Class journals and summary sheets, one per class the period applies to.
  std::vector<const model::SchoolClass*> classes;
  for (const auto& c : journal.classes)
    if (period.kind == model::PeriodKind::Year || period.appliesTo(c.grade)) classes.push_back(&c);
  for (const auto* c : classes) {
    archive::Tags tags = classTags(index, *c, period.dates);
    const size_t slot = ahead.add([&index, c, &findings, &o, &ropt] {
      std::vector<model::Finding> remarks;
      for (const auto& f : findings.get())
        if (f.classId == c->id) remarks.push_back(f);
      return render::renderClassJournal(index, c->id, o.periodId, remarks, ropt).bytes;
    });
    req.documents.push_back({"journals/" + safeName(c->id) + ".pdf", std::string(archive::kKindJournal),
                             "Классный журнал " + className(*c) + ": " + req.periodTitle, "application/pdf",
                             tags, "",
                             [&ahead, slot](std::ostream& os) { writeBytes(os, ahead.take(slot)); }});
    archive::Tags summaryTags = tags;
    summaryTags.erase("teacher");
    const size_t sheet =
        ahead.add([&index, c, &ropt] { return render::renderSummarySheet(index, c->id, ropt).bytes; });
    req.documents.push_back({"summary/" + safeName(c->id) + ".pdf", std::string(archive::kKindSummary),
                             "Сводная ведомость учёта успеваемости " + className(*c), "application/pdf",
                             summaryTags, "",
                             [&ahead, sheet](std::ostream& os) { writeBytes(os, ahead.take(sheet)); }});
  }
  if (o.progress) {
    auto done = std::make_shared<size_t>(0);
    auto bytes = std::make_shared<uint64_t>(0);
    const size_t total = req.documents.size();
    for (auto& d : req.documents) {
      d.producer = [inner = d.producer, name = d.name, total, done, bytes, &o](std::ostream& os) {
        CountingBuf counting(os);
        std::ostream out(&counting);
        inner(out);
        out.flush();
        if (!out) os.setstate(std::ios::badbit);
        *bytes += counting.count;
        o.progress(++*done, total, name, *bytes);
      };
    }
  }
  ahead.start(threads);
  archive::ArchiveInfo info = archives.seal(req);
  ahead.stop();
  // The archive is complete; the index is a cache of it (rebuildable by `ejournal archive reindex`).
  store::openArchiveIndex(st)->add(toIndexed(info, o.archiveDir));
  return info;
}

archive::VerifyOptions verifyOptions(const std::vector<std::string>& caFiles, bool checkContent) {
  archive::VerifyOptions v;
  v.caFiles = caFiles;
  if (!checkContent) return v;
  v.checkDocument = [](const archive::DocumentInfo& d, const archive::FileView& member) {
    std::vector<std::string> out;
    if (d.kind != archive::kKindExport) return out;
    try {
      // Validated and parsed in batches that are dropped at once, and the member's pages dropped behind the
      // reader: memory holds a batch and a window of the member, not the year.
      ingest::ReadOptions options;
      options.release = [&member](size_t upTo) { member.release(upTo); };
      ingest::readJournal(
          member.bytes(), d.name, [](const model::Journal&) {}, options);
    } catch (const ingest::InvalidDocument& e) {
      out.push_back("выгрузка не проходит проверку по схеме journal.xsd (" +
                    std::to_string(e.problems().size()) +
                    " проблем), первая: " + (e.problems().empty() ? "" : e.problems().front().toString()));
    } catch (const Error& e) {
      out.push_back(std::string("выгрузка не читается: ") + e.what());
    }
    return out;
  };
  return v;
}

store::IndexedArchive toIndexed(const archive::ArchiveInfo& a, const fs::path& directory) {
  store::IndexedArchive x;
  x.directory = fs::absolute(directory).lexically_normal().string();
  x.fileName = a.fileName;
  x.schoolId = a.schoolId;
  x.periodId = a.periodId;
  x.periodTitle = a.periodTitle;
  x.sequence = a.sequence;
  x.version = a.version;
  x.supersedes = a.supersedes ? a.supersedes->archive : "";
  x.manifestSha256 = a.manifestSha256;
  x.createdAt = a.createdAt.toString();
  x.retentionClass = a.retention.className;
  x.earliestDisposal = a.retention.earliestDisposal;
  for (const auto& d : a.documents)
    x.documents.push_back({d.name, d.kind, d.title, static_cast<int64_t>(d.size), d.sha256, d.tags});
  return x;
}

size_t reindexArchives(store::Store& st, archive::Archive& archives) {
  std::vector<store::IndexedArchive> all;
  for (const auto& a : archives.list()) all.push_back(toIndexed(a, archives.directory()));
  store::openArchiveIndex(st)->rebuild(fs::absolute(archives.directory()).lexically_normal().string(), all);
  return all.size();
}

StudentExtract extractStudent(archive::Archive& archives, const std::string& name, int year,
                              std::shared_ptr<model::Clock> clock) {
  const auto list = archives.list();
  std::set<std::string> superseded;
  for (const auto& a : list)
    if (a.supersedes) superseded.insert(a.supersedes->archive);
  const archive::ArchiveInfo* best = nullptr;
  const std::string prefix = std::to_string(year) + "-";
  for (const auto& a : list) {
    if (superseded.count(a.fileName) || a.periodId.rfind(prefix, 0) != 0) continue;
    bool isYear = a.periodId == prefix + "year";
    bool bestYear = best && best->periodId == prefix + "year";
    if (!best || (isYear && !bestYear) || (isYear == bestYear && a.periodDates.to > best->periodDates.to))
      best = &a;
  }
  if (!best)
    throw Error(ErrorKind::NotFound, archives.directory().string(),
                "нет архивов за " + std::to_string(year) + "/" + std::to_string(year + 1) + " учебный год");
  const archive::DocumentInfo* exportDoc = nullptr;
  for (const auto& d : best->documents)
    if (d.kind == archive::kKindExport) exportDoc = &d;
  if (!exportDoc) throw Error(ErrorKind::NotFound, best->fileName, "в архиве нет выгрузки данных");
  const std::string xml = archives.extract(best->fileName, exportDoc->name);
  const model::Journal journal = ingest::readJournal(xml, best->fileName + ":" + exportDoc->name);
  const model::JournalIndex index(journal);
  const std::string wanted = model::foldForSearch(name);
  std::vector<const model::Student*> matches;
  for (const auto& s : journal.students) {
    std::string lf = model::foldForSearch(s.lastName + " " + s.firstName);
    if (lf == wanted || model::foldForSearch(s.fullName()) == wanted) matches.push_back(&s);
  }
  if (matches.empty())
    throw Error(ErrorKind::NotFound, best->fileName, "в архиве нет ученика «" + name + "»");
  if (matches.size() > 1) {
    std::string ids;
    for (const auto* s : matches) ids += (ids.empty() ? "" : ", ") + s->fullName() + " (" + s->id + ")";
    throw Error(ErrorKind::Input, name, "найдено несколько учеников: " + ids + "; уточните отчество");
  }
  render::RenderOptions ropt;
  ropt.clock = clock;
  StudentExtract out;
  out.pdf = render::renderStudentExtract(index, matches.front()->id, best->periodId, ropt);
  out.archive = best->fileName;
  out.student = matches.front()->fullName();
  out.periodId = best->periodId;
  return out;
}

}  // namespace ejournal::app

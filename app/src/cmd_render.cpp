// `ejournal render ...`: PDF printouts from the store. `render journal` (one class, a period or the year),
// `render all` (every class, in parallel on all cores, with a progress bar on a terminal), `render summary`
// (the summary sheet of a class for the year), `render extract` (one student), `render
// control|program|results` (the deputy director's reports). Loading goes through store::Store; the deputy's
// remarks in a journal are the rules' findings for the class and period. Files are written atomically.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include "commands.h"
#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/model/index.h"
#include "ejournal/render/render.h"
#include "ejournal/reports/reports.h"
#include "ejournal/rules/rules.h"
#include "ejournal/store/store.h"
#include "followup.h"
#include "progress.h"

namespace ejournal::app {
namespace {

namespace fs = std::filesystem;

std::string outputOf(const Args& args, const std::string& command) {
  const std::string output = args.get("output", "");
  if (!args.positional.empty())
    throw Error(ErrorKind::Input, command, "лишний аргумент «" + args.positional.front() + "» (см. --help)");
  if (output.empty()) throw Error(ErrorKind::Input, command, "не указано, куда записать результат: -o ФАЙЛ");
  return output;
}

std::string required(const Args& args, const std::string& name) {
  auto v = args.get(name);
  if (!v || v->empty()) throw Error(ErrorKind::Input, "--" + name, "параметр обязателен");
  return *v;
}

render::RenderOptions renderOptions(const Args& args, std::shared_ptr<model::Clock> clock) {
  render::RenderOptions o;
  o.clock = std::move(clock);
  o.sides = args.has("duplex") ? render::Sides::Duplex : render::Sides::Single;
  if (auto dir = args.get("layouts")) o.layouts = render::loadLayouts(*dir);
  return o;
}

// The reference data only (no lessons): enough to resolve class names, periods and students.
model::Journal loadReference(store::Store& store, const std::string& schoolId) {
  store::LoadFilter f;
  f.schoolId = schoolId;
  f.referenceOnly = true;
  return store.load(f);
}

// What every render command works with: the output (-o), the clock, the store, the reference data with its
// index (to resolve --class, --period and --student) and, once load() ran, the journal of the document's
// dates. Constructed in place, one per command run (the indexes refer to the journals next to them).
class RenderRun {
 public:
  RenderRun(const Args& args, const std::string& command)
      : output(outputOf(args, command)),
        clock(model::systemClock()),
        store(store::Store::openExisting(dbConnection(args), clock)),
        schoolId(schoolOf(args, *store)),
        ref(loadReference(*store, schoolId)),
        refIx(ref) {}
  RenderRun(const RenderRun&) = delete;
  RenderRun& operator=(const RenderRun&) = delete;

  // Loads the journal of the dates (of one class, unless classId is empty); returns its index, valid as long
  // as this run and until the next load().
  const model::JournalIndex& load(model::DateRange dates, const std::string& classId = "") {
    store::LoadFilter f;
    f.schoolId = schoolId;
    f.dates = dates;
    f.classId = classId;
    journal_ = store->load(f);
    return index_.emplace(journal_);
  }

  // Writes the PDF atomically to the output and prints its size.
  int finish(const render::Pdf& pdf) const {
    model::writeFileAtomic(output, pdf.bytes);
    std::cout << output << ": " << pdf.pages << " стр., " << pdf.sheets << " л., " << pdf.bytes.size()
              << " байт\n";
    return kExitOk;
  }

  const std::string output;
  const std::shared_ptr<model::Clock> clock;
  const std::unique_ptr<store::Store> store;
  const std::string schoolId;
  const model::Journal ref;
  const model::JournalIndex refIx;

 private:
  model::Journal journal_;
  std::optional<model::JournalIndex> index_;
};

const model::Period& periodOf(const model::JournalIndex& ix, const std::string& name) {
  if (!model::PeriodName::parse(name))
    throw Error(ErrorKind::Input, "--period",
                "ожидается период вида 2025-Q1, 2025-H1 или 2025-year, указано «" + name + "»");
  const auto* p = ix.period(name);
  if (!p) throw Error(ErrorKind::NotFound, "--period", "в журнале нет периода «" + name + "»");
  return *p;
}

const model::SchoolClass& classOf(const model::JournalIndex& ix, const std::string& ref) {
  const auto* c = ix.classByName(ref);
  if (!c) c = ix.schoolClass(ref);
  if (!c) throw Error(ErrorKind::NotFound, "--class", "в журнале нет класса «" + ref + "»");
  return *c;
}

rules::Config rulesConfig(const Args& args) {
  if (auto file = args.get("rules")) return rules::Config::load(*file);
  return rules::Config::schoolDefaults();
}

// Findings of the class for the period, as the deputy's remarks (unless --no-remarks).
std::vector<model::Finding> remarksFor(const Args& args, const model::JournalIndex& ix,
                                       const std::string& period, const std::string& classId,
                                       const model::Clock& clock) {
  if (args.has("no-remarks")) return {};
  const auto scope = rules::resolveScope(ix, period, "", "", classId, "", "", clock);
  return rules::check(ix, scope, rulesConfig(args));
}

int runJournal(const Args& args) {
  RenderRun run(args, "render journal");
  const auto& cls = classOf(run.refIx, required(args, "class"));
  const auto& period = periodOf(run.refIx, required(args, "period"));
  const auto& ix = run.load(period.dates, cls.id);
  auto remarks = remarksFor(args, ix, period.id, cls.id, *run.clock);
  auto options = renderOptions(args, run.clock);
  if (!args.has("no-remarks")) options.remarkStatus = remarkStatus(*run.store, ix, cls.id, remarks);
  return run.finish(render::renderClassJournal(ix, cls.id, period.id, remarks, options));
}

int runAll(const Args& args) {
  Progress progress(args, "печать");
  RenderRun run(args, "render all");
  const fs::path dir = run.output;
  const auto& period = periodOf(run.refIx, required(args, "period"));
  const auto& ix = run.load(period.dates);
  std::vector<model::Finding> findings;
  if (!args.has("no-remarks")) {
    const auto scope = rules::resolveScope(ix, period.id, "", "", "", "", "", *run.clock);
    findings = rules::check(ix, scope, rulesConfig(args));
  }
  const auto options = renderOptions(args, run.clock);
  if (!options.layouts) render::loadLayouts();  // fail early, before the threads, on a broken bundled layout
  fs::create_directories(dir);

  std::vector<const model::SchoolClass*> classes;
  for (const auto& c : ix.journal().classes) classes.push_back(&c);
  std::sort(classes.begin(), classes.end(), [](const auto* a, const auto* b) {
    return a->grade != b->grade ? a->grade < b->grade : a->letter < b->letter;
  });
  std::atomic<size_t> next{0}, done{0}, pages{0};
  std::mutex mutex;
  std::exception_ptr failure;
  auto work = [&] {
    for (size_t i; (i = next++) < classes.size();) {
      try {
        const auto& cls = *classes[i];
        std::vector<model::Finding> remarks;
        for (const auto& fnd : findings)
          if (fnd.classId == cls.id) remarks.push_back(fnd);
        auto classOptions = options;
        if (!args.has("no-remarks"))
          classOptions.remarkStatus = remarkStatus(*run.store, ix, cls.id, remarks);
        const auto pdf = render::renderClassJournal(ix, cls.id, period.id, remarks, classOptions);
        const fs::path path = dir / ("journal-" + cls.name() + "-" + period.id + ".pdf");
        model::writeFileAtomic(path, pdf.bytes);
        pages += static_cast<size_t>(pdf.pages);
        const size_t d = ++done;
        progress.update("журналов " + std::to_string(d) + " из " + std::to_string(classes.size()) +
                        ", страниц " + std::to_string(pages.load()) + " (" + cls.name() + ")");
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!failure) failure = std::current_exception();
        next = classes.size();
      }
    }
  };
  const unsigned threads = std::max(
      1u, std::min<unsigned>(std::thread::hardware_concurrency(), static_cast<unsigned>(classes.size())));
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  progress.finish();
  if (failure) std::rethrow_exception(failure);
  std::cout << dir.string() << ": журналов " << done.load() << ", страниц " << pages.load() << " (потоков "
            << threads << ")\n";
  return kExitOk;
}

int runSummary(const Args& args) {
  RenderRun run(args, "render summary");
  const auto& cls = classOf(run.refIx, required(args, "class"));
  const auto& ix = run.load(model::DateRange{run.ref.year.start, run.ref.year.end}, cls.id);
  return run.finish(render::renderSummarySheet(ix, cls.id, renderOptions(args, run.clock)));
}

int runExtract(const Args& args) {
  RenderRun run(args, "render extract");
  const auto& period = periodOf(run.refIx, required(args, "period"));
  const std::string who = required(args, "student");
  const model::Student* student = run.refIx.student(who);
  if (!student) {  // a full name or "Фамилия Имя", when unique
    for (const auto& s : run.ref.students)
      if (s.fullName() == who || s.lastName + " " + s.firstName == who) {
        if (student)
          throw Error(ErrorKind::Input, "--student", "несколько обучающихся «" + who + "»; укажите id");
        student = &s;
      }
  }
  if (!student) throw Error(ErrorKind::NotFound, "--student", "обучающийся «" + who + "» не найден");
  std::string classId;
  for (const auto& e : student->enrolments)
    if (e.from <= period.dates.to && (!e.to || *e.to >= period.dates.from)) classId = e.classId;
  const auto& ix = run.load(period.dates, classId);
  return run.finish(render::renderStudentExtract(ix, student->id, period.id, renderOptions(args, run.clock)));
}

enum class ReportKind { Control, Program, Results };

int runReport(const Args& args, ReportKind kind, const std::string& command) {
  RenderRun run(args, command);
  // The scope of the options, resolved first against the reference data (for the dates and class to load),
  // then against the loaded journal.
  auto scopeIn = [&](const model::JournalIndex& ix) {
    return rules::resolveScope(ix, args.get("period", ""), args.get("from", ""), args.get("to", ""),
                               args.get("class", ""), args.get("subject", ""), args.get("teacher", ""),
                               *run.clock);
  };
  const auto scope0 = scopeIn(run.refIx);
  const auto& ix = run.load(scope0.dates, scope0.classId);
  const auto scope = scopeIn(ix);
  const auto options = renderOptions(args, run.clock);
  const auto now = run.clock->now();
  render::Pdf pdf;
  switch (kind) {
    case ReportKind::Control: {
      const auto config = rulesConfig(args);
      const auto findings = rules::check(ix, scope, config);
      auto report = reports::buildControlReport(ix, scope, findings, config, now);
      report.followUp = followUpFor(*run.store, ix);  // recorded checks' follow-up, if any
      pdf = render::renderControlReport(report, options);
      break;
    }
    case ReportKind::Program:
      pdf = render::renderProgramReport(reports::buildProgramReport(ix, scope, now), options);
      break;
    case ReportKind::Results:
      pdf = render::renderResultsReport(reports::buildResultsReport(ix, scope, now), options);
      break;
  }
  return run.finish(pdf);
}

const OptionSpec kOutput{"output", "FILE", "PDF-файл для записи", false, 'o'};
const OptionSpec kDuplex{"duplex", "", "двусторонняя печать: две страницы на нумерованный лист"};
const OptionSpec kLayouts{"layouts", "DIR", "шаблоны вёрстки вместо поставляемых templates/"};
const OptionSpec kRules{"rules", "FILE",
                        "настройки правил для замечаний (по умолчанию rules/config/default.xml)"};
const OptionSpec kNoRemarks{"no-remarks", "",
                            "оставить раздел замечаний заместителя пустым (не проверять правила)"};
const OptionSpec kClass{"class", "NAME", "класс (\"5А\") или его код"};
const OptionSpec kPeriod{"period", "P", "2025-Q1 .. 2025-Q4, 2025-H1, 2025-year"};

std::vector<OptionSpec> reportOptions() {
  return {{"period", "P", "2025-Q1, 2025-H1, 2025-year, ..."},
          {"from", "DATE", "вместо --period: первый день (ГГГГ-ММ-ДД)"},
          {"to", "DATE", "вместо --period: последний день"},
          {"class", "NAME", "только этот класс (\"5А\")"},
          {"subject", "NAME", "только этот предмет"},
          {"teacher", "NAME", "только этот учитель"},
          kOutput,
          kDuplex,
          kLayouts,
          kRules,
          schoolOption()};
}

}  // namespace

Command renderJournalCommand() {
  return {{"render journal",
           "--class 5А --period 2025-Q1|2025-year -o FILE.pdf",
           "Печатает классный журнал одного класса за период или год. В нём титульный лист, оглавление, "
           "развороты "
           "предметов, сводную ведомость, пропуски уроков, замечания заместителя (находки правил) и лист "
           "заверения.",
           {kClass, kPeriod, kOutput, kDuplex, kLayouts, kRules, kNoRemarks, schoolOption()}},
          runJournal};
}

Command renderAllCommand() {
  return {
      {"render all",
       "--period P -o DIR",
       "Печатает классные журналы всех классов за период в каталог DIR. Файлы journal-<класс>-<период>.pdf "
       "создаются параллельно на всех ядрах; ход работы (журналы, страницы) — на стандартном выводе ошибок, "
       "если это терминал, или с --progress.",
       {kPeriod,
        {"output", "DIR", "каталог для записи", false, 'o'},
        kDuplex,
        kLayouts,
        kRules,
        kNoRemarks,
        progressOptions()[0],
        progressOptions()[1],
        schoolOption()}},
      runAll};
}

Command renderSummaryCommand() {
  return {{"render summary",
           "--class 5А -o FILE.pdf",
           "Печатает сводную ведомость учёта успеваемости класса за год.",
           {kClass, kOutput, kDuplex, kLayouts, schoolOption()}},
          runSummary};
}

Command renderExtractCommand() {
  return {{"render extract",
           "--student ID|\"Фамилия Имя\" --period P -o FILE.pdf",
           "Печатает выписку отметок одного ученика за период или год.",
           {{"student", "ID", "код ученика, ФИО или \"Фамилия Имя\""},
            kPeriod,
            kOutput,
            kDuplex,
            kLayouts,
            schoolOption()}},
          runExtract};
}

Command renderControlCommand() {
  return {{"render control", "--period P -o FILE.pdf",
           "Печатает ежемесячную справку по итогам проверки ЭЖ со строкой для подписи заместителя.",
           reportOptions()},
          [](const Args& a) { return runReport(a, ReportKind::Control, "render control"); }};
}

Command renderProgramCommand() {
  return {{"render program", "--period P -o FILE.pdf",
           "Печатает выполнение программы (часы по плану и проведённые) с диаграммой по предметам.",
           reportOptions()},
          [](const Args& a) { return runReport(a, ReportKind::Program, "render program"); }};
}

Command renderResultsCommand() {
  return {{"render results", "--period P -o FILE.pdf",
           "Печатает итоги успеваемости по классам с диаграммой учеников по результатам.", reportOptions()},
          [](const Args& a) { return runReport(a, ReportKind::Results, "render results"); }};
}

}  // namespace ejournal::app

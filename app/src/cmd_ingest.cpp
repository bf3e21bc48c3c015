// `ejournal ingest FILE...`: validates each journal XML file (schemas/journal.xsd, docs/xml-format.md) and stores it
// in one store transaction per file. A bad document stores nothing and gets every problem printed on stderr as
// file:line:column: message; the exit code is then 2.
#include "commands.h"
#include "usecases.h"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "ejournal/ingest/ingest.h"
#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/store/store.h"

namespace ejournal::app {
namespace {

struct Counts {
  size_t students = 0, lessons = 0, marks = 0, attendance = 0, periodMarks = 0;
  void add(const model::Journal& part) {
    students += part.students.size();
    lessons += part.lessons.size();
    marks += part.marks.size();
    attendance += part.attendance.size();
    periodMarks += part.periodMarks.size();
  }
};

std::string runId(const model::DateTime& now, size_t index) {
  std::string id = "xml-" + now.toString() + "-" + std::to_string(::getpid()) + "-" + std::to_string(index);
  for (auto& c : id)
    if (c == ':') c = '-';
  return id;
}

// Ingests one file; returns false when the document was refused (its problems are printed).
bool ingestFile(store::Store& store, const model::Clock& clock, const std::string& file, size_t index,
                const ingest::ReadOptions& options) {
  // Any kind of file (a pipe, a device, "-" for standard input) is read with the size cap applied while reading.
  const MappedFile input(file == "-" ? std::filesystem::path("/dev/stdin") : std::filesystem::path(file),
                         options.maxBytes);
  const std::string_view bytes = input.bytes();
  const auto started = std::chrono::steady_clock::now();
  auto tx = store.beginIngest(model::Provenance{"xml:" + file, runId(clock.now(), index), clock.now()});
  Counts counts;
  try {
    IngestWriter writer(*tx);  // stores each part while the next one is validated and parsed
    ingest::readJournal(
        bytes, file,
        [&](const model::Journal& part) {
          counts.add(part);
          writer.push(part);
        },
        options);
    writer.finish();
  } catch (const ingest::InvalidDocument& e) {
    for (const auto& p : e.problems()) std::cerr << p.toString() << "\n";
    std::cerr << file << ": документ отклонён, ничего не сохранено (проблем: " << e.problems().size()
              << (e.problems().size() >= options.maxProblems ? ", показаны первые" : "") << ")\n";
    return false;  // the transaction rolls back when tx goes out of scope
  }
  const store::IngestSummary s = tx->commit();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  char time[32];
  std::snprintf(time, sizeof time, "%.2f", seconds);
  std::cout << file << ": сохранено (" << time << " с): учеников " << counts.students << ", уроков " << counts.lessons
            << ", отметок " << counts.marks << ", записей о посещаемости " << counts.attendance
            << ", отметок за периоды " << counts.periodMarks << "; записей новых " << s.inserted << ", изменённых "
            << s.updated << ", без изменений " << s.unchanged << ", изменений отметок в истории " << s.markChanges
            << "\n";
  return true;
}

int runIngest(const Args& args) {
  if (args.positional.empty())
    throw Error(ErrorKind::Input, "ingest", "не указаны файлы: ejournal ingest ФАЙЛ.xml... (см. --help)");
  ingest::ReadOptions options;
  if (args.has("sequential")) options.pipeline = ingest::Pipeline::Sequential;
  if (auto size = args.get("max-size")) {
    size_t bytes = 0;
    const auto [end, ec] = std::from_chars(size->data(), size->data() + size->size(), bytes);
    if (ec != std::errc() || end != size->data() + size->size() || bytes == 0 || bytes > options.maxBytes)
      throw Error(ErrorKind::Input, "ingest --max-size",
                  "нужно число байт от 1 до " + std::to_string(options.maxBytes) + ", а не «" + *size + "»");
    options.maxBytes = bytes;
  }
  auto clock = model::systemClock();
  auto store = store::Store::open(dbConnection(args), clock);
  int exit = kExitOk;
  for (size_t i = 0; i < args.positional.size(); ++i) {
    const std::string& file = args.positional[i];
    try {
      if (!ingestFile(*store, *clock, file, i, options)) exit = kExitError;
    } catch (const Error& e) {
      // A file that cannot be read (missing, too large, a directory) is reported and the next one is tried; a
      // store failure, or another school's journal, ends the command.
      if (e.kind() != ErrorKind::NotFound && e.kind() != ErrorKind::Input) throw;
      std::cerr << e.what() << "\n";
      exit = kExitError;
    }
  }
  return exit;
}

}  // namespace

Command ingestCommand() {
  return Command{
      CommandSpec{"ingest",
                  "FILE...",
                  "Validate journal XML files and store them. Each file is checked against the bundled schema and "
                  "for references to unknown records before anything is kept, and is stored in one transaction: "
                  "a bad file stores nothing and every problem is printed as file:line:column: message. "
                  "Re-ingesting the same data changes nothing; a newer export updates what changed and records mark "
                  "changes in the history. Files are processed in turn; the exit code is 2 if any was refused. A file may be a pipe or a "
                  "device, and \"-\" reads standard input; anything larger than 1 GiB is refused as soon as that "
                  "much has been read.",
                  {{"sequential", "", "validate the whole file before parsing it (one thread; the default overlaps "
                                      "validation and storing on two)"},
                   {"max-size", "BYTES", "refuse documents larger than this (default and most: 1073741824, 1 GiB)"}}},
      runIngest};
}

}  // namespace ejournal::app

// `ejournal ingest FILE...`: validates each journal XML file (schemas/journal.xsd, docs/xml-format.md) and
// stores it in one store transaction per file. A bad document stores nothing and gets every problem printed
// on stderr as file:line:column: message; the exit code is then 2.
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "commands.h"
#include "ejournal/ingest/ingest.h"
#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/store/store.h"
#include "progress.h"
#include "usecases.h"

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
                ingest::ReadOptions options, Progress& progress) {
  // Any kind of file (a pipe, a device, "-" for standard input) is read with the size cap applied while
  // reading.
  const MappedFile input(file == "-" ? std::filesystem::path("/dev/stdin") : std::filesystem::path(file),
                         options.maxBytes);
  const std::string_view bytes = input.bytes();
  options.release = [&input](size_t upTo) { input.release(upTo); };  // hold a window of the file, not all
  const auto started = std::chrono::steady_clock::now();
  auto tx = store.beginIngest(model::Provenance{"xml:" + file, runId(clock.now(), index), clock.now()});
  Counts counts;
  if (progress.enabled())
    options.progress = [&](size_t done, size_t total) {
      progress.update(file + ": " + Progress::bytes(done) + " из " + Progress::bytes(total) + " (" +
                      std::to_string(total ? done * 100 / total : 100) + " %)");
    };
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
    progress.finish();
    for (const auto& p : e.problems()) std::cerr << p.toString() << "\n";
    std::cerr << file << ": документ отклонён, ничего не сохранено (проблем: " << e.problems().size()
              << (e.problems().size() >= options.maxProblems ? ", показаны первые" : "") << ")\n";
    return false;  // the transaction rolls back when tx goes out of scope
  }
  progress.update(file + ": сохранение", true);
  const store::IngestSummary s = tx->commit();
  progress.finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  char time[32];
  std::snprintf(time, sizeof time, "%.2f", seconds);
  std::cout << file << ": сохранено (" << time << " с): учеников " << counts.students << ", уроков "
            << counts.lessons << ", отметок " << counts.marks << ", записей о посещаемости "
            << counts.attendance << ", отметок за периоды " << counts.periodMarks << "; записей новых "
            << s.inserted << ", изменённых " << s.updated << ", без изменений " << s.unchanged
            << ", изменений отметок в истории " << s.markChanges << "\n";
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
  { Progress check(args, "загрузка"); }  // --progress with --quiet is refused before anything is read
  auto clock = model::systemClock();
  auto store = store::Store::open(dbConnection(args), clock);
  int exit = kExitOk;
  for (size_t i = 0; i < args.positional.size(); ++i) {
    const std::string& file = args.positional[i];
    try {
      Progress progress(args, "загрузка");
      if (!ingestFile(*store, *clock, file, i, options, progress)) exit = kExitError;
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
      CommandSpec{
          "ingest",
          "FILE...",
          "Проверяет XML-файлы журнала и сохраняет их в хранилище. Каждый файл до сохранения сверяется со "
          "схемой и на ссылки на неизвестные записи и сохраняется одной транзакцией: из файла с ошибками "
          "не сохраняется ничего, а каждая проблема печатается как файл:строка:столбец: сообщение. "
          "Повторная загрузка тех же данных ничего не меняет; более новая выгрузка обновляет изменившееся и "
          "записывает изменения отметок в историю. Файлы обрабатываются по очереди; код выхода 2, если хотя "
          "бы один отклонён. Файлом может быть канал или устройство, \"-\" — стандартный ввод; всё, что "
          "больше 1 ГиБ, отклоняется, как только столько прочитано.",
          {{"sequential", "",
            "проверить весь файл до разбора (один поток; по умолчанию проверка и "
            "сохранение идут параллельно в двух)"},
           {"max-size", "BYTES",
            "отклонять документы больше этого (по умолчанию и не более 1073741824, 1 ГиБ)"},
           progressOptions()[0],
           progressOptions()[1]}},
      runIngest};
}

}  // namespace ejournal::app

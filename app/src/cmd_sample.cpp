// `ejournal sample`: generates the sample school year (samples/) and writes it as journal XML, optionally
// with the list of planted violations as JSON. Both files are written atomically.
#include <iostream>
#include <string>

#include "commands.h"
#include "ejournal/ingest/ingest.h"
#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/samples/generator.h"

namespace ejournal::app {
namespace {

int parseInt(const std::string& option, const std::string& text, long long lo, long long hi) {
  size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || v < lo || v > hi)
    throw Error(ErrorKind::Input, "--" + option,
                "ожидается целое число от " + std::to_string(lo) + " до " + std::to_string(hi) +
                    ", указано «" + text + "»");
  return static_cast<int>(v);
}

int runSample(const Args& args) {
  samples::SampleOptions options;
  if (auto v = args.get("classes")) options.classes = parseInt("classes", *v, 1, 1000);
  if (auto v = args.get("students")) options.studentsPerClass = parseInt("students", *v, 1, 1000);
  if (auto v = args.get("seed")) {
    size_t used = 0;
    try {
      options.seed = std::stoull(*v, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (v->empty() || used != v->size() || (*v)[0] == '-')
      throw Error(ErrorKind::Input, "--seed", "ожидается неотрицательное целое число, указано «" + *v + "»");
  }
  options.plantViolations = !args.has("no-violations");

  if (!args.positional.empty())
    throw Error(ErrorKind::Input, "sample", "лишний аргумент «" + args.positional.front() + "» (см. --help)");
  const std::string output = args.get("output", "");
  if (output.empty()) throw Error(ErrorKind::Input, "sample", "не указан файл для записи: -o ФАЙЛ.xml");

  const samples::Sample sample = samples::generate(options);
  model::writeFileAtomic(output, ingest::writeJournal(sample.journal));
  if (auto planted = args.get("planted"))
    model::writeFileAtomic(*planted, samples::plantedToJson(sample, options));

  const auto& j = sample.journal;
  std::cout << "Образец школы " << j.year.label() << ": классов " << j.classes.size() << ", учеников "
            << j.students.size() << ", сотрудников " << j.staff.size() << ", уроков " << j.lessons.size()
            << ", отметок " << j.marks.size() << ", записей о посещаемости " << j.attendance.size()
            << ", отметок за периоды " << j.periodMarks.size()
            << "; заложено нарушений: " << sample.planted.size() << "\nЗаписано: " << output << "\n";
  return kExitOk;
}

}  // namespace

Command sampleCommand() {
  return Command{
      CommandSpec{
          "sample",
          "-o FILE.xml",
          "Создаёт образец учебного года 2025/2026 (лицей; при одном и том же --seed — один и тот же "
          "файл) в виде XML журнала. FILE.xml записывается атомарно; с --planted также список заложенных "
          "нарушений правил в JSON (что и с какой частотой заложено — samples/README.md).",
          {{"classes", "N", "11 (по классу в каждой параллели 1–11, по умолчанию) или 44 (А–Г в каждой)"},
           {"students", "N", "учеников в классе, примерно (по умолчанию 25, разброс ±3)"},
           {"seed", "S", "начальное значение генератора (по умолчанию 2025)"},
           {"no-violations", "", "не закладывать нарушений: чистый журнал"},
           {"output", "FILE", "XML-файл для записи", false, 'o'},
           {"planted", "FILE", "также записать заложенные нарушения в JSON"}}},
      runSample};
}

}  // namespace ejournal::app

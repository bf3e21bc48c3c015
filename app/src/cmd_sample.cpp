// `ejournal sample`: generates the sample school year (samples/) and writes it as journal XML, optionally with the
// list of planted violations as JSON. Both files are written atomically.
#include "commands.h"

#include <iostream>
#include <string>

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
                "ожидается целое число от " + std::to_string(lo) + " до " + std::to_string(hi) + ", указано «" +
                    text + "»");
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

  // The output file: --output FILE or the short form -o FILE (which the shared parser leaves positional).
  std::string output = args.get("output", "");
  const auto& pos = args.positional;
  for (size_t i = 0; i < pos.size(); ++i) {
    if (pos[i] == "-o" && i + 1 < pos.size()) {
      output = pos[++i];
    } else {
      throw Error(ErrorKind::Input, "sample", "лишний аргумент «" + pos[i] + "» (см. --help)");
    }
  }
  if (output.empty()) throw Error(ErrorKind::Input, "sample", "не указан файл для записи: -o ФАЙЛ.xml");

  const samples::Sample sample = samples::generate(options);
  model::writeFileAtomic(output, ingest::writeJournal(sample.journal));
  if (auto planted = args.get("planted")) model::writeFileAtomic(*planted, samples::plantedToJson(sample, options));

  const auto& j = sample.journal;
  std::cout << "Образец школы " << j.year.label() << ": классов " << j.classes.size() << ", учеников "
            << j.students.size() << ", сотрудников " << j.staff.size() << ", уроков " << j.lessons.size()
            << ", отметок " << j.marks.size() << ", записей о посещаемости " << j.attendance.size()
            << ", отметок за периоды " << j.periodMarks.size() << "; заложено нарушений: " << sample.planted.size()
            << "\nЗаписано: " << output << "\n";
  return kExitOk;
}

}  // namespace

Command sampleCommand() {
  return Command{
      CommandSpec{"sample",
                  "-o FILE.xml",
                  "Generate the sample school year 2025/2026 (a lyceum, deterministic by seed) as journal XML. "
                  "Writes FILE.xml atomically; with --planted also the list of planted rule violations as JSON "
                  "(see samples/README.md for what is planted and at which rate).",
                  {{"classes", "N", "11 (one class per grade 1-11, default) or 44 (А-Г in every grade)"},
                   {"students", "N", "students per class, about (default 25, varies by +-3)"},
                   {"seed", "S", "random seed (default 2025); the same seed gives the same file"},
                   {"no-violations", "", "plant no violations: a clean journal"},
                   {"output", "FILE", "the XML file to write (also -o FILE)"},
                   {"planted", "FILE", "also write the planted violations as JSON"}}},
      runSample};
}

}  // namespace ejournal::app

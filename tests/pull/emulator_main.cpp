// dnevnik-emulator: the dnevnik.ru API v2 emulator as a standalone program, for the demo, the service tests
// and trying the client by hand. Serves a generated sample school or a journal XML file on 127.0.0.1 until
// SIGINT or SIGTERM. Ids that are not numbers (the sample's and our XML's) are renumbered from --id-base.
//
//   dnevnik-emulator (--sample-classes N [--seed S] | --xml FILE | --builtin) [--port P] [--port-file F]
//                    [--token T | --token-file F] [--id-base B] [--lossy-numbers] [--fault SPEC]...
//                    [--date-only-end-midnight] [--final-marks person|all|unknown] [--periods-group-spelling]
//                    [--zero-based-periods]
//
// SPEC is kind[:path[:skip[:count[:param]]]] (emulator.h, parseFault). The last four select the API variants
// of EmulatorOptions: a date-only range end read as midnight, the shape of edu-groups/{g}/final-marks, the
// reporting-periods-group spelling and period numbers from 0. Prints "listening http://127.0.0.1:PORT".
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "emulator.h"
#include "hand_journal.h"
#if EJOURNAL_HAVE_SAMPLES
#include "ejournal/samples/generator.h"
#endif
#if EJOURNAL_HAVE_INGEST
#include "ejournal/ingest/ingest.h"
#endif

namespace {

int usage(const std::string& message) {
  std::cerr << "dnevnik-emulator: " << message << "\n"
            << "usage: dnevnik-emulator (--sample-classes N [--seed S] | --xml FILE | --builtin) [--port P] "
               "[--port-file F]\n"
            << "                        [--token T | --token-file F] [--id-base B] [--lossy-numbers] "
               "[--fault SPEC]...\n"
            << "                        [--date-only-end-midnight] [--final-marks person|all|unknown]\n"
            << "                        [--periods-group-spelling] [--zero-based-periods]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ejournal;
  std::vector<std::string> args(argv + 1, argv + argc);
  pulltest::EmulatorOptions options;
  std::string xml, portFile;
  int sampleClasses = 0;
  bool builtin = false;
  unsigned long long seed = 2025, idBase = 1000000;
  try {
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& a = args[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= args.size()) throw std::invalid_argument(a + " needs a value");
        return args[++i];
      };
      if (a == "--sample-classes")
        sampleClasses = std::stoi(value());
      else if (a == "--seed")
        seed = std::stoull(value());
      else if (a == "--xml")
        xml = value();
      else if (a == "--builtin")
        builtin = true;
      else if (a == "--port")
        options.port = static_cast<uint16_t>(std::stoi(value()));
      else if (a == "--port-file")
        portFile = value();
      else if (a == "--token")
        options.token = value();
      else if (a == "--token-file") {
        std::ifstream in(value());
        std::getline(in, options.token);
        while (!options.token.empty() && (options.token.back() == '\r' || options.token.back() == ' '))
          options.token.pop_back();
      } else if (a == "--id-base")
        idBase = std::stoull(value());
      else if (a == "--lossy-numbers")
        options.lossyNumbers = true;
      else if (a == "--fault")
        options.faults.push_back(pulltest::parseFault(value()));
      else if (a == "--date-only-end-midnight")
        options.dateOnlyEndIsMidnight = true;
      else if (a == "--final-marks")
        options.finalMarks = pulltest::parseFinalMarksShape(value());
      else if (a == "--periods-group-spelling")
        options.periodsGroupSpelling = true;
      else if (a == "--zero-based-periods")
        options.zeroBasedPeriodNumbers = true;
      else if (a == "--help" || a == "-h") {
        usage("help");
        return 0;
      } else
        return usage("unknown argument " + a);
    }
  } catch (const std::exception& e) {
    return usage(e.what());
  }
  if ((sampleClasses > 0) + !xml.empty() + builtin != 1)
    return usage("give exactly one of --sample-classes, --xml and --builtin");

  try {
    model::Journal journal;
    if (builtin) {
      journal = pulltest::handJournal();
    } else if (sampleClasses > 0) {
#if EJOURNAL_HAVE_SAMPLES
      samples::SampleOptions so;
      so.classes = sampleClasses;
      so.seed = seed;
      journal = samples::generate(so).journal;
#else
      return usage("this build has no sample generator (samples/)");
#endif
    } else {
#if EJOURNAL_HAVE_INGEST
      journal = ingest::readJournal(model::readFile(xml), xml);
#else
      return usage("this build has no XML reader (ingest/)");
#endif
    }
    if (!pulltest::hasNumericIds(journal)) journal = pulltest::withNumericIds(journal, idBase);

    // Block the signals before the server threads start, so only sigwait below sees them.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);

    pulltest::DnevnikEmulator emulator(std::move(journal), options);
    if (!portFile.empty()) model::writeFileAtomic(portFile, std::to_string(emulator.port()) + "\n");
    std::cout << "listening " << emulator.baseUrl() << std::endl;
    int sig = 0;
    sigwait(&set, &sig);
    std::cout << "stopping after " << emulator.requests() << " requests (" << emulator.faultsFired()
              << " faults injected)" << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "dnevnik-emulator: " << e.what() << "\n";
    return 2;
  }
}

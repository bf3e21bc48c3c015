// `ejournal pull`: pulls one school's journal from the dnevnik.ru REST API v2 into the store, as one ingest run
// (docs/pull.md). A thin shell over ingest/pull (dnevnik.h) and the store: the stored journal of the school and
// range is handed to the client so fields the API does not carry are kept, and everything is committed only when
// the whole pull has succeeded.
#include <chrono>
#include <iostream>

#include "commands.h"
#include "ejournal/ingest/dnevnik.h"
#include "ejournal/model/error.h"
#include "ejournal/store/store.h"
#include "usecases.h"

namespace ejournal::app {
namespace {

int runPull(const Args& args) {
  namespace dn = ingest::dnevnik;
  dn::PullOptions options;
  auto baseUrl = args.get("base-url");
  auto tokenFile = args.get("token-file");
  if (!baseUrl) throw Error(ErrorKind::Input, "pull", "укажите адрес API: --base-url https://api.dnevnik.ru");
  if (!tokenFile) throw Error(ErrorKind::Input, "pull", "укажите файл с токеном доступа: --token-file FILE");
  options.connection.baseUrl = *baseUrl;
  options.connection.token = dn::readTokenFile(*tokenFile);
  options.connection.caFile = args.get("ca-file", "");
  if (auto t = args.get("timeout")) {
    int seconds = 0;
    try {
      seconds = std::stoi(*t);
    } catch (const std::exception&) {
    }
    if (seconds <= 0) throw Error(ErrorKind::Input, "--timeout", "«" + *t + "» не является числом секунд");
    options.connection.timeout = std::chrono::seconds(seconds);
  }
  if (auto r = args.get("retries")) {
    int n = 0;
    try {
      n = std::stoi(*r);
    } catch (const std::exception&) {
    }
    if (n <= 0) throw Error(ErrorKind::Input, "--retries", "«" + *r + "» не является числом попыток");
    options.retry.maxAttempts = n;
  }
  const std::string split = args.get("split", "month");
  if (split == "week") options.split = dn::RangeSplit::Week;
  else if (split != "month") throw Error(ErrorKind::Input, "--split", "допустимо month или week, а не «" + split + "»");
  options.schoolId = args.get("school", "");
  const bool hasPeriod = args.has("period"), hasFrom = args.has("from"), hasTo = args.has("to");
  if (hasPeriod && (hasFrom || hasTo))
    throw Error(ErrorKind::Input, "pull", "укажите либо --period, либо --from и --to, но не всё сразу");
  if (hasPeriod) {
    options.period = *args.get("period");
  } else if (hasFrom && hasTo) {
    options.dates = model::DateRange{dn::parseDateArgument(*args.get("from"), "--from"),
                                     dn::parseDateArgument(*args.get("to"), "--to")};
  } else {
    throw Error(ErrorKind::Input, "pull", "укажите период (--period 2025-Q1) или даты (--from ГГГГ-ММ-ДД --to ГГГГ-ММ-ДД)");
  }

  auto clock = model::systemClock();
  auto store = store::Store::open(dbConnection(args), clock);
  const PullOutcome pulled = pullIntoStore(*store, options, *clock);
  const dn::PullStats& stats = pulled.stats;
  const store::IngestSummary& summary = pulled.summary;

  for (const auto& p : stats.problems) std::cerr << "предупреждение: " << p << "\n";
  std::cout << "Загружено из dnevnik.ru (" << *baseUrl << "), школа " << stats.schoolId << ", "
            << stats.dates.from.toRussian() << "–" << stats.dates.to.toRussian() << ": уроков " << stats.lessons
            << ", оценок " << stats.marks << ", отметок посещаемости " << stats.attendance << ", итоговых оценок "
            << stats.periodMarks << ".\n"
            << "Хранилище: новых записей " << summary.inserted << ", изменённых " << summary.updated
            << ", без изменений " << summary.unchanged << ", изменений оценок " << summary.markChanges << ".\n"
            << "Запуск " << pulled.runId << ": запросов " << stats.requests << ", повторов " << stats.retries
            << ", предупреждений " << stats.problems.size() << ".\n";
  return kExitOk;
}

}  // namespace

Command pullCommand() {
  CommandSpec spec;
  spec.name = "pull";
  spec.synopsis = "--base-url URL --token-file FILE (--period P | --from D --to D)";
  spec.help =
      "Pulls a school's journal from the dnevnik.ru REST API v2 (or a compatible host, or our emulator) into the "
      "store as one ingest run with provenance \"dnevnik:<URL>\". The token is read from a file. Requests are split "
      "by month, retried with backoff on 429 and 5xx; 401/403 stop the pull and nothing is stored. The curriculum and "
      "the regular timetable are not in the API: ingest them from XML. See docs/pull.md.";
  spec.options = {
      {"base-url", "URL", "API address: https://api.dnevnik.ru (http:// only for the local emulator)"},
      {"token-file", "FILE", "file whose first line is the access token"},
      {"period", "P", "period to pull: 2025-Q1..Q4, 2025-H1, 2025-H2, 2025-year"},
      {"from", "D", "first day to pull, YYYY-MM-DD (with --to)"},
      {"to", "D", "last day to pull, YYYY-MM-DD"},
      {"school", "ID", "dnevnik.ru school id (default: the token's only school)"},
      {"ca-file", "FILE", "an extra trusted CA certificate (PEM) for https"},
      {"timeout", "SEC", "timeout per request in seconds (default 30)"},
      {"retries", "N", "attempts per request (default 6)"},
      {"split", "month|week", "request lessons and marks per month (default) or per week"},
  };
  return {spec, runPull};
}

}  // namespace ejournal::app

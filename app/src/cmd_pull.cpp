// `ejournal pull`: pulls one school's journal from the dnevnik.ru REST API v2 into the store, as one ingest
// run (docs/pull.md). A thin shell over ingest/pull (dnevnik.h) and the store: the stored journal of the
// school and range is handed to the client so fields the API does not carry are kept, and everything is
// committed only when the whole pull has succeeded.
#include <chrono>
#include <iostream>
#include <thread>

#include "commands.h"
#include "ejournal/ingest/dnevnik.h"
#include "ejournal/model/error.h"
#include "ejournal/store/store.h"
#include "progress.h"
#include "usecases.h"

namespace ejournal::app {
namespace {

namespace dn = ingest::dnevnik;

// The HTTP back end with the requests counted for the progress line.
class CountingTransport : public dn::HttpTransport {
 public:
  CountingTransport(std::unique_ptr<dn::HttpTransport> inner, Progress& progress)
      : inner_(std::move(inner)), progress_(progress) {}
  dn::HttpResponse send(const dn::HttpRequest& request) override {
    ++requests_;
    progress_.update(state());
    dn::HttpResponse r = inner_->send(request);
    if (r.status == 429)
      ++limited_;
    else if (r.status >= 500)
      ++failed_;
    progress_.update(state());
    return r;
  }
  // Called by the retry policy instead of a plain sleep: the wait is shown, then taken.
  void wait(std::chrono::milliseconds delay) {
    ++waits_;
    char seconds[16];
    std::snprintf(seconds, sizeof seconds, "%.1f", static_cast<double>(delay.count()) / 1000.0);
    progress_.update(state() + "; ожидание " + seconds + " с перед повтором", true);
    std::this_thread::sleep_for(delay);
  }

 private:
  std::string state() const {
    std::string s = "запросов " + std::to_string(requests_);
    if (waits_) s += ", повторов " + std::to_string(waits_);
    if (limited_) s += ", ответов 429 (ограничение API) " + std::to_string(limited_);
    if (failed_) s += ", ошибок сервера " + std::to_string(failed_);
    return s;
  }
  std::unique_ptr<dn::HttpTransport> inner_;
  Progress& progress_;
  size_t requests_ = 0, waits_ = 0, limited_ = 0, failed_ = 0;
};

int runPull(const Args& args) {
  Progress progress(args, "загрузка из dnevnik.ru");
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
  if (split == "week")
    options.split = dn::RangeSplit::Week;
  else if (split != "month")
    throw Error(ErrorKind::Input, "--split", "допустимо month или week, а не «" + split + "»");
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
    throw Error(ErrorKind::Input, "pull",
                "укажите период (--period 2025-Q1) или даты (--from ГГГГ-ММ-ДД --to ГГГГ-ММ-ДД)");
  }

  auto clock = model::systemClock();
  auto store = store::Store::open(dbConnection(args), clock);
  CountingTransport transport(dn::makeHttpTransport(options.connection), progress);
  options.retry.sleep = [&](std::chrono::milliseconds d) { transport.wait(d); };
  const PullOutcome pulled = pullIntoStore(*store, options, *clock, &transport);
  progress.finish();
  const dn::PullStats& stats = pulled.stats;
  const store::IngestSummary& summary = pulled.summary;

  for (const auto& p : stats.problems) std::cerr << "предупреждение: " << p << "\n";
  std::cout << "Загружено из dnevnik.ru (" << *baseUrl << "), школа " << stats.schoolId << ", "
            << stats.dates.from.toRussian() << "–" << stats.dates.to.toRussian() << ": уроков "
            << stats.lessons << ", оценок " << stats.marks << ", отметок посещаемости " << stats.attendance
            << ", итоговых оценок " << stats.periodMarks << ".\n"
            << "Хранилище: новых записей " << summary.inserted << ", изменённых " << summary.updated
            << ", без изменений " << summary.unchanged << ", изменений оценок " << summary.markChanges
            << ".\n"
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
      "Загружает журнал школы из dnevnik.ru (REST API v2, совместимый сервер или наш эмулятор) в хранилище "
      "как один "
      "запуск загрузки с источником \"dnevnik:<URL>\". Токен читается из файла. Запросы делятся по месяцам и "
      "повторяются с паузами при ответах 429 и 5xx; 401/403 останавливают загрузку, и ничего не сохраняется. "
      "Учебного плана и постоянного расписания в API нет: загрузите их из XML (ejournal ingest). Подробно — "
      "docs/pull.md.";
  spec.options = {
      {"base-url", "URL", "адрес API: https://api.dnevnik.ru (http:// только для локального эмулятора)"},
      {"token-file", "FILE", "файл, в первой строке которого токен доступа"},
      {"period", "P", "период: 2025-Q1..Q4, 2025-H1, 2025-H2, 2025-year"},
      {"from", "D", "первый день, ГГГГ-ММ-ДД (вместе с --to)"},
      {"to", "D", "последний день, ГГГГ-ММ-ДД"},
      {"school", "ID", "код школы в dnevnik.ru (по умолчанию единственная школа токена)"},
      {"ca-file", "FILE", "дополнительный доверенный сертификат УЦ (PEM) для https"},
      {"timeout", "SEC", "тайм-аут одного запроса в секундах (по умолчанию 30)"},
      {"retries", "N", "попыток на запрос (по умолчанию 6)"},
      {"split", "month|week", "запрашивать уроки и отметки по месяцам (по умолчанию) или по неделям"},
  };
  for (auto& o : progressOptions()) spec.options.push_back(o);
  return {spec, runPull};
}

}  // namespace ejournal::app

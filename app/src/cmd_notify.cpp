// `ejournal notify [--daily [--date D]] [--smtp HOST[:PORT] --from ADDR [--starttls] [--smtp-login L
// --smtp-password-file F]] [--list]`: the outbox of the follow-up (docs/followup.md). --daily queues the
// class teachers' summaries of a day (default: yesterday); --smtp delivers every unsent message (a failed one
// is kept and retried by the next run, a delivered one is never sent again); --list prints the outbox. Exit
// code 1 when some message could not be delivered.
#include <cstdlib>
#include <iostream>

#include "cli.h"
#include "commands.h"
#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "ejournal/model/index.h"
#include "ejournal/store/audit.h"
#include "ejournal/store/checks.h"
#include "ejournal/store/store.h"
#include "followup.h"
#include "mailer.h"

namespace ejournal::app {

namespace {

SmtpSettings smtpFromArgs(const Args& args) {
  SmtpSettings s;
  std::string server = *args.get("smtp");
  if (auto colon = server.rfind(':'); colon != std::string::npos) {
    const std::string port = server.substr(colon + 1);
    try {
      size_t used = 0;
      s.port = std::stoi(port, &used);
      if (used != port.size() || s.port < 1 || s.port > 65535) throw std::invalid_argument(port);
    } catch (const std::exception&) {
      throw Error(ErrorKind::Input, "--smtp", "неверный порт «" + port + "»: ожидается число 1…65535");
    }
    server = server.substr(0, colon);
  }
  s.host = server;
  s.from = args.get("from", "");
  if (s.from.empty()) throw Error(ErrorKind::Input, "--from", "укажите адрес отправителя писем");
  s.startTls = args.has("starttls");
  s.login = args.get("smtp-login", "");
  if (auto file = args.get("smtp-password-file")) {
    s.password = model::readFile(*file);
    while (!s.password.empty() && (s.password.back() == '\n' || s.password.back() == '\r'))
      s.password.pop_back();
  }
  return s;
}

int runNotify(const Args& args) {
  if (!args.positional.empty())
    throw Error(ErrorKind::Input, "notify", "лишний аргумент «" + args.positional.front() + "» (см. --help)");
  auto clock = model::systemClock();
  auto store = store::Store::open(dbConnection(args), clock);
  auto history = store::openCheckHistory(*store);
  int rc = kExitOk;
  if (args.has("daily")) {
    model::Date day = clock->now().date - 1;
    if (auto d = args.get("date")) {
      auto parsed = model::Date::parse(*d);
      if (!parsed)
        throw Error(ErrorKind::Input, "--date", "неверная дата «" + *d + "»: ожидается ГГГГ-ММ-ДД");
      day = *parsed;
    }
    // Every stored school's class teachers, or the one school named.
    std::vector<model::School> schools = store->schoolList();
    if (args.has("school") || std::getenv("EJOURNAL_SCHOOL")) {
      const std::string id = schoolOf(args, *store);
      std::erase_if(schools, [&](const model::School& s) { return s.id != id; });
    }
    for (const auto& school : schools) {
      store::LoadFilter filter;
      filter.schoolId = school.id;
      filter.dates = model::DateRange{day, day};
      const model::Journal journal = store->load(filter);
      const model::JournalIndex index(journal);
      const auto q = queueDailySummaries(*store, index, day, {});
      std::cout << "Сводки классным руководителям за " << day.toRussian();
      if (schools.size() > 1)
        std::cout << " (" << (school.shortName.empty() ? school.id : school.shortName) << ")";
      std::cout << ": в очереди " << q.queued;
      if (q.alreadyQueued) std::cout << ", уже были в очереди " << q.alreadyQueued;
      if (!q.withoutAddress.empty())
        std::cout << ", без адреса электронной почты " << q.withoutAddress.size();
      std::cout << "\n";
    }
  }
  if (args.has("smtp")) {
    const SmtpSettings smtp = smtpFromArgs(args);
    const DeliveryReport r = deliverOutbox(*store, smtp, *clock);
    for (const auto& p : r.problems) std::cerr << "ejournal: " << p << "\n";
    std::cout << "Доставка: " << r.summary() << "\n";
    store::openAudit(*store)->append({cliActor(), "notify", smtp.host + ":" + std::to_string(smtp.port),
                                      r.failed ? "failed" : "ok", r.summary(), ""});
    if (r.failed) rc = kExitFindings;
  }
  if (args.has("list")) {
    std::vector<std::string> schools = store->schools();
    if (args.has("school") || std::getenv("EJOURNAL_SCHOOL")) schools = {schoolOf(args, *store)};
    for (const auto& school : schools)
      for (const auto& m : history->messages(school, "")) {
        std::cout << m.id << "\t" << m.batch << "\t" << m.staffId << "\t"
                  << (m.recipient.empty() ? std::string("(нет адреса)") : m.recipient) << "\t"
                  << toString(m.status) << "\t" << m.attempts << "\t" << m.subject;
        if (!m.lastError.empty()) std::cout << "\t" << m.lastError;
        std::cout << "\n";
      }
  }
  if (!args.has("daily") && !args.has("smtp") && !args.has("list"))
    throw Error(ErrorKind::Input, "notify", "укажите --daily, --smtp или --list (см. --help)");
  return rc;
}

}  // namespace

Command notifyCommand() {
  return Command{
      CommandSpec{
          "notify",
          "[--daily] [--smtp HOST[:PORT] --from ADDR] [--list]",
          "Очередь писем по итогам проверок (docs/followup.md). `ejournal check --record` ставит в "
          "очередь одно письмо каждому учителю с его замечаниями; --daily ставит ежедневные сводки "
          "классным руководителям (вчерашние уроки класса без тем, посещаемости или отметок); --smtp "
          "отправляет все неотправленные письма через SMTP-сервер школы (неотправленное остаётся в очереди "
          "и повторяется следующим запуском, ничего не отправляется дважды); --list печатает очередь. Код "
          "выхода 1, если какое-то письмо не доставлено.",
          {{"daily", "",
            "поставить в очередь сводки классным руководителям за --date (по умолчанию — вчера)"},
           {"date", "D", "день ежедневных сводок (ГГГГ-ММ-ДД)"},
           {"smtp", "HOST[:PORT]", "отправить очередь через этот SMTP-сервер (по умолчанию порт 25)"},
           {"from", "ADDR", "адрес отправителя писем"},
           {"starttls", "", "перейти на TLS командой STARTTLS до входа (сертификат проверяется)"},
           {"smtp-login", "USER", "войти на SMTP-сервер под именем USER"},
           {"smtp-password-file", "FILE", "пароль SMTP, прочитанный из FILE"},
           {"list", "",
            "напечатать очередь: номер, проверка, учитель, адрес, состояние, попытки, тема, ошибка"},
           {"school", "ID",
            "--daily и --list только для этой школы (по умолчанию — для каждой школы хранилища)"}}},
      runNotify};
}

}  // namespace ejournal::app

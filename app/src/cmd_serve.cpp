// `ejournal serve --config FILE`: runs the HTTP service (app/src/service, docs/api.md).
#include "commands.h"
#include "ejournal/model/error.h"
#include "service/serve_app.h"

namespace ejournal::app {

Command serveCommand() {
  return {
      {"serve",
       "--config FILE",
       "Запускает HTTP-службу (JSON API в /api/v1, веб-страницы, /healthz) с пользователями, ролями, "
       "журналом "
       "аудита и заданиями по расписанию. Настройки берутся из файла .properties или .xml (ключи — в "
       "docs/api.md); параметры ниже их переопределяют. Простой HTTP слушает только 127.0.0.1; для сети — "
       "HTTPS. Останавливается по SIGTERM.",
       {{"config", "FILE", "файл настроек (.properties или .xml)"},
        {"http-port", "N", "порт простого HTTP на 127.0.0.1"},
        {"https-port", "N", "порт HTTPS"},
        {"log-level", "LEVEL", "fatal, error, warning, notice, information, debug"}}},
      [](const Args& args) {
        if (!args.positional.empty())
          throw Error(ErrorKind::Input, "serve",
                      "лишний аргумент «" + args.positional.front() + "» (см. --help)");
        service::ServeArguments a;
        a.config = args.get("config", "");
        for (const auto& [option, key] : {std::pair<const char*, const char*>{"db", "db"},
                                          {"http-port", "http.port"},
                                          {"https-port", "https.port"},
                                          {"log-level", "log.level"}})
          if (auto v = args.get(option)) a.overrides[key] = *v;
        for (const char* port : {"http-port", "https-port"})
          if (auto v = args.get(port)) {
            const bool digits =
                !v->empty() && v->size() <= 5 && v->find_first_not_of("0123456789") == std::string::npos;
            if (!digits || std::stoi(*v) > 65535)
              throw Error(ErrorKind::Input, std::string("--") + port,
                          "ожидается номер порта от 0 до 65535, указано «" + *v + "»");
          }
        const int rc = service::runServeApplication(a);
        return rc == 0 ? kExitOk : kExitError;
      }};
}

}  // namespace ejournal::app

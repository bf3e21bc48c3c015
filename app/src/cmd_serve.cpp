// `ejournal serve --config FILE`: runs the HTTP service (app/src/service, docs/api.md).
#include "commands.h"
#include "service/serve_app.h"

namespace ejournal::app {

Command serveCommand() {
  return {{"serve",
           "--config FILE",
           "Запускает HTTP-службу (JSON API в /api/v1, веб-страницы, /healthz) с пользователями, ролями, журналом "
           "аудита и заданиями по расписанию. Настройки берутся из файла .properties или .xml (ключи — в "
           "docs/api.md); параметры ниже их переопределяют. Простой HTTP слушает только 127.0.0.1; для сети — "
           "HTTPS. Останавливается по SIGTERM.",
           {{"config", "FILE", "файл настроек (.properties или .xml)"},
            {"http-port", "N", "порт простого HTTP на 127.0.0.1"},
            {"https-port", "N", "порт HTTPS"},
            {"log-level", "LEVEL", "fatal, error, warning, notice, information, debug"}}},
          [](const Args& args) {
            std::vector<std::string> argv;
            for (const char* name : {"config", "db", "http-port", "https-port", "log-level"})
              if (auto v = args.get(name)) argv.push_back("--" + std::string(name) + "=" + *v);
            int rc = service::runServeApplication(argv);
            return rc == 0 ? kExitOk : kExitError;
          }};
}

}  // namespace ejournal::app

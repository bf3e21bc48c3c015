// `ejournal serve --config FILE`: runs the HTTP service (app/src/service, docs/api.md).
#include "commands.h"
#include "service/serve_app.h"

namespace ejournal::app {

Command serveCommand() {
  return {{"serve",
           "--config FILE",
           "Run the HTTP service (JSON API under /api/v1, /healthz) with users, roles, audit log and scheduled "
           "jobs. Settings come from a .properties or .xml file (docs/api.md lists the keys); the options below "
           "override them. Plain HTTP listens on loopback only; use HTTPS for the network. Stops on SIGTERM.",
           {{"config", "FILE", "configuration file (.properties or .xml)"},
            {"http-port", "N", "plain HTTP port on 127.0.0.1"},
            {"https-port", "N", "HTTPS port"},
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

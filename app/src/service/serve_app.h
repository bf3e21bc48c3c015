// `ejournal serve`: the service as a Poco::Util::ServerApplication (options from a properties or XML config
// file and the command line, logging to a rotating file and the console, clean stop on SIGTERM/SIGINT).
#pragma once

#include <map>
#include <string>

namespace ejournal::app::service {

// What `ejournal serve` was given, parsed once by the CLI: the configuration file, and the configuration keys
// its options set ("db", "http.port", "https.port", "log.level"), which win over the file.
struct ServeArguments {
  std::string config;
  std::map<std::string, std::string> overrides;
};

// Runs the server until a termination request. Returns the process exit code (0 after a clean stop).
int runServeApplication(const ServeArguments& arguments);

// Configures the root logger: a console channel and, when `file` is set, a FileChannel rotated at `rotation`
// ("10 M") keeping `keep` archives.
void configureLogging(const std::string& file, const std::string& level, const std::string& rotation,
                      int keep, bool console);

}  // namespace ejournal::app::service

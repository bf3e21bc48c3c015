// `ejournal serve`: the service as a Poco::Util::ServerApplication (options from a properties or XML config file
// and the command line, logging to a rotating file and the console, clean stop on SIGTERM/SIGINT).
#pragma once

#include <string>
#include <vector>

namespace ejournal::app::service {

// Runs the server until a termination request; `argv` holds Poco-style options (--config=FILE, --db=CONN,
// --http-port=N, --https-port=N, --log-level=L). Returns the process exit code.
int runServeApplication(const std::vector<std::string>& argv);

// Configures the root logger: a console channel and, when `file` is set, a FileChannel rotated at `rotation`
// ("10 M") keeping `keep` archives.
void configureLogging(const std::string& file, const std::string& level, const std::string& rotation, int keep,
                      bool console);

}  // namespace ejournal::app::service

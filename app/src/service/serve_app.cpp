// The ServerApplication shell around Service (serve_app.h), after Poco's Util/samples/SampleServer.
#include "service/serve_app.h"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/Exception.h>
#include <Poco/FileChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>
#include <Poco/SplitterChannel.h>
#include <Poco/Util/MapConfiguration.h>
#include <Poco/Util/ServerApplication.h>

#include <filesystem>
#include <iostream>

#include "ejournal/model/error.h"
#include "service/config.h"
#include "service/service.h"

namespace ejournal::app::service {

void configureLogging(const std::string& file, const std::string& level, const std::string& rotation,
                      int keep, bool console) {
  Poco::AutoPtr<Poco::SplitterChannel> splitter(new Poco::SplitterChannel);
  if (console) splitter->addChannel(new Poco::ConsoleChannel(std::cerr));
  if (!file.empty()) {
    std::filesystem::path p(file);
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
    Poco::AutoPtr<Poco::FileChannel> fc(new Poco::FileChannel(file));
    fc->setProperty("rotation", rotation);
    fc->setProperty("archive", "timestamp");
    fc->setProperty("purgeCount", std::to_string(keep));
    fc->setProperty("flush", "false");
    splitter->addChannel(fc);
  }
  Poco::AutoPtr<Poco::PatternFormatter> fmt(new Poco::PatternFormatter("%Y-%m-%d %H:%M:%S.%i %q %s: %t"));
  fmt->setProperty("times", "local");
  Poco::AutoPtr<Poco::FormattingChannel> fch(new Poco::FormattingChannel(fmt, splitter));
  Poco::Logger::root().setChannel(fch);
  Poco::Logger::root().setLevel(level);
  for (const char* name : {"ejournal.service", "ejournal.http"}) {
    Poco::Logger::get(name).setChannel(fch);
    Poco::Logger::get(name).setLevel(level);
  }
}

namespace {

class ServeApp : public Poco::Util::ServerApplication {
 public:
  explicit ServeApp(ServeArguments arguments) : arguments_(std::move(arguments)) {}

 protected:
  int main(const std::vector<std::string>&) override {
    if (arguments_.config.empty()) {
      std::cerr << "ejournal serve: ошибка: укажите файл настроек: --config FILE\n";
      return EXIT_USAGE;
    }
    if (!std::filesystem::exists(arguments_.config)) {
      std::cerr << "ejournal serve: ошибка: файл настроек не найден: " << arguments_.config << "\n";
      return EXIT_USAGE;
    }
    // An error is said once: on the console before logging is set up, or when the log has no console; to the
    // log (and so to the console when it has one) afterwards.
    bool logging = false, logToConsole = false;
    auto report = [&](const std::string& text) {
      if (!logging || !logToConsole) std::cerr << "ejournal serve: ошибка: " << text << "\n";
      if (logging) Poco::Logger::get("ejournal.service").critical(text);
    };
    try {
      // Command-line values win over the file: a layer of their own, consulted before the file's (a lower
      // priority value comes first; the file is at PRIO_APPLICATION).
      loadConfiguration(arguments_.config, PRIO_APPLICATION);
      Poco::AutoPtr<Poco::Util::MapConfiguration> overrides(new Poco::Util::MapConfiguration);
      for (const auto& [k, v] : arguments_.overrides) overrides->setString(k, v);
      config().add(overrides, PRIO_APPLICATION - 10, false);
      ServiceConfig cfg = ServiceConfig::fromConfiguration(config());
      configureLogging(cfg.logFile, cfg.logLevel, cfg.logRotation, cfg.logKeep, cfg.logConsole);
      logging = true;
      logToConsole = cfg.logConsole;
      Service service(cfg);
      service.start();
      Poco::Logger::get("ejournal.service")
          .notice("listening: http 127.0.0.1:%d, https %d", service.httpPort(), service.httpsPort());
      waitForTerminationRequest();
      service.stop();
    } catch (const Error& e) {
      report(e.what());
      return EXIT_CONFIG;
    } catch (const Poco::Exception& e) {
      report(e.displayText());
      return EXIT_SOFTWARE;
    } catch (const std::exception& e) {
      report(e.what());
      return EXIT_SOFTWARE;
    }
    return EXIT_OK;
  }

 private:
  const ServeArguments arguments_;
};

}  // namespace

int runServeApplication(const ServeArguments& arguments) {
  // The options were parsed by the CLI; Poco sees only the program name.
  std::string name = "ejournal-serve";
  char* argv[] = {name.data(), nullptr};
  ServeApp app(arguments);
  try {
    return app.run(1, argv);
  } catch (const Poco::Exception& e) {
    std::cerr << "ejournal serve: ошибка: " << e.displayText() << "\n";
    return 2;
  }
}

}  // namespace ejournal::app::service

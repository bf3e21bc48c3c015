// The fixture shared by the service test executables (service_test, service_journal_test): a blocking HTTP
// client for loopback calls, the back ends to run on (SQLite always, PostgreSQL when EJOURNAL_PG is set), and
// Env, a running service on a free loopback port with one user per role, a fixed injected clock and its own
// temp dir.
#pragma once

#include <Poco/JSON/Object.h>

#include <filesystem>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ejournal/model/clock.h"
#include "ejournal/store/users.h"
#include "service/service.h"

namespace ejournal::servicetest {

// The password of every user Env creates.
extern const std::string kPassword;

// ---- HTTP client ------------------------------------------------------------------------------------------

struct Resp {
  int status = 0;
  std::string body;
  std::string contentType;
  std::map<std::string, std::string> headers;  // every response header, by its name as sent
  Poco::JSON::Object::Ptr json() const;
  std::string errorMessage() const;                   // error.message of a JSON error body
  std::string header(const std::string& name) const;  // "" when absent
};

// One request on a new connection to 127.0.0.1:port. A body is sent with POST and PATCH (and whenever not
// empty), chunked when `chunked`, else with Content-Length `declaredLength` (0: the body's size).
Resp call(int port, const std::string& method, const std::string& path, const std::string& token = {},
          const std::string& body = {}, const std::string& contentType = "application/json",
          bool chunked = false, size_t declaredLength = 0);

// A GET with cookies and no bearer header, as a browser asks for a page: the session cookie carries the
// token.
Resp page(int port, const std::string& path, const std::string& cookies);

// A JSON object of string fields.
std::string jsonBody(std::initializer_list<std::pair<std::string, std::string>> fields);

// ---- back ends --------------------------------------------------------------------------------------------

// "sqlite", and "postgresql" when EJOURNAL_PG is set.
std::vector<std::string> backends();

// Drops and creates database `name` on the EJOURNAL_PG server; returns the store connection string for it.
std::string freshPostgres(const std::string& name);

// ---- fixture ----------------------------------------------------------------------------------------------

// A started service: store on `backend` (a SQLite file in `dir`, or a fresh PostgreSQL database
// "svc_<name>"), HTTP on a free loopback port, the scheduler stopped (jobs run through Scheduler::tick()),
// the clock fixed at 2025-10-20T10:00:00, and users admin, deputy, secretary, classteacher (staff t3),
// teacher (staff t6), auditor. `extra` adds or overrides configuration keys. `name` must be unique per test
// case across all executables.
struct Env {
  std::filesystem::path dir;
  std::shared_ptr<model::FixedClock> clock;
  std::unique_ptr<app::service::Service> service;
  int port = 0;
  std::map<store::Role, std::string> logins;

  Env(const std::string& backend, const std::string& name, std::map<std::string, std::string> extra = {});
  ~Env();
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  void addUsers();
  std::string token(store::Role r);  // logs in (the test fails unless 200)
  Resp ingestFile(const std::string& token, const std::filesystem::path& file,
                  const std::string& name = "tiny.xml");
  void ingestTiny();  // samples/tiny.xml as the administrator; the test fails unless 200
  // Another school in the store: the regional administrator creates its administrator "<id>-admin" (password
  // kPassword), who uploads `xml`, the school's journal; returns that administrator's token. The test fails
  // unless each step succeeds.
  std::string addSchool(const std::string& id, const std::string& xml);
  // samples/tiny.xml as school `id`: its names `fullName` and `shortName`; every surname `surname` if not
  // empty.
  static std::string tinyAs(const std::string& id, const std::string& fullName, const std::string& shortName,
                            const std::string& surname = "");
};

}  // namespace ejournal::servicetest

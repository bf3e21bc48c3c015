// The ejournal HTTP service: the JSON API under /api/v1 and /healthz over the same library as the CLI, with
// users, roles, tokens, the audit log and the scheduled jobs. `ejournal serve` runs it inside a Poco
// ServerApplication (serve_app.h); tests construct it directly on loopback with an injected clock.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ejournal/model/clock.h"
#include "ejournal/store/users.h"
#include "service/config.h"

namespace ejournal::store {
class Store;
class AuditLog;
class JobLog;
}  // namespace ejournal::store

namespace ejournal::app::service {

class Scheduler;

// One endpoint of the API and who may call it (docs/api.md, "Roles"). Deny by default: a role not listed is
// refused with 403; an endpoint with no roles and not public is refused to everyone.
struct EndpointSpec {
  std::string method;  // "GET", "POST", "PATCH"
  std::string path;    // "/api/v1/archives/{id}"
  std::vector<store::Role> roles;
  bool publicAccess = false;  // no token needed (/healthz, login)
  std::string summary;        // one line, English
  bool allows(store::Role r) const;
};

struct ServiceCore;

class Service {
 public:
  // Opens the store named by config.db (migrating it), reads or creates the token secret, prepares the
  // listeners' parameters. Throws ejournal::Error on a bad configuration or store.
  Service(ServiceConfig config, std::shared_ptr<model::Clock> clock = model::systemClock());
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Binds the listeners (HTTP on loopback, HTTPS) and starts serving and the scheduler. Throws
  // Error(Internal) when a port cannot be bound or the certificate cannot be loaded.
  void start();
  // Stops accepting, waits for running requests and jobs. Idempotent.
  void stop();

  int httpPort() const;  // the bound port (useful with port 0); 0 when disabled
  int httpsPort() const;

  const std::vector<EndpointSpec>& endpoints() const;
  const ServiceConfig& config() const;
  store::Store& store();
  store::UserRepository& users();
  store::AuditLog& audit();
  store::JobLog& jobs();
  Scheduler& scheduler();

 private:
  std::unique_ptr<ServiceCore> core_;
};

}  // namespace ejournal::app::service

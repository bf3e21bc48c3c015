// The web pages' one way to the journal: an in-process call of a JSON API route (the same handler, the same
// role check of its EndpointSpec, the same narrowing to the user's classes and subjects, the same audit
// records) with the session's user instead of a bearer header. A page never reads the store or runs a rule
// itself: it calls the endpoint a curl user would call and renders the answer. Private to app/src/service.
#pragma once

#include <Poco/JSON/Object.h>

#include <map>
#include <optional>
#include <string>

#include "ejournal/model/date.h"
#include "ejournal/store/users.h"

namespace ejournal::app::service {

struct ServiceCore;
struct Route;

// Who calls: the user of a session (its token id and expiry, for logout) and the client address (audit).
struct Caller {
  std::optional<store::User> user;  // none for public endpoints (login)
  std::string tokenId;
  model::DateTime tokenExpires;
  std::string address;
};

struct ApiAnswer {
  int status = 0;
  std::string contentType;
  std::string disposition;  // Content-Disposition, for downloads
  std::string body;
  // The body as a JSON object; throws ApiError 500 when it is not one.
  Poco::JSON::Object::Ptr json() const;
};

// The route serving `method` and the concrete `path` ("/api/v1/archives/x.tar/verify"), with its path
// parameters; nullptr when none.
const Route* findRoute(const ServiceCore& core, const std::string& method, const std::string& path,
                       std::map<std::string, std::string>* params = nullptr);

// Throws ApiError 401 without a user and 403 when the route's EndpointSpec does not allow the user's role
// (deny by default), with the API's message. Public routes pass.
void requireAllowed(const Route& route, const Caller& caller);
// Whether the user's role may call `method path` (a path pattern of the matrix, e.g. "/api/v1/users").
bool mayCall(const ServiceCore& core, const store::User& user, const std::string& method,
             const std::string& pattern);

// Calls the API route for `method path` with `query` and a JSON `body` (POST, PATCH) as `caller`. Returns the
// answer of a handler that succeeded; a handler's error (ApiError, ejournal::Error, ingest::InvalidDocument)
// propagates to the caller as the API would have answered it.
ApiAnswer callApi(ServiceCore& core, const Caller& caller, const std::string& method, const std::string& path,
                  const std::map<std::string, std::string>& query = {}, const std::string& body = {});

}  // namespace ejournal::app::service

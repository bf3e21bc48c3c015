// The web interface of `ejournal serve` (docs/web.md): server-rendered pages in Russian for every role, from
// the Mustache templates in templates/web/, over the same API routes (web_api.h), with a session cookie
// carrying the API's own token. Everything outside /api/ and /healthz is the web's. Private to
// app/src/service.
#pragma once

#include <string>

namespace Poco::Net {
class HTTPRequestHandler;
}

namespace ejournal::app::service {

struct ServiceCore;

// Whether a request URI belongs to the web interface (not /api/..., not /healthz).
bool isWebPath(const std::string& uri);
Poco::Net::HTTPRequestHandler* newWebHandler(ServiceCore& core);
// Waits for the web's running tasks (Service::stop).
void stopWeb(ServiceCore& core);

}  // namespace ejournal::app::service

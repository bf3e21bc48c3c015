// Delivering the outbox (store/checks.h) through the school's SMTP server with Poco::Net's SMTP client: plain
// SMTP or STARTTLS, with or without a login. Messages are UTF-8 plain text with an RFC 2047 encoded Russian
// subject. A message that fails stays in the outbox (status failed, the error kept) and is retried by the
// next delivery; one delivered is marked sent at once and never sent again.
#pragma once

#include <string>
#include <vector>

#include "ejournal/model/clock.h"
#include "ejournal/store/checks.h"
#include "ejournal/store/store.h"

namespace ejournal::app {

struct SmtpSettings {
  std::string host;  // empty: no mail server configured (nothing is sent, the outbox waits)
  int port = 25;
  bool startTls = false;  // STARTTLS before the login (the server's certificate is verified)
  std::string login;      // empty: no login
  std::string password;
  std::string from;  // "ejournal@school.example"
  std::string fromName = "Электронный журнал";
  int timeoutSeconds = 30;
  std::string caFile;  // PEM CA for STARTTLS; empty: the system's
  std::string helo = "ejournal";
};

struct DeliveryReport {
  int sent = 0;
  int failed = 0;                     // will be retried
  int noAddress = 0;                  // teachers without an e-mail address (the remarks wait on their page)
  std::vector<std::string> problems;  // Russian, one per failed message
  // "Отправлено писем: 3; не доставлено: 1 (повтор при следующем запуске); без адреса: 2."
  std::string summary() const;
};

// The MIME text of a message (headers and body), as it is sent: for tests and `ejournal notify --show`.
std::string mimeText(const store::OutgoingMessage& message, const SmtpSettings& smtp,
                     const model::Clock& clock);

// Sends every unsent message with an address (oldest first) in one SMTP session; a failure to connect fails
// them all for this run. Throws nothing for delivery problems (they are in the report); Error(Input) when
// `smtp` has no host or no sender.
DeliveryReport deliverOutbox(store::Store& store, const SmtpSettings& smtp, const model::Clock& clock);

}  // namespace ejournal::app

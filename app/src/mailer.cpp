// Delivering the outbox through SMTP (mailer.h).
#include "mailer.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureSMTPClientSession.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <memory>
#include <sstream>

#include "ejournal/model/error.h"

namespace ejournal::app {

namespace {

// RFC 2047 "B" encoded words of at most 75 characters, split only between UTF-8 characters (every encoded
// word must hold whole characters), folded onto continuation lines. ASCII text without specials is left as it
// is.
std::string encodeWords(const std::string& text) {
  bool plain = true;
  for (unsigned char c : text) plain = plain && c >= 0x20 && c < 0x7f && c != '=' && c != '?';
  if (plain) return text;
  static const char* b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto base64 = [](std::string_view in) {
    std::string out;
    for (size_t i = 0; i < in.size(); i += 3) {
      const unsigned n = (static_cast<unsigned char>(in[i]) << 16) |
                         (i + 1 < in.size() ? static_cast<unsigned char>(in[i + 1]) << 8 : 0) |
                         (i + 2 < in.size() ? static_cast<unsigned char>(in[i + 2]) : 0);
      out += b64[(n >> 18) & 63];
      out += b64[(n >> 12) & 63];
      out += i + 1 < in.size() ? b64[(n >> 6) & 63] : '=';
      out += i + 2 < in.size() ? b64[n & 63] : '=';
    }
    return out;
  };
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    // 45 bytes give 60 base64 characters: "=?UTF-8?B?" + 60 + "?=" = 72.
    size_t end = std::min(text.size(), pos + 45);
    while (end < text.size() && end > pos + 1 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
      --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(std::string_view(text).substr(pos, end - pos)) + "?=";
    pos = end;
  }
  return out;
}

void toMail(const store::OutgoingMessage& m, const SmtpSettings& smtp, Poco::Net::MailMessage& mail) {
  using Poco::Net::MailMessage;
  mail.setSender(encodeWords(smtp.fromName) + " <" + smtp.from + ">");
  mail.addRecipient(Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, m.recipient));
  mail.setSubject(encodeWords(m.subject));
  mail.setContentType("text/plain; charset=UTF-8");
  mail.set("Auto-Submitted", "auto-generated");
  mail.set("X-Ejournal-Batch", m.batch);
  mail.setContent(m.body, MailMessage::ENCODING_QUOTED_PRINTABLE);
}

std::string plainError(const std::exception& e) {
  if (const auto* p = dynamic_cast<const Poco::Exception*>(&e)) return p->displayText();
  return e.what();
}

}  // namespace

std::string DeliveryReport::summary() const {
  std::ostringstream o;
  o << "отправлено писем: " << sent;
  if (failed) o << "; не доставлено: " << failed << " (повтор при следующем запуске)";
  if (noAddress) o << "; без адреса электронной почты: " << noAddress << " (замечания — на странице учителя)";
  return o.str();
}

std::string mimeText(const store::OutgoingMessage& message, const SmtpSettings& smtp, const model::Clock&) {
  std::ostringstream o;
  Poco::Net::MailMessage mail;
  toMail(message, smtp, mail);
  mail.write(o);
  return o.str();
}

DeliveryReport deliverOutbox(store::Store& store, const SmtpSettings& smtp, const model::Clock& clock) {
  if (smtp.host.empty()) throw Error(ErrorKind::Input, "smtp", "не указан почтовый сервер (SMTP)");
  if (smtp.from.empty()) throw Error(ErrorKind::Input, "smtp", "не указан адрес отправителя");
  auto history = store::openCheckHistory(store);
  DeliveryReport report;
  std::vector<store::OutgoingMessage> todo;
  for (auto& m : history->unsent(100000)) {
    if (m.recipient.empty())
      ++report.noAddress;
    else
      todo.push_back(std::move(m));
  }
  if (todo.empty()) return report;
  const std::string server = smtp.host + ":" + std::to_string(smtp.port);
  std::unique_ptr<Poco::Net::SecureSMTPClientSession> session;
  try {
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress(smtp.host, static_cast<Poco::UInt16>(smtp.port)),
                   Poco::Timespan(smtp.timeoutSeconds, 0));
    session = std::make_unique<Poco::Net::SecureSMTPClientSession>(socket);
    session->setTimeout(Poco::Timespan(smtp.timeoutSeconds, 0));
    session->login(smtp.helo);
    if (smtp.startTls) {
      Poco::Net::Context::Params params;
      params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
      params.caLocation = smtp.caFile;
      params.loadDefaultCAs = smtp.caFile.empty();
      Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
      if (!session->startTLS(context)) throw Poco::Net::SMTPException("сервер не поддерживает STARTTLS");
    }
    if (!smtp.login.empty())
      session->login(smtp.helo, Poco::Net::SMTPClientSession::AUTH_LOGIN, smtp.login, smtp.password);
  } catch (const std::exception& e) {
    const std::string why = "почтовый сервер " + server + " недоступен: " + plainError(e);
    for (const auto& m : todo) {
      history->markFailed(m.id, why, clock.now());
      ++report.failed;
    }
    report.problems.push_back(why);
    return report;
  }
  for (const auto& m : todo) {
    try {
      Poco::Net::MailMessage mail;
      toMail(m, smtp, mail);
      session->sendMessage(mail);
      history->markSent(m.id, clock.now());
      ++report.sent;
    } catch (const std::exception& e) {
      const std::string why =
          "письмо для " + m.recipient + " не принято сервером " + server + ": " + plainError(e);
      history->markFailed(m.id, why, clock.now());
      ++report.failed;
      report.problems.push_back(why);
      // The session may be unusable now: the rest wait for the next run.
      if (dynamic_cast<const Poco::Net::NetException*>(&e) &&
          !dynamic_cast<const Poco::Net::SMTPException*>(&e))
        break;
    }
  }
  try {
    session->close();
  } catch (const std::exception&) {
    // Every message was marked already; a failed QUIT changes nothing.
  }
  return report;
}

}  // namespace ejournal::app

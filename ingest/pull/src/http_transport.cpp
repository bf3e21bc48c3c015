// The Poco HTTP(S) back end of the dnevnik.ru client: one keep-alive session per transport, the Access-Token
// header on every request, HTTPS with an explicit verifying Context (tech-notes §2.4). Poco exceptions are
// translated into ejournal::Error here and never leave this file.
#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <sstream>

#include "ejournal/ingest/dnevnik.h"
#include "ejournal/model/once.h"

namespace ejournal::ingest::dnevnik {
namespace {

// One reference to Poco's OpenSSL set-up for the life of the process, shared with the service (model/once.h).
void initializeSslOnce() {
  model::callOncePerProcess("poco-openssl", [] { Poco::Net::initializeSSL(); });
}

class PocoTransport : public HttpTransport {
 public:
  explicit PocoTransport(const ConnectionOptions& options) : options_(options) {
    Poco::URI uri;
    try {
      uri = Poco::URI(options.baseUrl);
    } catch (const Poco::Exception& e) {
      throw Error(ErrorKind::Input, "--base-url",
                  "некорректный адрес API «" + options.baseUrl + "»: " + e.displayText());
    }
    scheme_ = uri.getScheme();
    if (scheme_ != "http" && scheme_ != "https")
      throw Error(
          ErrorKind::Input, "--base-url",
          "адрес API «" + options.baseUrl + "» должен начинаться с https:// (или http:// для эмулятора)");
    if (uri.getHost().empty())
      throw Error(ErrorKind::Input, "--base-url", "в адресе API «" + options.baseUrl + "» нет имени сервера");
    host_ = uri.getHost();
    port_ = uri.getPort();
    prefix_ = uri.getPath();
    while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
    // Requests carry "/v2/..." targets; drop a "/v2" or "/v2.0" the URL already ends with.
    for (const char* v : {"/v2", "/v2.0"}) {
      const std::string s = v;
      if (prefix_.size() >= s.size() && prefix_.compare(prefix_.size() - s.size(), s.size(), s) == 0) {
        prefix_.resize(prefix_.size() - s.size());
        break;
      }
    }
    if (scheme_ == "https") {
      initializeSslOnce();
      try {
        context_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", options.caFile,
                                          Poco::Net::Context::VERIFY_STRICT, 9, true,
                                          "ALL:!ADH:!LOW:!EXP:!MD5:@STRENGTH");
      } catch (const Poco::Exception& e) {
        throw Error(ErrorKind::Input, "--ca-file", "не удалось настроить TLS: " + e.displayText());
      }
    }
  }

  HttpResponse send(const HttpRequest& request) override {
    const std::string target = prefix_ + request.target;
    try {
      if (!session_) connect();
      Poco::Net::HTTPRequest req(request.method, target, Poco::Net::HTTPMessage::HTTP_1_1);
      req.set("Access-Token", options_.token);
      req.set("Accept", "application/json");
      req.setKeepAlive(true);
      if (!request.body.empty() || request.method == "POST") {
        req.setContentType("application/json");
        req.setContentLength(static_cast<std::streamsize>(request.body.size()));
      }
      std::ostream& out = session_->sendRequest(req);
      out << request.body;
      Poco::Net::HTTPResponse res;
      std::istream& in = session_->receiveResponse(res);
      HttpResponse result;
      result.status = static_cast<int>(res.getStatus());
      result.contentType = res.getContentType();
      result.retryAfter = res.get("Retry-After", "");
      std::ostringstream body;
      Poco::StreamCopier::copyStream(in, body);
      result.body = std::move(body).str();
      if (!res.getKeepAlive()) session_.reset();
      return result;
    } catch (const Poco::Exception& e) {
      session_.reset();  // a broken or timed-out connection is not reused
      throw Error(ErrorKind::Internal, request.method + " " + target,
                  "нет ответа от " + host_ + ": " + e.displayText());
    } catch (const std::exception& e) {
      session_.reset();
      throw Error(ErrorKind::Internal, request.method + " " + target,
                  "нет ответа от " + host_ + ": " + e.what());
    }
  }

 private:
  void connect() {
    if (scheme_ == "https")
      session_ = std::make_unique<Poco::Net::HTTPSClientSession>(host_, port_, context_);
    else
      session_ = std::make_unique<Poco::Net::HTTPClientSession>(host_, port_);
    session_->setTimeout(Poco::Timespan(static_cast<long>(options_.timeout.count() / 1000),
                                        static_cast<long>((options_.timeout.count() % 1000) * 1000)));
    session_->setKeepAlive(true);
  }

  ConnectionOptions options_;
  std::string scheme_;
  std::string host_;
  Poco::UInt16 port_ = 0;
  std::string prefix_;
  Poco::Net::Context::Ptr context_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
};

}  // namespace

std::unique_ptr<HttpTransport> makeHttpTransport(const ConnectionOptions& options) {
  return std::make_unique<PocoTransport>(options);
}

}  // namespace ejournal::ingest::dnevnik

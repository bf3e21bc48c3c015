// In-process calls of the JSON API routes for the web pages (web_api.h).
#include "service/web_api.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/URI.h>

#include <fstream>
#include <sstream>

#include "service/core.h"

namespace ejournal::app::service {

using Poco::Net::HTTPResponse;

namespace {

std::vector<std::string> segmentsOf(const std::string& path) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : path) {
    if (c == '/') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

class MemoryResponse : public Poco::Net::HTTPServerResponse {
 public:
  void sendContinue() override {}
  std::ostream& send() override {
    sent_ = true;
    return body_;
  }
  void sendFile(const std::string& path, const std::string& mediaType) override {
    setContentType(mediaType);
    std::ifstream in(path, std::ios::binary);
    send() << in.rdbuf();
  }
  void sendBuffer(const void* buffer, std::size_t length) override {
    send().write(static_cast<const char*>(buffer), static_cast<std::streamsize>(length));
  }
  void redirect(const std::string& uri, HTTPStatus status) override {
    setStatusAndReason(status);
    set("Location", uri);
    send();
  }
  void requireAuthentication(const std::string&) override { setStatusAndReason(HTTP_UNAUTHORIZED); }
  bool sent() const override { return sent_; }
  std::string body() const { return body_.str(); }

 private:
  std::ostringstream body_;
  bool sent_ = false;
};

class MemoryRequest : public Poco::Net::HTTPServerRequest {
 public:
  MemoryRequest(MemoryResponse& res, const std::string& address, std::string body)
      : res_(res), body_(std::move(body)), client_(address, 0), params_(new Poco::Net::HTTPServerParams) {}
  std::istream& stream() override { return body_; }
  const Poco::Net::SocketAddress& clientAddress() const override { return client_; }
  const Poco::Net::SocketAddress& serverAddress() const override { return server_; }
  const Poco::Net::HTTPServerParams& serverParams() const override { return *params_; }
  Poco::Net::HTTPServerResponse& response() const override { return res_; }
  bool secure() const override { return true; }

 private:
  MemoryResponse& res_;
  std::istringstream body_;
  Poco::Net::SocketAddress client_;
  Poco::Net::SocketAddress server_;
  Poco::Net::HTTPServerParams::Ptr params_;
};

}  // namespace

Poco::JSON::Object::Ptr ApiAnswer::json() const {
  try {
    Poco::JSON::Parser parser;
    auto v = parser.parse(body);
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
  }
  throw ApiError(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal",
                 "внутренняя ошибка: ответ API не JSON");
}

const Route* findRoute(const ServiceCore& core, const std::string& method, const std::string& path,
                       std::map<std::string, std::string>* params) {
  const auto segs = segmentsOf(path);
  for (const auto& r : core.routes) {
    if (r.spec.method != method || r.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> p;
    bool ok = true;
    for (size_t i = 0; ok && i < segs.size(); ++i) {
      const std::string& pat = r.segments[i];
      if (pat.size() > 2 && pat.front() == '{' && pat.back() == '}')
        p[pat.substr(1, pat.size() - 2)] = segs[i];
      else
        ok = pat == segs[i];
    }
    if (!ok) continue;
    if (params) *params = std::move(p);
    return &r;
  }
  return nullptr;
}

void requireAllowed(const Route& route, const Caller& caller) {
  if (route.spec.publicAccess) return;
  if (!caller.user)
    throw ApiError(HTTPResponse::HTTP_UNAUTHORIZED, "unauthorized", "требуется вход в систему");
  if (!route.spec.allows(caller.user->role))
    throw ApiError(HTTPResponse::HTTP_FORBIDDEN, "forbidden",
                   "недостаточно прав: роль «" + std::string(store::russianTitle(caller.user->role)) +
                       "» не может выполнять «" + route.spec.method + " " + route.spec.path + "»");
}

bool mayCall(const ServiceCore& core, const store::User& user, const std::string& method,
             const std::string& pattern) {
  for (const auto& r : core.routes)
    if (r.spec.method == method && r.spec.path == pattern) return r.spec.allows(user.role);
  return false;  // deny by default
}

ApiAnswer callApi(ServiceCore& core, const Caller& caller, const std::string& method, const std::string& path,
                  const std::map<std::string, std::string>& query, const std::string& body) {
  std::map<std::string, std::string> params;
  const Route* route = findRoute(core, method, path, &params);
  if (!route)
    throw ApiError(HTTPResponse::HTTP_NOT_FOUND, "no_such_endpoint", "нет такого адреса API: " + path);
  requireAllowed(*route, caller);
  for (auto& [name, value] : params) {
    std::string decoded;
    Poco::URI::decode(value, decoded);
    value = decoded;
  }
  Poco::URI uri(path);
  for (const auto& [k, v] : query) uri.addQueryParameter(k, v);
  MemoryResponse res;
  MemoryRequest req(res, caller.address.empty() ? std::string("127.0.0.1") : caller.address, body);
  req.setMethod(method);
  req.setURI(uri.toString());
  if (!body.empty()) {
    req.setContentType("application/json");
    req.setContentLength64(static_cast<Poco::Int64>(body.size()));
  }
  Call call{req, res, core, params, query, caller.user, caller.tokenId, caller.tokenExpires, caller.address,
            {},  {}};
  route->handler(call);
  ApiAnswer a;
  a.status = static_cast<int>(res.getStatus());
  a.contentType = res.getContentType();
  a.disposition = res.get("Content-Disposition", "");
  a.body = res.body();
  return a;
}

}  // namespace ejournal::app::service

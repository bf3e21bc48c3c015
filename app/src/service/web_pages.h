// The web interface's internals shared by web.cpp (handling, sessions, templates) and web_pages.cpp (the
// pages). Private to app/src/service.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <kainjow/mustache.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "ejournal/model/journal.h"
#include "ejournal/store/users.h"
#include "service/web_api.h"

namespace ejournal::app::service {
struct ServiceCore;
struct Snapshot;
}  // namespace ejournal::app::service

namespace ejournal::app::service::web {

using Data = kainjow::mustache::data;

inline const std::string kSessionCookie = "ejournal_session";
inline const std::string kSchoolCookie = "ejournal_school";  // a regional user's chosen school
inline const std::string kLoginCookie =
    "ejournal_login";  // the login form's CSRF value, before a session exists

// One web request.
struct Page {
  Page(ServiceCore& c, Poco::Net::HTTPServerRequest& rq, Poco::Net::HTTPServerResponse& rs)
      : core(c), req(rq), res(rs) {}
  ServiceCore& core;
  Poco::Net::HTTPServerRequest& req;
  Poco::Net::HTTPServerResponse& res;
  std::string address;
  std::string path;
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> form;  // a POST's fields
  std::optional<store::User> user;
  std::string tokenId;
  model::DateTime tokenExpires;
  bool wantsJson = false;    // a status poll: errors as JSON
  std::string periodShown;   // the header's period when the page is about one
  std::string flash, error;  // messages shown above the page
  std::shared_ptr<const Snapshot> snapshot;
  bool snapshotTried = false;

  Caller caller() const;
  std::string q(const std::string& name, const std::string& fallback = {}) const;
  std::string f(const std::string& name) const;
  // The API, as this page's user (web_api.h).
  ApiAnswer api(const std::string& method, const std::string& path,
                const std::map<std::string, std::string>& qs = {}, const std::string& body = {});
  Poco::JSON::Object::Ptr apiJson(const std::string& method, const std::string& path,
                                  const std::map<std::string, std::string>& qs = {},
                                  const std::string& body = {});
  // The school the page is about: a school user's own; a regional user's ?school=, kept in a cookie from the
  // page that chose it (see schoolFor). Empty when none is chosen.
  std::string school() const;
  // The loaded journal for the header (school name, periods); null when none is loaded.
  std::shared_ptr<const Snapshot> journal();
  std::string currentPeriod();  // the quarter (half-year, year) of today, or the nearest
  Data periodChoices(const std::string& selected, bool withYear);
  std::string periodTitle(const std::string& id);
  // The layout's data: title, school and period, user, navigation, CSRF token, messages.
  Data base(const std::string& title, const std::string& active);
};

// The quarter (else half-year, year) of `journal` holding `today`; outside the year its last quarter after
// it, its first before. Empty when the journal has no periods.
std::string currentPeriodOf(const model::Journal& journal, model::Date today);

std::map<std::string, std::string> parseForm(const std::string& body);
std::string csrfFor(const ServiceCore& core, const std::string& tokenId);
bool sameSecret(const std::string& a, const std::string& b);
std::string cookie(const Poco::Net::HTTPServerRequest& req, const std::string& name);
void setCookie(Poco::Net::HTTPServerResponse& res, const std::string& name, const std::string& value,
               int maxAge);
void sendHtml(Poco::Net::HTTPServerResponse& res, const std::string& html,
              Poco::Net::HTTPResponse::HTTPStatus status = Poco::Net::HTTPResponse::HTTP_OK);
void redirect(Poco::Net::HTTPServerResponse& res, const std::string& to);
// Renders templates/web/<page>.mustache inside templates/web/layout.mustache (every value HTML-escaped).
std::string render(const std::string& page, Data& data);
// JSON as template data: objects, lists, strings; numbers as Russian text (comma); every date or time string
// also as "<key>_ru" (01.09.2025, 02.09.2025 14:05).
Data toData(const Poco::Dynamic::Var& v);
Data toData(const Poco::JSON::Object::Ptr& o);
std::string russianDate(const std::string& s);
std::string number(double v, int decimals);

// An audit record with the page's user and address (as Call::audit), for what a page does beyond an API call.
void callApiAudit(Page& page, const std::string& action, const std::string& object,
                  const std::string& outcome, const std::string& details = {});

void loginPage(Page& page);
// Every page but /login and /static (the session and, for POST, the CSRF token are checked).
void routePage(Page& page);

}  // namespace ejournal::app::service::web

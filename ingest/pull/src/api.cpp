// Requests with retries and the field readers of the dnevnik.ru client (see api.h).
#include "api.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <thread>

namespace ejournal::ingest::dnevnik::detail {
namespace {

bool isDecimalId(const std::string& s) {
  if (s.empty() || s.size() > 20) return false;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

std::string stripTags(const std::string& html) {
  std::string out;
  bool inTag = false;
  for (char c : html) {
    if (c == '<')
      inTag = true;
    else if (c == '>')
      inTag = false;
    else if (!inTag)
      out += c;
  }
  auto b = out.find_first_not_of(" \t\r\n");
  auto e = out.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : out.substr(b, e - b + 1);
}

// "type: description" from the API's error body, the text of an HTML error page, or the start of the body.
std::string describeError(const HttpResponse& res) {
  try {
    Poco::JSON::Parser parser;
    Var root = parser.parse(res.body);
    if (root.type() == typeid(Object::Ptr)) {
      auto o = root.extract<Object::Ptr>();
      std::string type = str(o, "type"), description = str(o, "description");
      if (!type.empty() || !description.empty())
        return type + (type.empty() || description.empty() ? "" : ": ") + description;
    }
  } catch (const Poco::Exception&) {
  }
  const std::string marker = "error__description";
  if (auto p = res.body.find(marker); p != std::string::npos) {
    auto start = res.body.find('>', p);
    auto end = res.body.find("</div>", start == std::string::npos ? p : start);
    if (start != std::string::npos && end != std::string::npos)
      return stripTags(res.body.substr(start + 1, end - start - 1));
  }
  std::string text = res.contentType.find("html") != std::string::npos ? stripTags(res.body) : res.body;
  if (text.size() > 200) text = text.substr(0, 200) + "…";
  return text;
}

std::chrono::milliseconds backoff(const RetryPolicy& retry, int attempt) {
  auto d = retry.initialDelay;
  for (int i = 1; i < attempt && d < retry.maxDelay; ++i) d *= 2;
  return std::min(d, retry.maxDelay);
}

}  // namespace

Var Api::request(const std::string& method, const std::string& target, const std::string& body) {
  const std::string where = method + " " + target;
  const int attempts = std::max(1, retry_.maxAttempts);
  std::string lastFailure;
  for (int attempt = 1;; ++attempt) {
    ++stats_.requests;
    std::chrono::milliseconds delay = backoff(retry_, attempt);
    try {
      HttpResponse res = transport_.send(HttpRequest{method, target, body});
      if (res.status >= 200 && res.status < 300) {
        try {
          Poco::JSON::Parser parser;
          return parser.parse(res.body);
        } catch (const Poco::Exception& e) {
          lastFailure = "ответ не является корректным JSON (" + e.displayText() + ")";
        }
      } else if (res.status == 401) {
        throw Error(
            ErrorKind::Denied, where,
            "dnevnik.ru отклонил токен доступа (HTTP 401, " + describeError(res) +
                "). Токен недействителен или срок его действия истёк: получите новый токен и запишите его "
                "в файл токена. Ничего не загружено.");
      } else if (res.status == 403) {
        throw Error(
            ErrorKind::Denied, where,
            "dnevnik.ru запретил доступ (HTTP 403, " + describeError(res) +
                "). У токена нет прав на эти данные: проверьте, что токен выдан сотруднику этой школы с "
                "правом просмотра журнала. Ничего не загружено.");
      } else if (res.status == 429 || res.status >= 500) {
        lastFailure = "HTTP " + std::to_string(res.status) + " (" + describeError(res) + ")";
        if (res.status == 429 && !res.retryAfter.empty() &&
            std::all_of(res.retryAfter.begin(), res.retryAfter.end(),
                        [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) &&
            res.retryAfter.size() < 7)
          delay = std::min<std::chrono::milliseconds>(std::chrono::seconds(std::stoi(res.retryAfter)),
                                                      retry_.maxDelay);
      } else if (res.status == 404) {
        throw Error(ErrorKind::NotFound, where,
                    "dnevnik.ru не нашёл запрошенное (HTTP 404, " + describeError(res) + ")");
      } else {
        throw Error(
            ErrorKind::Input, where,
            "dnevnik.ru отверг запрос (HTTP " + std::to_string(res.status) + ", " + describeError(res) + ")");
      }
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::Internal) throw;
      lastFailure = e.message();  // network failure or timeout: retried
    }
    if (attempt >= attempts)
      throw Error(ErrorKind::Internal, where,
                  "dnevnik.ru не дал ответа после " + std::to_string(attempts) +
                      " попыток; последняя ошибка: " + lastFailure);
    ++stats_.retries;
    if (retry_.sleep)
      retry_.sleep(delay);
    else
      std::this_thread::sleep_for(delay);
  }
}

Array::Ptr Api::getArray(const std::string& target) {
  Var root = request("GET", target);
  if (root.type() != typeid(Array::Ptr))
    throw Error(ErrorKind::Input, "GET " + target,
                "dnevnik.ru вернул не JSON-массив, а " + std::string(root.isEmpty() ? "null" : "объект"));
  return root.extract<Array::Ptr>();
}

Object::Ptr Api::getObject(const std::string& target) {
  Var root = request("GET", target);
  if (root.type() != typeid(Object::Ptr))
    throw Error(ErrorKind::Input, "GET " + target, "dnevnik.ru вернул не JSON-объект");
  return root.extract<Object::Ptr>();
}

Array::Ptr Api::postArray(const std::string& target, const std::string& body) {
  Var root = request("POST", target, body);
  if (root.type() != typeid(Array::Ptr))
    throw Error(ErrorKind::Input, "POST " + target, "dnevnik.ru вернул не JSON-массив");
  return root.extract<Array::Ptr>();
}

std::string at(const std::string& target, size_t index) {
  return "GET " + target + " [" + std::to_string(index) + "]";
}

namespace {
std::string idFrom(const Object::Ptr& o, const std::string& key, const std::string& strKey,
                   const std::string& where) {
  if (o->has(strKey)) {
    Var v = o->get(strKey);
    if (v.isString()) {
      std::string s = v.extract<std::string>();
      if (!s.empty()) {
        if (!isDecimalId(s))
          throw Error(ErrorKind::Input, where,
                      "поле «" + strKey + "» не является идентификатором: «" + s + "»");
        return s;
      }
    }
  }
  if (!o->has(key)) return "";
  Var v = o->get(key);
  if (v.isEmpty()) return "";
  if (v.isInteger()) return v.convert<std::string>();
  if (v.isString()) {
    std::string s = v.extract<std::string>();
    if (s.empty()) return "";
    if (isDecimalId(s)) return s;
  }
  throw Error(ErrorKind::Input, where,
              "поле «" + key + "» не является целым идентификатором: " + v.convert<std::string>());
}
}  // namespace

std::string idOf(const Object::Ptr& o, const std::string& key, const std::string& where) {
  return idFrom(o, key, key + "_str", where);
}

std::string idOfPascal(const Object::Ptr& o, const std::string& key, const std::string& where) {
  return idFrom(o, key, key + "Str", where);
}

std::vector<std::string> idsOf(const Object::Ptr& o, const std::string& key, const std::string& where) {
  std::vector<std::string> out;
  if (auto a = o->getArray(key + "_str")) {
    for (size_t i = 0; i < a->size(); ++i) {
      Var v = a->get(static_cast<unsigned>(i));
      std::string s = v.isEmpty() ? "" : v.convert<std::string>();
      if (!isDecimalId(s))
        throw Error(ErrorKind::Input, where, "в «" + key + "_str» не идентификатор: «" + s + "»");
      out.push_back(s);
    }
    return out;
  }
  if (auto a = o->getArray(key)) {
    for (size_t i = 0; i < a->size(); ++i) {
      Var v = a->get(static_cast<unsigned>(i));
      if (!v.isInteger()) throw Error(ErrorKind::Input, where, "в «" + key + "» не целый идентификатор");
      out.push_back(v.convert<std::string>());
    }
  }
  return out;
}

std::string str(const Object::Ptr& o, const std::string& key) {
  if (!o->has(key)) return "";
  Var v = o->get(key);
  if (v.isEmpty()) return "";
  return v.convert<std::string>();
}

long long integer(const Object::Ptr& o, const std::string& key, long long fallback) {
  if (!o->has(key)) return fallback;
  Var v = o->get(key);
  if (v.isEmpty()) return fallback;
  try {
    return v.convert<long long>();
  } catch (const Poco::Exception&) {
    return fallback;
  }
}

std::optional<model::DateTime> dateTime(const Object::Ptr& o, const std::string& key,
                                        const std::string& where) {
  std::string text = str(o, key);
  if (text.empty()) return std::nullopt;
  // Clients cut values to 19 characters (upstream-api.md §0); we also accept a fraction, 'Z' or a space.
  std::string cut = text;
  if (auto plus = cut.find('+', 10); plus != std::string::npos)
    cut.resize(plus);  // an offset, if ever present
  auto dt = model::DateTime::parse(cut);
  if (!dt && cut.size() > 19) dt = model::DateTime::parse(cut.substr(0, 19));
  if (!dt) throw Error(ErrorKind::Input, where, "поле «" + key + "» не является датой: «" + text + "»");
  return dt;
}

Object::Ptr objectAt(const Array::Ptr& a, size_t i, const std::string& where) {
  auto o = a->getObject(static_cast<unsigned>(i));
  if (!o) throw Error(ErrorKind::Input, where, "элемент массива не является JSON-объектом");
  return o;
}

}  // namespace ejournal::ingest::dnevnik::detail

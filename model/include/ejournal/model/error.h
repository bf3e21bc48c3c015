// The one project exception type (conventions §6b): a job that cannot go on throws Error with what failed and
// where. Stages translate third-party exceptions into it at their edge. Messages meant for school users are
// in Russian; `where` is a file:line:column, a record ("оценка 66001") or an operation ("store.open").
// `detail` keeps a third-party library's own (English) text for the log: it is never part of what() or
// message(), which a user reads.
#pragma once

#include <stdexcept>
#include <string>

namespace ejournal {

enum class ErrorKind {
  Input,     // bad user data or arguments: exit code 2, message for the user
  NotFound,  // a named thing does not exist
  Conflict,  // refused by the state (e.g. sealing a sealed period)
  Denied,    // not allowed
  Internal,  // a library or I/O failure
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string where, const std::string& message)
      : std::runtime_error(where.empty() ? message : where + ": " + message),
        kind_(kind),
        where_(std::move(where)),
        message_(message) {}
  Error(ErrorKind kind, std::string where, const std::string& message, std::string detail)
      : Error(kind, std::move(where), message) {
    detail_ = std::move(detail);
  }
  ErrorKind kind() const { return kind_; }
  const std::string& where() const { return where_; }
  const std::string& message() const { return message_; }  // without the location
  const std::string& detail() const { return detail_; }    // for the log only; may be empty

 private:
  ErrorKind kind_;
  std::string where_;
  std::string message_;
  std::string detail_;
};

}  // namespace ejournal

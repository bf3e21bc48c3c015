// The Store implementation on the Database layer (SQLite or PostgreSQL), and the text forms the journal
// tables use for model values. Private to store/.
#pragma once

#include <Poco/Types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "database.h"
#include "ejournal/store/store.h"

namespace ejournal::store {

class SqlStore : public Store {
 public:
  SqlStore(const std::string& connection, std::shared_ptr<model::Clock> clock, bool migrate = true);

  Backend backend() const override { return db_.backend(); }
  std::unique_ptr<IngestTransaction> beginIngest(const model::Provenance& provenance) override;
  model::Journal load(const LoadFilter& filter) override;
  std::vector<std::string> schools() override;
  std::vector<model::School> schoolList() override;
  std::string version() override;
  std::string schoolVersion(const std::string& schoolId) override;
  std::vector<ClassStats> stats(const LoadFilter& filter) override;

  Database& database() { return db_; }

 private:
  // The school the filter names, or the only one; throws as Store::load documents.
  std::string resolveSchool(Poco::Data::Session& s, const std::string& schoolId);

  Database db_;
};

std::unique_ptr<IngestTransaction> makeIngestTransaction(Database& db, const model::Provenance& provenance);

// Text forms of model values in the journal tables ('' for an absent optional).
std::string text(const std::optional<model::Date>& d);
std::string text(const std::optional<model::DateTime>& t);
std::string text(const std::optional<model::MarkValue>& v);
std::string_view text(model::PeriodKind k);
std::string_view text(model::Grading g);
std::optional<model::Date> dateFrom(const std::string& s, const char* column);
std::optional<model::DateTime> dateTimeFrom(const std::string& s, const char* column);
std::optional<model::MarkValue> markValueFrom(const std::string& s, const char* column);
model::PeriodKind periodKindFrom(const std::string& s);
model::Grading gradingFrom(const std::string& s);
model::WorkType workTypeFrom(const std::string& s);
model::AttendanceStatus attendanceFrom(const std::string& s);
model::PeriodMarkKind periodMarkKindFrom(const std::string& s);

// FNV-1a over the fields of a record, for change detection (content_hash).
class ContentHash {
 public:
  ContentHash& add(std::string_view s) {
    for (unsigned char c : s) mix(c);
    mix(0x1f);
    return *this;
  }
  ContentHash& add(long long v) {
    for (int i = 0; i < 8; ++i) mix(static_cast<unsigned char>(v >> (8 * i)));
    return *this;
  }
  ContentHash& add(const char* s) { return add(std::string_view(s)); }
  ContentHash& add(const std::string& s) { return add(std::string_view(s)); }
  ContentHash& add(int v) { return add(static_cast<long long>(v)); }
  ContentHash& add(bool v) { return add(static_cast<long long>(v)); }
  ContentHash& add(double v) { return add(static_cast<long long>(v * 1000000.0)); }
  // 53 bits: the Poco PostgreSQL connector reads BIGINT through a double, exact only up to 2^53.
  Poco::Int64 value() const { return static_cast<Poco::Int64>(h_ >> 11); }

 private:
  void mix(unsigned char c) {
    h_ ^= c;
    h_ *= 1099511628211ULL;
  }
  uint64_t h_ = 1469598103934665603ULL;
};

}  // namespace ejournal::store

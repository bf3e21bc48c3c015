// The archive index (archive_index.h) on the store's database: tables archive_index, archive_document and
// archive_tag (migration 10). Tag values are stored folded (foldForSearch) for case-insensitive substring
// search.
#include "ejournal/store/archive_index.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Tuple.h>

#include <deque>

#include "database.h"
#include "ejournal/model/error.h"
#include "ejournal/model/text.h"

using namespace Poco::Data::Keywords;

namespace ejournal::store {

std::vector<Migration> archiveIndexMigrations() {
  return {
      {10,
       "archive index: archives, their documents and search tags",
       {
           R"(CREATE TABLE archive_index (
                school_id TEXT NOT NULL, directory TEXT NOT NULL, file_name TEXT NOT NULL, period_id TEXT NOT NULL,
                period_title TEXT NOT NULL, sequence INTEGER NOT NULL, version INTEGER NOT NULL,
                supersedes TEXT NOT NULL, manifest_sha256 TEXT NOT NULL, created_at TEXT NOT NULL,
                retention_class TEXT NOT NULL, earliest_disposal TEXT NOT NULL,
                PRIMARY KEY (school_id, directory, file_name)))",
           "CREATE INDEX archive_index_by_dir ON archive_index (directory, sequence)",
           R"(CREATE TABLE archive_document (
                school_id TEXT NOT NULL, directory TEXT NOT NULL, file_name TEXT NOT NULL, name TEXT NOT NULL,
                position INTEGER NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL, size BIGINT NOT NULL,
                sha256 TEXT NOT NULL, PRIMARY KEY (school_id, directory, file_name, name)))",
           R"(CREATE TABLE archive_tag (
                school_id TEXT NOT NULL, directory TEXT NOT NULL, file_name TEXT NOT NULL, document TEXT NOT NULL,
                tag TEXT NOT NULL, position INTEGER NOT NULL, value TEXT NOT NULL, value_folded TEXT NOT NULL,
                PRIMARY KEY (school_id, directory, file_name, document, tag, position)))",
           "CREATE INDEX archive_tag_by_value ON archive_tag (directory, tag, value_folded)",
       }},
  };
}

namespace {

// LIKE pattern matching `text` anywhere, with the LIKE wildcards escaped by '!'.
std::string containsPattern(const std::string& text) {
  std::string p = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '!') p += '!';
    p += c;
  }
  return p + "%";
}

using ArchiveRow = Poco::Tuple<std::string, std::string, std::string, std::string, int, int, std::string,
                               std::string, std::string, std::string, std::string>;
const char* kArchiveColumns =
    "school_id, file_name, period_id, period_title, sequence, version, supersedes, manifest_sha256, "
    "created_at, "
    "retention_class, earliest_disposal";

IndexedArchive fromRow(const std::string& directory, const ArchiveRow& r) {
  IndexedArchive a;
  a.directory = directory;
  a.schoolId = r.get<0>();
  a.fileName = r.get<1>();
  a.periodId = r.get<2>();
  a.periodTitle = r.get<3>();
  a.sequence = r.get<4>();
  a.version = r.get<5>();
  a.supersedes = r.get<6>();
  a.manifestSha256 = r.get<7>();
  a.createdAt = r.get<8>();
  a.retentionClass = r.get<9>();
  a.earliestDisposal = model::Date::parse(r.get<10>()).value_or(model::Date{});
  return a;
}

class SqlArchiveIndex final : public ArchiveIndex {
 public:
  explicit SqlArchiveIndex(Database& db) : db_(db) {}

  void add(const IndexedArchive& a) override {
    db_.guard("archive.index", [&] {
      Poco::Data::Session s = db_.session();
      WriteTransaction tx(db_, s);
      remove(s, a.directory, a.fileName);
      insert(s, a);
      tx.commit();
    });
  }

  void rebuild(const std::string& directory, const std::vector<IndexedArchive>& archives) override {
    db_.guard("archive.index", [&] {
      Poco::Data::Session s = db_.session();
      WriteTransaction tx(db_, s);
      std::string dir = directory;
      for (const char* table : {"archive_tag", "archive_document", "archive_index"})
        s << "DELETE FROM " + std::string(table) + " WHERE directory = $1", use(dir), now;
      for (const auto& a : archives) insert(s, a);
      tx.commit();
    });
  }

  std::vector<IndexedArchive> archives(const std::string& directory) override {
    return db_.guard("archive.index", [&] {
      Poco::Data::Session s = db_.session();
      ReadTransaction tx(db_, s);
      auto out = select(s, directory, "");
      for (auto& a : out) {
        std::vector<Poco::Tuple<std::string, std::string, std::string, Poco::Int64, std::string>> docs;
        std::string dir = directory, file = a.fileName;
        s << "SELECT name, kind, title, size, sha256 FROM archive_document WHERE directory = $1 AND "
             "file_name = $2 "
             "ORDER BY position",
            use(dir), use(file), into(docs), now;
        std::vector<Poco::Tuple<std::string, std::string, std::string>> tags;
        s << "SELECT document, tag, value FROM archive_tag WHERE directory = $1 AND file_name = $2 "
             "ORDER BY document, tag, position",
            use(dir), use(file), into(tags), now;
        for (const auto& d : docs) {
          IndexedDocument doc{d.get<0>(), d.get<1>(), d.get<2>(), d.get<3>(), d.get<4>(), {}};
          for (const auto& t : tags)
            if (t.get<0>() == doc.name) doc.tags[t.get<1>()].push_back(t.get<2>());
          a.documents.push_back(std::move(doc));
        }
      }
      return out;
    });
  }

  std::vector<ArchiveIndexHit> find(const ArchiveIndexQuery& q) override {
    return db_.guard("archive.index", [&] {
      Poco::Data::Session s = db_.session();
      std::deque<std::string> params;  // stable addresses for the bindings
      auto param = [&](std::string v) {
        params.push_back(std::move(v));
        return "$" + std::to_string(params.size());
      };
      std::string sql =
          "SELECT a.file_name, a.period_id, a.version, d.name, d.kind, d.title FROM archive_document d "
          "JOIN archive_index a ON a.school_id = d.school_id AND a.directory = d.directory AND "
          "a.file_name = d.file_name WHERE d.directory = " +
          param(q.directory);
      if (q.year) sql += " AND a.period_id LIKE " + param(std::to_string(*q.year) + "-%");
      if (!q.periodId.empty()) sql += " AND a.period_id = " + param(q.periodId);
      if (!q.kind.empty()) sql += " AND d.kind = " + param(q.kind);
      for (const auto& [tag, values] : q.tags)
        for (const auto& v : values) {
          std::string t = param(tag);
          std::string p = param(containsPattern(model::foldForSearch(v)));
          sql +=
              " AND EXISTS (SELECT 1 FROM archive_tag t WHERE t.school_id = d.school_id AND t.directory = "
              "d.directory AND t.file_name = d.file_name AND t.document = d.name AND t.tag = " +
              t + " AND t.value_folded LIKE " + p + " ESCAPE '!')";
        }
      if (q.currentOnly)
        sql +=
            " AND NOT EXISTS (SELECT 1 FROM archive_index b WHERE b.directory = a.directory AND b.supersedes "
            "= "
            "a.file_name)";
      sql += " ORDER BY a.sequence, d.position";
      std::vector<Poco::Tuple<std::string, std::string, int, std::string, std::string, std::string>> rows;
      Poco::Data::Statement st(s);
      st << sql;
      for (auto& p : params) st, use(p);
      st, into(rows);
      st.execute();
      std::vector<ArchiveIndexHit> out;
      for (const auto& r : rows)
        out.push_back({r.get<0>(), r.get<1>(), r.get<2>(), r.get<3>(), r.get<4>(), r.get<5>()});
      return out;
    });
  }

  std::optional<std::string> head(const std::string& directory) override {
    return db_.guard("archive.index", [&]() -> std::optional<std::string> {
      Poco::Data::Session s = db_.session();
      std::string dir = directory;
      std::vector<std::string> hashes;
      s << "SELECT manifest_sha256 FROM archive_index WHERE directory = $1 ORDER BY sequence DESC LIMIT 1",
          use(dir), into(hashes), now;
      if (hashes.empty()) return std::nullopt;
      return hashes.front();
    });
  }

  std::vector<IndexedArchive> pastRetention(const std::string& directory, model::Date today) override {
    return db_.guard("archive.index", [&] {
      Poco::Data::Session s = db_.session();
      return select(s, directory, today.toString());
    });
  }

 private:
  std::vector<IndexedArchive> select(Poco::Data::Session& s, const std::string& directory,
                                     const std::string& until) {
    std::vector<ArchiveRow> rows;
    std::string dir = directory, limit = until;
    s << "SELECT " + std::string(kArchiveColumns) +
             " FROM archive_index WHERE directory = $1 AND ($2 = '' OR earliest_disposal <= $2) ORDER BY "
             "sequence",
        use(dir), use(limit), into(rows), now;
    std::vector<IndexedArchive> out;
    for (const auto& r : rows) out.push_back(fromRow(directory, r));
    return out;
  }

  void remove(Poco::Data::Session& s, const std::string& directory, const std::string& fileName) {
    std::string dir = directory, file = fileName;
    for (const char* table : {"archive_tag", "archive_document", "archive_index"})
      s << "DELETE FROM " + std::string(table) + " WHERE directory = $1 AND file_name = $2", use(dir),
          use(file), now;
  }

  void insert(Poco::Data::Session& s, const IndexedArchive& a) {
    Prepared arch(
        s,
        "INSERT INTO archive_index (school_id, directory, file_name, period_id, period_title, sequence, "
        "version, supersedes, manifest_sha256, created_at, retention_class, earliest_disposal) VALUES "
        "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        "sssssiisssss");
    arch.run(a.schoolId, a.directory, a.fileName, a.periodId, a.periodTitle, a.sequence, a.version,
             a.supersedes, a.manifestSha256, a.createdAt, a.retentionClass, a.earliestDisposal.toString());
    Prepared doc(
        s,
        "INSERT INTO archive_document (school_id, directory, file_name, name, position, kind, title, size, "
        "sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        "ssssissls");
    Prepared tag(s,
                 "INSERT INTO archive_tag (school_id, directory, file_name, document, tag, position, value, "
                 "value_folded) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                 "sssssiss");
    int position = 0;
    for (const auto& d : a.documents) {
      doc.run(a.schoolId, a.directory, a.fileName, d.name, position++, d.kind, d.title, Poco::Int64{d.size},
              d.sha256);
      for (const auto& [key, values] : d.tags) {
        int k = 0;
        for (const auto& v : values)
          tag.run(a.schoolId, a.directory, a.fileName, d.name, key, k++, v, model::foldForSearch(v));
      }
    }
  }

  Database& db_;
};

}  // namespace

std::unique_ptr<ArchiveIndex> openArchiveIndex(Store& store) {
  return std::make_unique<SqlArchiveIndex>(databaseOf(store));
}

}  // namespace ejournal::store

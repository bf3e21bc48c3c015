// The seal use case end to end on the tiny sample (samples/tiny.xml): store -> rules -> reports -> render ->
// canonical export -> archive; the archive verifies with the export's schema check, its export re-ingests
// into an empty store with identical results, the index finds the student, and the student extract is
// rendered from the archived data alone (checked with pdftotext).
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "archive_usecases.h"
#include "ejournal/ingest/ingest.h"
#include "ejournal/model/error.h"
#include "ejournal/model/files.h"
#include "shell.h"

namespace fs = std::filesystem;
using namespace ejournal;

namespace {

void ingestInto(store::Store& st, const std::string& bytes, const std::string& name) {
  auto tx = st.beginIngest(model::Provenance{"xml:" + name, "test-" + name, model::DateTime{}});
  ingest::readJournal(bytes, name, [&](const model::Journal& part) { tx->upsert(part); });
  tx->commit();
}

}  // namespace

BOOST_AUTO_TEST_CASE(seal_the_tiny_sample_reingest_the_export_and_extract_a_student) {
  char tmpl[] = "/tmp/ejournal-archive-app-XXXXXX";
  const fs::path dir = mkdtemp(tmpl);
  const fs::path keys = dir / "keys";
  fs::create_directories(keys);
  BOOST_REQUIRE(
      std::system(("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 "
                   "-subj /CN=test -keyout " +
                   (keys / "k.pem").string() + " -out " + (keys / "c.pem").string() + " 2>/dev/null")
                      .c_str()) == 0);
  auto clock = std::make_shared<model::FixedClock>(*model::DateTime::parse("2026-06-01T10:00:00"));
  auto a = store::Store::open((dir / "a.db").string(), clock);
  ingestInto(*a, model::readFile(fs::path(EJOURNAL_SOURCE_DIR) / "samples/tiny.xml"), "tiny.xml");

  app::SealOptions o;
  o.periodId = "2025-Q1";
  o.archiveDir = dir / "archive";
  o.createdBy = "test";
  BOOST_CHECK_THROW(app::sealPeriod(*a, o, clock), Error);  // no key
  o.signer = {(keys / "k.pem").string(), (keys / "c.pem").string(), "", {}, archive::KeyEngine::Default};
  auto info = app::sealPeriod(*a, o, clock);
  BOOST_TEST(info.documents.size() >= 4u);
  BOOST_TEST(info.documents[0].name == "export/journal.xml");
  BOOST_TEST(info.documents[1].name == "reports/control.pdf");
  BOOST_TEST(info.documents[2].name == "journals/5a.pdf");
  BOOST_CHECK_THROW(app::sealPeriod(*a, o, clock), Error);  // sealed periods are immutable

  archive::Archive archives(o.archiveDir);
  auto report = archives.verify(info.fileName, app::verifyOptions({(keys / "c.pem").string()}));
  std::string problems;
  for (const auto& p : report.problems) problems += p.toString() + "\n";
  BOOST_TEST(report.ok(), problems);

  // The export re-ingests into an empty store with identical results.
  const std::string exported = archives.extract(info.fileName, "export/journal.xml");
  auto b = store::Store::open((dir / "b.db").string(), clock);
  ingestInto(*b, exported, "export.xml");
  store::LoadFilter all;
  BOOST_TEST(ingest::writeJournal(b->load(all)) == exported);
  store::LoadFilter q1;
  q1.dates = info.periodDates;
  BOOST_TEST(ingest::writeJournal(a->load(q1)) == exported);

  // With checkContent, the verification options check an export against the schema: a document that is not
  // a journal fails, the sealed export passes; without it, content is not checked (hashes and signature are).
  BOOST_TEST(!app::verifyOptions({}).checkDocument);
  auto opts = app::verifyOptions({}, true);
  BOOST_TEST(!opts.checkDocument(info.documents[0], *archive::memoryView("<journal/>")).empty());
  BOOST_TEST(opts.checkDocument(info.documents[0], *archive::memoryView(exported)).empty());
  auto deep = archives.verify(info.fileName, app::verifyOptions({(keys / "c.pem").string()}, true));
  BOOST_TEST(deep.ok());

  // The index was filled by the seal and can be rebuilt from the archives; it finds the student.
  auto index = store::openArchiveIndex(*a);
  store::ArchiveIndexQuery q;
  q.directory = fs::absolute(o.archiveDir).lexically_normal().string();
  q.tags["student"] = {"алексеев артём"};
  auto hits = index->find(q);
  BOOST_TEST(hits.size() >= 2u);  // the export and the class journal (and the summary sheet)
  BOOST_TEST(app::reindexArchives(*a, archives) == 1u);
  BOOST_TEST(index->find(q).size() == hits.size());
  BOOST_TEST(*index->head(q.directory) == info.manifestSha256);

  // The student extract from archived data.
  auto ex = app::extractStudent(archives, "Алексеев Артём", 2025, clock);
  BOOST_TEST(ex.archive == info.fileName);
  BOOST_TEST(ex.pdf.bytes.rfind("%PDF-", 0) == 0u);
  model::writeFileAtomic(dir / "extract.pdf", ex.pdf.bytes);
  const std::string text =
      testsupport::shellOutput("pdftotext " + (dir / "extract.pdf").string() + " - 2>/dev/null");
  BOOST_TEST(text.find("Алексеев") != std::string::npos, text.substr(0, 400));
  BOOST_CHECK_THROW(app::extractStudent(archives, "Несуществующий Ученик", 2025, clock), Error);
  BOOST_CHECK_THROW(app::extractStudent(archives, "Алексеев Артём", 2024, clock), Error);
  fs::remove_all(dir);
}

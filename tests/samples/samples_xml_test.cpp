// The generated sample as journal XML: it validates against schemas/journal.xsd and reads back to an equal
// journal (ingest::writeJournal, ingest::readJournal); the same sample gives the same bytes.
#include <boost/test/unit_test.hpp>

#include "ejournal/ingest/ingest.h"
#include "ejournal/samples/generator.h"
#include "journal_text.h"

using namespace ejournal;

BOOST_AUTO_TEST_CASE(generated_xml_validates_and_reads_back_to_an_equal_journal) {
  samples::SampleOptions o;
  o.studentsPerClass = 10;
  const samples::Sample s = samples::generate(o);
  const std::string xml = ingest::writeJournal(s.journal);
  BOOST_TEST(xml == ingest::writeJournal(samples::generate(o).journal));
  model::Journal back;
  try {
    back = ingest::readJournal(xml, "sample.xml");
  } catch (const ingest::InvalidDocument& e) {
    for (const auto& p : e.problems()) BOOST_TEST_MESSAGE(p.toString());
    BOOST_FAIL("the generated sample does not validate: " << e.what());
  }
  const std::string a = testing::journalText(s.journal), b = testing::journalText(back);
  if (a != b) {
    size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
    const size_t from = a.rfind('\n', i) == std::string::npos ? 0 : a.rfind('\n', i) + 1;
    BOOST_ERROR("journals differ at:\n  generated: " << a.substr(from, a.find('\n', i) - from)
                                                     << "\n  read back: "
                                                     << b.substr(from, b.find('\n', i) - from));
  }
}

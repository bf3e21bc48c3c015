// Private to ingest: Russian texts for the errors Xerces-C reports, chosen by Xerces' error code (XMLErrs for
// well-formedness, XMLValid for the schema, XMLExcepts for exceptions), never by matching its English
// wording. Xerces' English text is only mined for the quoted parameters ('a', '7') the Russian text names.
#pragma once

#include <string>

namespace ejournal::ingest::detail {

enum class XercesDomain { Syntax, Schema, Exception };

// The Russian problem text for Xerces' error `code` of `domain`, with the parameters taken from `english`
// (Xerces' formatted message). Codes without a specific text get a generic Russian one that carries the code.
std::string russianXercesMessage(XercesDomain domain, unsigned code, const std::string& english);

}  // namespace ejournal::ingest::detail

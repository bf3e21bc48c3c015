// Text helpers shared by the stages that search what users typed (archive find, the archive index).
#pragma once

#include <string>
#include <string_view>

namespace ejournal::model {

// Folds ASCII and Russian letters to lower case and ё to е, for case-insensitive matching of UTF-8 text.
std::string foldForSearch(std::string_view utf8);

}  // namespace ejournal::model

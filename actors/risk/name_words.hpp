// Words of a name for the risk engine's comparisons: lower-case ASCII letters and
// digits (other UTF-8 bytes kept as they are), everything else a separator. Used to
// compare a registry's name with the recorded one and to spot nominee-like owners.
#pragma once

#include <string>
#include <vector>

namespace kyb::risk {

/// "Acme Holdings, Ltd." -> {"acme", "holdings", "ltd"}.
std::vector<std::string> name_words(const std::string& text);

/// The words joined by single spaces.
std::string joined_words(const std::vector<std::string>& words);

/// True when the words of `phrase` (already normalised) appear in a row in `words`.
bool contains_phrase(const std::vector<std::string>& words, const std::string& phrase);

} // namespace kyb::risk

// Whole-word, case-insensitive search of many phrases in a text at once, with an
// evidence snippet for each hit. Case is folded for ASCII and the Latin-1 letters
// (À..Þ -> à..þ), which keeps byte offsets, so snippets come from the original text.
// A word boundary is any byte that is not an ASCII letter or digit and does not belong
// to a multi-byte UTF-8 letter (every non-ASCII character counts as a word character).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kyb::website {

/// `text` folded as the matcher folds it (same length as `text`).
std::string fold_case(std::string_view text);

/// Up to `radius` bytes either side of [pos, pos+len) in `text`, cut at UTF-8 character
/// boundaries, line ends turned into spaces, "…" marking a cut.
std::string snippet(std::string_view text, size_t pos, size_t len, size_t radius = 60);

/// Finds phrases (folded at construction) as whole words.
class phrase_matcher {
public:
  /// One occurrence: which phrase (its index in the constructor's list) and where.
  struct hit {
    size_t phrase;
    size_t pos;
  };

  phrase_matcher() = default;
  explicit phrase_matcher(const std::vector<std::string>& phrases);

  /// Every occurrence in `text`, by position (then phrase index). `text` need not be
  /// folded. At most `max_hits` are returned.
  std::vector<hit> find(std::string_view text, size_t max_hits = 100000) const;

  size_t size() const noexcept { return phrases_.size(); }

private:
  std::vector<std::string> phrases_;
  /// First word of a phrase -> indexes of the phrases starting with it.
  std::unordered_map<std::string, std::vector<size_t>> by_first_word_;
};

} // namespace kyb::website

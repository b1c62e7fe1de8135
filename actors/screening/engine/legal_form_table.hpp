// Legal forms (LLC, Ltd, GmbH, OOO, SA de CV...) recognised in normalised names so the
// scorer can down-weight them. The phrases come from the GLEIF ISO 20275 ELF list via
// a generated table: see actors/screening/LIST_FORMATS.md, "Legal forms".
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace kyb::screening {

/// Finds legal-form phrases in token sequences.
class legal_form_table {
public:
  /// The table generated from the GLEIF ELF list (actors/screening/engine/generated/).
  static const legal_form_table& builtin();

  /// A table of phrases, each a normalised token sequence joined by single spaces.
  explicit legal_form_table(const std::vector<std::string>& phrases);

  /// Flags the tokens that are part of a legal form, longest phrase first. One- and
  /// two-letter forms ("sa", "ag", "as") only count at the start or end of the name,
  /// where legal forms stand; elsewhere they are too often parts of names.
  std::vector<bool> mark(const std::vector<std::string>& tokens) const;

  /// Like mark(), but gives for each token the length in tokens of the legal-form
  /// phrase it belongs to (0 = not part of one), so a phrase can count as one unit.
  std::vector<uint8_t> phrases(const std::vector<std::string>& tokens) const;

  /// True when `phrase` (normalised, space-joined) is a known legal form.
  bool contains(const std::string& phrase) const;

  /// Number of phrases.
  size_t size() const noexcept { return size_; }

private:
  /// First token -> phrases starting with it (as token lists), longest first.
  std::unordered_map<std::string, std::vector<std::vector<std::string>>> by_first_;
  size_t size_ = 0;
};

} // namespace kyb::screening

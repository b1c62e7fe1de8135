// The labelled brands (test/data/labeled/nsi_brands_mcc_dev.csv): loading, turning a
// row into a classifier input, grouping rows that are the same brand, and assigning
// cross-validation folds by brand group.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actors/classification/classification_input.hpp"
#include "actors/classification/expected.hpp"

namespace kyb::classification {

/// One row of the labelled brand file.
struct labelled_brand {
  std::string nsi_id;  ///< name-suggestion-index id, "<slug>-<hash>".
  std::string name;    ///< The name on the shop front (may be empty).
  std::string brand;   ///< The brand name.
  std::string osm_tag; ///< OpenStreetMap tag the label came from.
  std::string cuisine; ///< Short description ("coffee_shop;donut"), often empty.
  std::vector<std::string> countries; ///< Valid ISO alpha-2 codes, lower case.
  std::string mcc;                    ///< The label: four digits.
  std::string wikidata;    ///< The brand's Wikidata id ("Q4733264"), often empty.
  std::string description; ///< Its one-line description ("ATM network"), often empty.
};

/// What a caller is assumed to send for a labelled row.
enum class input_mode : uint8_t {
  /// The names, the cuisine as description and the country: what a caller who knows
  /// only the business's name sends.
  name_only,
  /// The same plus the brand's own description: what a caller who describes the
  /// business sends.
  described,
};

/// "name_only" or "described".
const char* mode_name(input_mode mode) noexcept;

/// Loads the labelled file (columns nsi_id,name,brand,osm_tag,cuisine,countries,mcc;
/// wikidata and description when present).
/// Country entries are reduced to ISO alpha-2 ("us-il.geojson" -> "us", "fx" -> "fr");
/// world-wide and regional entries ("001", "150") are dropped.
expected<std::vector<labelled_brand>> load_labelled_brands(const std::string& path);

/// The input a brand row stands for: legal_name = brand, dba_name = name when it
/// differs, description = cuisine in words (after the brand's description when
/// `mode` is described), country = the first listed country.
classification_input to_input(const labelled_brand& row,
                              input_mode mode = input_mode::name_only);

/// Group id per row such that rows sharing a normalised brand, a normalised shop name,
/// or an nsi_id slug are in one group (transitively). Ids are 0..groups-1 in order of
/// first appearance.
std::vector<uint32_t> brand_groups(const std::vector<labelled_brand>& rows);

/// Fold per row, 0..k-1: groups are ordered by a hash of their first row's nsi_id and
/// dealt round-robin, so folds are balanced, deterministic, and never split a group.
std::vector<uint32_t> assign_folds(const std::vector<labelled_brand>& rows,
                                   const std::vector<uint32_t>& groups, uint32_t k);

} // namespace kyb::classification

// The industry classification of one stored business: what the classifier reads from
// the business, how a result is stored in business_classifications and read back, and
// the key under which the business actor caches it. The business actor runs the flow;
// this file holds its pure parts.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <caf/detail/scope_guard.hpp>

#include "actors/business/business.hpp"
#include "actors/classification/classification_messages.hpp"
#include "actors/db.hpp"

namespace kyb::actors {

/// One stored code: MCC, NAICS 2022, NAICS sector or SIC.
struct stored_code {
  std::string code;
  std::string title;
  double confidence = 0; ///< Calibrated, rounded to 4 decimals (numeric(5,4)).
  /// MCCs only: the NAICS code linked with it for this input and its SIC, as the
  /// free-text answer gives them ("" for rows stored before they were kept).
  std::string naics;
  std::string sic;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stored_code& x) {
  return f(x.code, x.title, x.confidence, x.naics, x.sic);
}

/// An input term behind the primary MCC.
struct stored_evidence {
  std::string term;
  std::string
      field; ///< "legal_name", "dba_name", "description", "website_text", "country"
  double weight = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stored_evidence& x) {
  return f(x.term, x.field, x.weight);
}

/// A representation made once, by the layer that renders it, and kept beside the data
/// it renders (shared by the copies of that data, which are all equal).
struct rendered_once {
  std::once_flag once;
  std::string text;
};

/// One stored classification of a business (one set of rows).
struct business_classification_data {
  base::uuid id; ///< classification_id, shared by the set's rows
  base::uuid business_id;
  base::uuid tenant_id;
  std::string region;
  std::string model_version;
  stored_code mcc;
  std::vector<stored_code> mcc_alternates; ///< Up to four, by confidence.
  stored_code naics;
  stored_code naics_sector;
  stored_code sic;
  std::vector<stored_evidence> evidence; ///< Strongest first.
  bool known_merchant = false; ///< The name matched the gazetteer of labelled brands.
  bool needs_review = false;   ///< The primary MCC was below classification.review_below.
  std::string cache_key;       ///< classification_cache_key of its inputs
  std::string classified_at;
  /// Its representation as served from the business actor's cache ("cached": true),
  /// rendered by the first reader. Not serialized: another node renders its own.
  std::shared_ptr<rendered_once> rendered_cached = std::make_shared<rendered_once>();
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, business_classification_data& x) {
  return f(x.id, x.business_id, x.tenant_id, x.region, x.model_version, x.mcc,
           x.mcc_alternates, x.naics, x.naics_sector, x.sic, x.evidence, x.known_merchant,
           x.needs_review, x.cache_key, x.classified_at);
}

/// An immutable stored classification, shared by the business actor's cache and its
/// readers.
struct business_classification {
  std::shared_ptr<const business_classification_data> data;
  bool cached = false; ///< Served from the business actor's cache (no new rows).
};

/// CAF serialization: travels as its data (a new shared copy on the receiving side).
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, business_classification& x) {
  if constexpr (Inspector::reads_state) {
    static const business_classification_data empty;
    auto& d = x.data ? *x.data : empty;
    return f(const_cast<business_classification_data&>(d), x.cached);
  } else {
    auto d = std::make_shared<business_classification_data>();
    auto guard = caf::detail::make_scope_guard([&] { x.data = d; });
    return f(*d, x.cached);
  }
}

/// The classification a business actor's cache answers a classify with, published
/// beside the business's view (business_view_data::classification) while it is fresh:
/// made from the view's record, the business's website text and `model_version`, and
/// served without a refresh until `fresh_until`.
struct published_classification {
  business_classification answer; ///< cached = true
  std::string model_version;
  std::chrono::steady_clock::time_point fresh_until;
};

/// What the classifier reads of `rec`: legal name, DBA, description and country, and
/// the visible text of its latest website analysis ("" when none).
classification::classification_input
classification_input_of(const business_record& rec, const std::string& website_text = {});

/// The runtime::generate_cache_key(prefix, ...) of a classification of `in` by model
/// `model_version`: every input the classifier reads, and the model.
std::string classification_input_key(const std::string& prefix,
                                     const std::string& model_version,
                                     const classification::classification_input& in);

/// The key of `rec`'s classification by model `model_version`: every input the
/// classifier reads and the model (runtime::generate_cache_key), so a change of
/// either misses.
std::string classification_cache_key(const std::string& model_version,
                                     const business_record& rec,
                                     const std::string& website_text = {});

/// The stored form of `result` for `rec` (confidences rounded as stored).
business_classification_data
assemble_classification(const business_record& rec,
                        const classification::classification_result& result,
                        const std::string& cache_key, const std::string& classified_at);

/// Appends the statements that store `c` (one row per code).
void add_classification_rows(pg_batch& batch, const business_classification_data& c);

/// A classification read back from business_classifications.
struct stored_classification {
  std::shared_ptr<const business_classification_data> data;
  double age = 0; ///< seconds since it was made

  business_classification classification() const { return {data, false}; }
};

/// The classification of `rec` in classification_latest's rows; nullopt when the
/// business was never classified.
std::optional<stored_classification>
decode_stored_classification(const pg_rows& rows, const business_record& rec);

} // namespace kyb::actors

// A business as the platform keeps it, and the fields a client may send to create or
// change one. Plain data: the business actor owns instances; net/ maps them to JSON.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <caf/detail/scope_guard.hpp>

#include "runtime/base/std_optional_inspect.hpp"
#include "runtime/base/uuid.hpp"

namespace kyb::actors {

struct postal_address {
  std::optional<std::string> line1;
  std::optional<std::string> line2;
  std::optional<std::string> city;
  std::optional<std::string> state;
  std::optional<std::string> postal_code;
  std::optional<std::string> country; ///< ISO 3166-1 alpha-2

  friend bool operator==(const postal_address& a, const postal_address& b) {
    return a.line1 == b.line1 && a.line2 == b.line2 && a.city == b.city &&
           a.state == b.state && a.postal_code == b.postal_code && a.country == b.country;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, postal_address& x) {
  return f(x.line1, x.line2, x.city, x.state, x.postal_code, x.country);
}

/// An owner or ultimate beneficial owner (UBO) of a business.
struct owner {
  std::string name;
  std::optional<std::string> date_of_birth; ///< YYYY-MM-DD
  std::optional<std::string> nationality;   ///< ISO 3166-1 alpha-2
  std::optional<double> ownership_percent;  ///< 0..100, two decimals

  friend bool operator==(const owner& a, const owner& b) {
    return a.name == b.name && a.date_of_birth == b.date_of_birth &&
           a.nationality == b.nationality && a.ownership_percent == b.ownership_percent;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, owner& x) {
  return f(x.name, x.date_of_birth, x.nationality, x.ownership_percent);
}

/// One stored business. Inside the business actor `tax_id` and owners' dates of birth are
/// in the clear; in a reply they are masked unless `tax_id_revealed` / `owners_revealed`
/// (revealing is an audited read of personal data).
struct business_record {
  base::uuid id;
  base::uuid tenant_id;
  std::string region;
  std::string legal_name;
  std::optional<std::string> dba_name;
  std::optional<std::string> tax_id;
  bool tax_id_revealed = false;
  bool owners_revealed = false;
  std::optional<std::string> website_url;
  std::string country;
  std::optional<std::string> registration_number;
  std::optional<std::string> registration_jurisdiction;
  std::optional<postal_address> address;
  std::optional<std::string> incorporation_date;
  std::optional<std::string> description;
  std::vector<owner> owners;
  int32_t version = 0;
  std::string created_at;
  std::string updated_at;
  std::optional<std::string> deleted_at;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, business_record& x) {
  return f(x.id, x.tenant_id, x.region, x.legal_name, x.dba_name, x.tax_id,
           x.tax_id_revealed, x.owners_revealed, x.website_url, x.country,
           x.registration_number, x.registration_jurisdiction, x.address,
           x.incorporation_date, x.description, x.owners, x.version, x.created_at,
           x.updated_at, x.deleted_at);
}

/// An immutable view of a business as one caller may see it (masked or revealed),
/// shared by the business actor and the HTTP workers that render it. The rendered
/// representation is made once per view and kept beside it, so serving a cached business
/// costs neither a copy nor a second rendering.
/// A business's classification as its actor's cache serves it, published beside its view
/// (actors/classification/business_classification.hpp).
struct published_classification;

struct business_view_data {
  business_record record;
  // The small members together (no padding between them and the string).
  mutable std::once_flag rendered_once;
  /// `rendered` is filled (set after it, inside rendered_once).
  mutable std::atomic<bool> rendered_done{false};
  /// Read since the node's view ring last passed it (platform::business_views).
  mutable std::atomic<bool> used{false};
  mutable std::string rendered; ///< filled once by the layer that renders it
  /// The classification of this state the actor's cache would answer a classify with
  /// (null: none known), so that the HTTP workers answer it without a message. Set and
  /// cleared by the actor, read by any thread: only through std::atomic_load/store.
  mutable std::shared_ptr<const published_classification> classification;

  /// The rendered JSON, made by `render()` on the first call (once, whichever thread
  /// asks first); `rendered_done` says so afterwards.
  template <class Render>
  const std::string& rendered_with(Render render) const {
    std::call_once(rendered_once, [&] {
      rendered = render();
      rendered_done.store(true, std::memory_order_release);
    });
    return rendered;
  }
  /// Keeps `text` as the rendered JSON unless it is rendered already.
  void set_rendered(std::string text) const {
    rendered_with([&] { return std::move(text); });
  }
};

struct business_view {
  std::shared_ptr<const business_view_data> data;

  const business_record& record() const { return data->record; }
};

/// CAF serialization: a view travels as its record and, when the sender rendered it, its
/// JSON (a new view on the receiving side, which answers without rendering it again).
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, business_view& x) {
  if constexpr (Inspector::reads_state) {
    static const business_record empty;
    static const std::string none;
    auto& rec = x.data ? x.data->record : empty;
    bool done = x.data && x.data->rendered_done.load(std::memory_order_acquire);
    auto& text = done ? x.data->rendered : none;
    return f(const_cast<business_record&>(rec), const_cast<std::string&>(text));
  } else {
    auto d = std::make_shared<business_view_data>();
    std::string text;
    auto guard = caf::detail::make_scope_guard([&] {
      if (!text.empty())
        d->set_rendered(std::move(text));
      x.data = d;
    });
    return f(d->record, text);
  }
}

/// A field of a create or update request: absent, null, or a value (JSON merge-patch).
template <class T>
struct input_field {
  bool present = false;
  std::optional<T> value; ///< present && !value: the client sent null (clear it).

  void set(T v) {
    present = true;
    value = std::move(v);
  }
  void set_null() {
    present = true;
    value.reset();
  }
};

template <class Inspector, class T>
typename Inspector::result_type inspect(Inspector& f, input_field<T>& x) {
  return f(x.present, x.value);
}

/// What a client sends to create (POST) or change (PATCH) a business.
struct business_input {
  input_field<std::string> legal_name;
  input_field<std::string> dba_name;
  input_field<std::string> tax_id;
  input_field<std::string> website_url;
  input_field<std::string> country;
  input_field<std::string> registration_number;
  input_field<std::string> registration_jurisdiction;
  input_field<postal_address> address;
  input_field<std::string> incorporation_date;
  input_field<std::string> description;
  input_field<std::vector<owner>> owners;
  /// The override of the duplicate tax id policy (business_validation.hpp): keep this
  /// tax id although a live business of the tenant has it (?allow_duplicate_tax_id=true).
  bool allow_duplicate_tax_id = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, business_input& x) {
  return f(x.legal_name, x.dba_name, x.tax_id, x.website_url, x.country,
           x.registration_number, x.registration_jurisdiction, x.address,
           x.incorporation_date, x.description, x.owners, x.allow_duplicate_tax_id);
}

/// One entry of a business list or search result.
struct business_summary {
  base::uuid id;
  std::string legal_name;
  std::optional<std::string> dba_name;
  std::optional<std::string> website_url;
  std::string country;
  std::string created_at;
  double relevance = 0;             ///< search only
  std::optional<double> risk_score; ///< latest assessment, if any
  std::optional<std::string> risk_level;
  std::optional<std::string> risk_assessed_at;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, business_summary& x) {
  return f(x.id, x.legal_name, x.dba_name, x.website_url, x.country, x.created_at,
           x.relevance, x.risk_score, x.risk_level, x.risk_assessed_at);
}

} // namespace kyb::actors

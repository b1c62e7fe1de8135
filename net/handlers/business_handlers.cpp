#include <algorithm>

#include "actors/business/business_actor.hpp"
#include "actors/business/business_query_actor.hpp"
#include "net/business_json.hpp"
#include "net/handlers/handlers.hpp"
#include "net/handlers/idempotency_key.hpp"
#include "runtime/base/crypto.hpp"

namespace kyb::net::handlers {

namespace {

using namespace kyb::actors;

/// Reads and validates a create or update body; answers and returns false on problems.
bool read_input(const exchange_ptr& ex, business_input& in, validation_mode mode) {
  auto body = ex->json_body();
  if (!body)
    return false;
  // Type problems and value problems are reported together, one entry per field.
  auto errors = business_input_from_json(*body, in);
  for (auto& e : validate_business_input(in, mode, utc_today())) {
    bool known = std::any_of(errors.begin(), errors.end(),
                             [&](const field_error& x) { return x.field == e.field; });
    if (!known)
      errors.push_back(std::move(e));
  }
  if (!errors.empty()) {
    ex->reply_invalid(errors);
    return false;
  }
  return true;
}

/// Reads ?allow_duplicate_tax_id (true or false, absent: false) into `in`; answers 400
/// and returns false on another value.
bool read_duplicate_override(const exchange_ptr& ex, business_input& in) {
  auto q = ex->query();
  return q && ex->bool_param(*q, "allow_duplicate_tax_id", in.allow_duplicate_tax_id);
}

/// Answers a failed create or update: a tax id that another live business of the tenant
/// has is a 409 naming that business (existing_business_id), any other error as usual.
void reply_write_error(const exchange_ptr& ex, const caf::error& err) {
  if (code_of(err) == errc::conflict && field_of(err) == "/tax_id") {
    if (auto existing = duplicate_tax_id_of(detail_of(err))) {
      auto p = make_problem(err);
      p.extensions = {{"existing_business_id", *existing}};
      ex->send_problem(std::move(p), {});
      return;
    }
  }
  ex->reply_error(err);
}

std::string location_of(const business_view& v) {
  return "/v1/businesses/" + v.record().id.to_string();
}

void answer_created(const exchange_ptr& ex, const business_view& v) {
  ex->respond(201, "application/json", rendered_json(v), {{"Location", location_of(v)}});
}

void answer(const exchange_ptr& ex, const business_view& v) {
  ex->respond(200, "application/json", rendered_json(v));
}

} // namespace

void create_business(const exchange_ptr& ex) {
  business_input in;
  if (!read_input(ex, in, validation_mode::create) || !read_duplicate_override(ex, in))
    return;
  if (!ex->req.headers.contains("idempotency-key")) {
    ex->ask_entity_or<business_view>(
        business_entity, base::uuid::make_v7(),
        [ex](business_view& v) { answer_created(ex, v); },
        [ex](caf::error& err) { reply_write_error(ex, err); }, create_atom::value,
        ex->meta(), std::move(in));
    return;
  }
  std::string key(ex->req.header("idempotency-key"));
  if (!valid_idempotency_key(key)) {
    ex->reply_invalid({{"Idempotency-Key", "must be 1 to 255 visible ASCII characters"}});
    return;
  }
  // The fingerprint covers what the request asks for, not how its JSON was spelled
  // (nlohmann's objects print their keys sorted).
  auto body = ex->json_body();
  auto fp = base::sha256_hex(
      "POST /v1/businesses\n" +
      std::string(in.allow_duplicate_tax_id ? "allow_duplicate_tax_id=true\n" : "") +
      body->dump());
  auto tenant = ex->who->tenant_id;
  auto idem = ex->services().idempotency->get();
  ex->ask<idempotency_outcome>(
      idem,
      [ex, in, key, fp, tenant, idem](idempotency_outcome& out) mutable {
        if (out.replay) {
          exchange::header_list h = {{"Idempotent-Replayed", "true"}};
          if (!out.location.empty())
            h.emplace_back("Location", out.location);
          ex->respond(out.status, "application/json", out.body, h);
          return;
        }
        auto id = idempotent_id("business", tenant, key);
        auto store_and_answer = [ex, idem, key, fp, tenant](const business_view& rec,
                                                            bool replayed) {
          auto body = rendered_json(rec);
          auto loc = location_of(rec);
          // Stored before answering, so that a retry right after the answer replays it.
          // If storing fails the business still exists: answer the truth either way.
          auto answer = [ex, body, loc, replayed] {
            exchange::header_list h = {{"Location", loc}};
            if (replayed)
              h.emplace_back("Idempotent-Replayed", "true");
            ex->respond(201, "application/json", body, h);
          };
          ex->self
              ->request(idem, actor_timeout(*ex), complete_atom::value, tenant, key, fp,
                        uint16_t{201}, body, loc)
              .then([answer](ok_atom) { answer(); }, [answer](caf::error&) { answer(); });
        };
        ex->ask_entity_or<business_view>(
            business_entity, id,
            [store_and_answer](business_view& rec) { store_and_answer(rec, false); },
            [ex, idem, key, fp, tenant, id, store_and_answer](caf::error& err) {
              // A conflict on the entity itself (not on a field such as the tax id).
              if (code_of(err) == errc::conflict && field_of(err).empty()) {
                // An earlier attempt with this key committed: answer with what it made.
                ex->ask_entity<business_view>(
                    business_entity, id,
                    [store_and_answer](business_view& rec) {
                      store_and_answer(rec, true);
                    },
                    get_atom::value, ex->meta(), uint8_t{0});
                return;
              }
              // Nothing was created: free the key for a retry.
              ex->self->send(idem, abort_atom::value, tenant, key, fp);
              reply_write_error(ex, err);
            },
            create_atom::value, ex->meta(), std::move(in));
      },
      begin_atom::value, tenant, key, fp);
}

void get_business(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  auto q = ex->query();
  if (!q)
    return;
  uint8_t reveal_bits = 0;
  if (auto it = q->find("reveal"); it != q->end()) {
    size_t i = 0;
    auto& v = it->second;
    while (i <= v.size()) {
      auto j = v.find(',', i);
      if (j == std::string::npos)
        j = v.size();
      auto part = v.substr(i, j - i);
      if (part == "tax_id")
        reveal_bits |= reveal_tax_id;
      else if (part == "owners")
        reveal_bits |= reveal_owners;
      else {
        ex->reply_invalid(
            {{"reveal", "may list 'tax_id' and 'owners', got '" + part + "'"}});
        return;
      }
      i = j + 1;
    }
  }
  // A plain read of a business this node holds is answered with the view its actor
  // published (the committed state, masked), without a message to the actor; anything
  // else (not published, another tenant's, revealing) is the actor's to answer.
  if (reveal_bits == 0 && ex->who) {
    if (auto v = published_business_view(
            ex->services().platform->directory->published(business_entity, *id),
            ex->who->tenant_id)) {
      answer(ex, *v);
      return;
    }
  }
  ex->ask_entity<business_view>(
      business_entity, *id, [ex](business_view& v) { answer(ex, v); }, get_atom::value,
      ex->meta(), reveal_bits);
}

void update_business(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  business_input in;
  if (!read_input(ex, in, validation_mode::update) || !read_duplicate_override(ex, in))
    return;
  ex->ask_entity_or<business_view>(
      business_entity, *id, [ex](business_view& v) { answer(ex, v); },
      [ex](caf::error& err) { reply_write_error(ex, err); }, update_atom::value,
      ex->meta(), std::move(in));
}

void delete_business(const exchange_ptr& ex) {
  auto id = ex->uuid_param("id");
  if (!id)
    return;
  ex->ask_entity<business_view>(
      business_entity, *id, [ex](business_view& v) { answer(ex, v); }, delete_atom::value,
      ex->meta());
}

void list_businesses(const exchange_ptr& ex) {
  auto q = ex->query();
  if (!q)
    return;
  auto page = ex->page_params(*q);
  if (!page)
    return;
  auto [cursor, limit] = *page;
  ex->ask<business_page>(
      ex->services().business_query->get(),
      [ex](business_page& page) {
        nlohmann::json items = nlohmann::json::array();
        for (auto& b : page.items)
          items.push_back(business_to_json(b));
        ex->reply_json(
            200, {{"object", "list"},
                  {"data", items},
                  {"next_cursor", page.next_cursor ? nlohmann::json(*page.next_cursor)
                                                   : nlohmann::json(nullptr)},
                  {"has_more", page.next_cursor.has_value()}});
      },
      list_atom::value, ex->meta(), cursor, limit);
}

void search_businesses(const exchange_ptr& ex) {
  auto q = ex->query();
  if (!q)
    return;
  std::string text;
  std::string tax_id;
  if (auto it = q->find("q"); it != q->end())
    text = it->second;
  if (auto it = q->find("tax_id"); it != q->end())
    tax_id = it->second;
  std::vector<field_error> errors;
  if (text.empty() && tax_id.empty())
    errors.push_back({"q", "give q (name text), tax_id, or both"});
  if (text.size() > 200)
    errors.push_back({"q", "must be at most 200 characters"});
  for (char c : text)
    if (static_cast<unsigned char>(c) < 0x20) {
      errors.push_back({"q", "must not contain control characters"});
      break;
    }
  if (!tax_id.empty()) {
    auto norm = normalize_tax_id(tax_id);
    if (norm.size() < 4 || norm.size() > 32)
      errors.push_back({"tax_id", "must have between 4 and 32 letters or digits"});
  }
  if (!errors.empty()) {
    ex->reply_invalid(errors);
    return;
  }
  ex->ask<std::vector<business_summary>>(
      ex->services().business_query->get(),
      [ex](std::vector<business_summary>& found) {
        nlohmann::json items = nlohmann::json::array();
        for (auto& s : found)
          items.push_back(business_summary_to_json(s));
        ex->reply_json(200, {{"object", "list"}, {"data", items}});
      },
      search_atom::value, ex->meta(), text, tax_id);
}

} // namespace kyb::net::handlers

#include "persistence/pg_error.hpp"

#include <cstdint>
#include <limits>

#include <libpq-fe.h>

#include <caf/make_message.hpp>

namespace kyb::persistence {

namespace {

constexpr uint64_t no_statement = std::numeric_limits<uint64_t>::max();

bool has_pg_context(const caf::error& err) {
  return err.category() == kyb_error_atom::value && err.context().size() == 5 &&
         err.context()
             .match_elements<std::string, std::string, std::string, uint64_t,
                             std::string>();
}

std::string field(const PGresult* res, int code) {
  auto str = res ? PQresultErrorField(res, code) : nullptr;
  return str ? std::string{str} : std::string{};
}

} // namespace

errc errc_from_sqlstate(std::string_view s) {
  if (s.size() != 5)
    return errc::db_error;
  auto cls = s.substr(0, 2);
  if (s == "23505" || s == "23P01")
    return errc::conflict;
  if (cls == "23" || cls == "22")
    return errc::invalid_argument;
  if (s == "40001" || s == "40P01")
    return errc::unavailable;
  if (cls == "08" || cls == "53" || s == "57P01" || s == "57P02" || s == "57P03")
    return errc::unavailable;
  if (s == "57014" || s == "55P03")
    return errc::timeout;
  // Our own codes, raised by SQL we write (RAISE ... USING ERRCODE = 'KY409').
  // A fenced region's database is read-only (regions/: failover fences the old
  // primary): its writers were superseded, like a stale shard epoch.
  if (s == "KY503" || s == "25006")
    return errc::fenced;
  if (s == "KY409")
    return errc::conflict;
  if (s == "KY404")
    return errc::not_found;
  if (s == "KY400")
    return errc::invalid_argument;
  if (s == "KY422")
    return errc::unprocessable;
  return errc::db_error;
}

bool is_retryable(const caf::error& err) {
  auto code = code_of(err);
  return code == errc::unavailable || code == errc::timeout;
}

caf::error make_pg_error(std::string_view sqlstate, std::string detail,
                         std::optional<size_t> statement, std::string constraint) {
  return make_pg_error(errc_from_sqlstate(sqlstate), sqlstate, std::move(detail),
                       statement, std::move(constraint));
}

caf::error make_pg_error(errc code, std::string_view sqlstate, std::string detail,
                         std::optional<size_t> statement, std::string constraint) {
  uint64_t index = statement ? static_cast<uint64_t>(*statement) : no_statement;
  return caf::error{static_cast<uint8_t>(code), kyb_error_atom::value,
                    caf::make_message(std::move(detail), std::string{},
                                      std::string{sqlstate}, index,
                                      std::move(constraint))};
}

caf::error make_pg_error(const pg_result* res, std::string_view what,
                         std::optional<size_t> statement, std::optional<errc> code) {
  auto sqlstate = field(res, PG_DIAG_SQLSTATE);
  auto primary = field(res, PG_DIAG_MESSAGE_PRIMARY);
  if (primary.empty() && res)
    primary = libpq_message(PQresultErrorMessage(res));
  std::string text{what};
  text += ": SQLSTATE ";
  text += sqlstate.empty() ? "?????" : sqlstate;
  text += ": ";
  text += primary.empty() ? "unknown error" : primary;
  auto detail = field(res, PG_DIAG_MESSAGE_DETAIL);
  if (!detail.empty())
    text += " (" + detail + ")";
  return make_pg_error(code ? *code : errc_from_sqlstate(sqlstate), sqlstate,
                       std::move(text), statement, field(res, PG_DIAG_CONSTRAINT_NAME));
}

std::string libpq_message(const char* msg) {
  std::string s = msg ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  for (auto& c : s)
    if (c == '\n')
      c = ' ';
  return s;
}

std::optional<size_t> statement_index_of(const caf::error& err) {
  if (!has_pg_context(err))
    return std::nullopt;
  auto index = err.context().get_as<uint64_t>(3);
  if (index == no_statement)
    return std::nullopt;
  return static_cast<size_t>(index);
}

std::string constraint_of(const caf::error& err) {
  return has_pg_context(err) ? err.context().get_as<std::string>(4) : std::string{};
}

} // namespace kyb::persistence

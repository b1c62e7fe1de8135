// Rows per second for the three ways to write to PostgreSQL, measured in the same run on
// the same table: one autocommit INSERT per round trip (blocking libpq, and through a
// connection actor), pipelined batches through the pool, and COPY through pg_copy.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <libpq-fe.h>
#include <unistd.h>

#include <caf/all.hpp>

#include "persistence/io_watcher.hpp"
#include "persistence/pg_pool.hpp"
#include "persistence/register_types.hpp"
#include "persistence/statement_catalog.hpp"
#include "runtime/base/log.hpp"
#include "runtime/error.hpp"

using namespace kyb;
using namespace kyb::persistence;
using clock_type = std::chrono::steady_clock;

namespace {

struct options {
  long single = 5000;                 // rows written one autocommit INSERT at a time
  long pipelined = 200000;            // rows written in pipelined batches
  long copy = 1000000;                // rows written by COPY
  long batch = 500;                   // statements per batch (= per transaction)
  long connections = 1;               // pool size for the pipelined run
  std::string scheduler = "stealing"; // CAF scheduler policy: stealing or sharing
};

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

void exec(PGconn* conn, const std::string& sql) {
  PGresult* r = PQexec(conn, sql.c_str());
  auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    std::fprintf(stderr, "%s: %s", sql.c_str(), PQresultErrorMessage(r));
    std::exit(1);
  }
  PQclear(r);
}

std::string row_name(long i) {
  return "business " + std::to_string(i);
}

pg_statement insert(long id) {
  return {"bench_insert", {pg_param(id), pg_param(row_name(id)), pg_param(id % 1000)}};
}

} // namespace

int main(int argc, char** argv) {
  options opt;
  for (int i = 1; i + 1 < argc; i += 2) {
    long v = std::atol(argv[i + 1]);
    if (!std::strcmp(argv[i], "--scheduler") &&
        (!std::strcmp(argv[i + 1], "sharing") || !std::strcmp(argv[i + 1], "stealing")))
      opt.scheduler = argv[i + 1];
    else if (!std::strcmp(argv[i], "--single"))
      opt.single = v;
    else if (!std::strcmp(argv[i], "--pipelined"))
      opt.pipelined = v;
    else if (!std::strcmp(argv[i], "--copy"))
      opt.copy = v;
    else if (!std::strcmp(argv[i], "--batch"))
      opt.batch = std::max(1L, v);
    else if (!std::strcmp(argv[i], "--connections"))
      opt.connections = std::max(1L, v);
    else {
      std::fprintf(stderr,
                   "usage: %s [--single N] [--pipelined N] [--copy N] [--batch N] "
                   "[--connections N] [--scheduler stealing|sharing]\n",
                   argv[0]);
      return 2;
    }
  }
  const char* url = std::getenv("KYB_BENCH_DATABASE_URL");
  for (auto name : {"KYB_DATABASE_URL", "KYB_TEST_DATABASE_URL"})
    if (!url || !*url)
      url = std::getenv(name);
  if (!url || !*url) {
    std::fprintf(stderr, "set KYB_BENCH_DATABASE_URL (or KYB_DATABASE_URL), e.g. from "
                         "`deploy/local/kyb env test`\n");
    return 2;
  }
  base::logger::global().set_level(base::log_level::warn);
  auto table = "bench_persistence_" + std::to_string(getpid());

  PGconn* admin = PQconnectdb(url);
  if (PQstatus(admin) != CONNECTION_OK) {
    std::fprintf(stderr, "cannot connect: %s", PQerrorMessage(admin));
    return 1;
  }
  exec(admin, "CREATE TABLE " + table +
                  " (id bigint PRIMARY KEY, name text NOT NULL, score int NOT NULL)");

  // 1. Blocking libpq: one prepared autocommit INSERT per round trip.
  exec(admin, "PREPARE bench_insert AS INSERT INTO " + table + " VALUES ($1, $2, $3)");
  long next = 0;
  auto start = clock_type::now();
  for (long i = 0; i < opt.single; ++i, ++next) {
    auto id = std::to_string(next);
    auto name = row_name(next);
    auto score = std::to_string(next % 1000);
    const char* params[] = {id.c_str(), name.c_str(), score.c_str()};
    PGresult* r = PQexecPrepared(admin, "bench_insert", 3, params, nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      std::fprintf(stderr, "insert: %s", PQresultErrorMessage(r));
      return 1;
    }
    PQclear(r);
  }
  double single_rate = opt.single / seconds_since(start);

  caf::actor_system_config cfg;
  cfg.set("scheduler.policy", caf::atom_from_string(opt.scheduler));
  register_types(cfg);
  caf::actor_system sys{cfg};
  auto watcher = io_watcher::make();
  if (!watcher) {
    std::fprintf(stderr, "%s\n", detail_of(watcher.error()).c_str());
    return 1;
  }
  auto catalog = std::make_shared<const statement_catalog>(statement_catalog{
      {"bench_insert", "INSERT INTO " + table + " (id, name, score) VALUES ($1, $2, $3)"},
      {"bench_copy", "COPY " + table + " (id, name, score) FROM STDIN"},
  });
  pg_connection_options copts;
  copts.url = url;
  copts.application_name = "kyb-bench";
  copts.pipeline_max_statements = std::max<size_t>(4000, static_cast<size_t>(opt.batch));
  copts.max_queued_statements = static_cast<size_t>(opt.pipelined) + 1;
  auto pool =
      pg_pool::spawn(sys, copts, static_cast<size_t>(opt.connections), catalog, *watcher);
  if (!pool.wait_connected(static_cast<size_t>(opt.connections),
                           std::chrono::seconds{10})) {
    std::fprintf(stderr, "the pool did not connect\n");
    return 1;
  }
  caf::scoped_actor self{sys};
  long failures = 0;

  // 2. The same INSERT through a connection actor, one batch of one statement at a time.
  start = clock_type::now();
  for (long i = 0; i < opt.single; ++i, ++next)
    self->request(pool.pick(), std::chrono::seconds{30}, pg_batch{{insert(next)}})
        .receive([](std::vector<pg_rows>&) {}, [&](caf::error&) { ++failures; });
  double actor_single_rate = opt.single / seconds_since(start);

  // 3. Pipelined batches: `batch` INSERTs per transaction, all requests in flight at
  // once.
  start = clock_type::now();
  std::vector<decltype(self->request(pool.pick(), std::chrono::seconds{60}, pg_batch{}))>
      hs;
  for (long done = 0; done < opt.pipelined;) {
    pg_batch b;
    for (long k = 0; k < opt.batch && done < opt.pipelined; ++k, ++done, ++next)
      b.statements.push_back(insert(next));
    hs.push_back(self->request(pool.pick(), std::chrono::seconds{60}, std::move(b)));
  }
  for (auto& h : hs)
    h.receive([](std::vector<pg_rows>&) {},
              [&](caf::error& e) {
                if (failures++ == 0)
                  std::fprintf(stderr, "batch failed: %s\n", detail_of(e).c_str());
              });
  double pipelined_rate = opt.pipelined / seconds_since(start);

  // 4. COPY: text-format chunks of about 1 MiB.
  pg_copy load{"bench_copy", {std::string{}}};
  for (long i = 0; i < opt.copy; ++i, ++next) {
    auto& chunk = load.chunks.back();
    chunk += std::to_string(next);
    chunk += '\t';
    chunk += row_name(next);
    chunk += '\t';
    chunk += std::to_string(next % 1000);
    chunk += '\n';
    if (chunk.size() >= (1u << 20))
      load.chunks.emplace_back();
  }
  start = clock_type::now();
  uint64_t copied = 0;
  self->request(pool.pick(), std::chrono::seconds{300}, std::move(load))
      .receive([&](uint64_t n) { copied = n; },
               [&](caf::error& e) {
                 ++failures;
                 std::fprintf(stderr, "COPY failed: %s\n", detail_of(e).c_str());
               });
  double copy_rate = static_cast<double>(copied) / seconds_since(start);

  PGresult* count = PQexec(admin, ("SELECT count(*) FROM " + table).c_str());
  long stored = std::atol(PQgetvalue(count, 0, 0));
  PQclear(count);
  exec(admin, "DROP TABLE " + table);
  PQfinish(admin);
  pool.stop();

  std::printf(
      "PostgreSQL write paths (same run, same table; %ld rows stored; CAF scheduler "
      "%s)\n",
      stored, opt.scheduler.c_str());
  std::printf("  %-58s %10.0f rows/s  1.0x\n",
              "autocommit INSERT, blocking libpq, 1 per round trip", single_rate);
  std::printf("  %-58s %10.0f rows/s  %.1fx\n",
              "autocommit INSERT, connection actor, 1 batch at a time", actor_single_rate,
              actor_single_rate / single_rate);
  char what[96];
  std::snprintf(what, sizeof(what), "pipelined batches of %ld, %ld connection(s)",
                opt.batch, opt.connections);
  std::printf("  %-58s %10.0f rows/s  %.1fx\n", what, pipelined_rate,
              pipelined_rate / single_rate);
  std::printf("  %-58s %10.0f rows/s  %.1fx\n", "COPY FROM STDIN (pg_copy, 1 MiB chunks)",
              copy_rate, copy_rate / single_rate);
  long expected = 2 * opt.single + opt.pipelined + opt.copy;
  if (failures > 0 || stored != expected) {
    std::fprintf(stderr, "FAILED: %ld failures, %ld rows stored, %ld expected\n",
                 failures, stored, expected);
    return 1;
  }
  return 0;
}

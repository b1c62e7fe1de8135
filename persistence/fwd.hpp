// Forward declarations of the persistence layer.
#pragma once

namespace kyb::persistence {

class io_watcher;
class statement_catalog;
class pg_pool;
class redis_client;
class migrator;
struct statement_def;
struct pg_statement;
struct pg_batch;
struct pg_rows;
struct pg_copy;
struct redis_reply;
struct migration;
struct migration_status;
struct pg_connection_options;
struct pg_connection_status;
struct redis_client_options;
struct redis_endpoint;

} // namespace kyb::persistence

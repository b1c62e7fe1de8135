// End-to-end test harness: a fresh PostgreSQL database and a real kyb-node process on a
// free loopback port, against the PostgreSQL and Redis the test command started
// (KYB_TEST_DATABASE_URL, KYB_TEST_REDIS_URL).
#pragma once

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <sys/types.h>

#include "test/support/http_client.hpp"
#include "test/support/ports.hpp"

namespace kyb::test {

/// The test services' URLs; aborts the test with a clear message when they are unset.
std::string test_database_url();
std::string test_redis_url();
/// test_database_url() with the database name replaced.
std::string database_url_for(const std::string& dbname);

/// Runs one SQL statement with a blocking libpq connection (tests only); rows as text.
std::vector<std::vector<std::string>> sql(const std::string& url,
                                          const std::string& query);

/// The cluster certificates of this test process (`deploy/local/kyb certs`, made once
/// per process): ca.pem, node-1 ... node-4 (role node) and admin (role admin).
const std::string& test_certs_dir();

/// The environment every node of a multi-node test shares: fresh secrets, the seeds, the
/// bootstrap key file, quick cluster timings, one HTTP worker, no access log.
std::map<std::string, std::string>
cluster_node_env(const std::string& seeds, const std::string& bootstrap_key_file);

/// Runs `command` through the shell; returns its exit code and output (stdout and
/// stderr together).
struct command_result {
  int status = -1;
  std::string output;
};
command_result run_command(const std::string& command);

/// `promtool check metrics` (Debian package prometheus) on an exposition text: status 0
/// when it passes, else the tool's complaints in the output.
command_result promtool_check_metrics(const std::string& exposition);

class node_process {
public:
  /// Creates database `kyb_t_<random>` (unless `database_url` is given) and starts a node
  /// on a free port with `env` added to its environment (KYB_* overrides). With a given
  /// database (a cluster sharing it), pass the same KYB_SECURITY_* keys and bootstrap key
  /// file to every node; the operator key is read from that file when it exists.
  /// With `wait_ready` false it returns once the process runs (for a node expected to
  /// fail its start: wait_exit() and log() tell how). A node that does not become
  /// healthy is killed (SIGKILL) before the constructor throws.
  explicit node_process(std::map<std::string, std::string> env = {},
                        std::string database_url = {}, bool wait_ready = true);

  /// Sends `sig` (SIGKILL, SIGSTOP, SIGCONT) to the node process.
  void signal(int sig) const;
  /// Waits until the process is gone (after SIGKILL or a drain); false on timeout.
  bool wait_exit(std::chrono::seconds timeout);
  /// How the process ended, after wait_exit() returned true: its exit code, or 128 + the
  /// signal that killed it.
  int exit_status() const { return exit_status_; }
  ~node_process();
  node_process(const node_process&) = delete;
  node_process& operator=(const node_process&) = delete;

  uint16_t port() const { return port_; }
  const std::string& database_url() const { return db_url_; }
  const std::string& operator_key() const { return operator_key_; }
  const std::string& log_path() const { return log_path_; }
  /// The node's cluster endpoint ("127.0.0.1:PORT"): peer nodes only.
  std::string cluster_endpoint() const;
  /// The node's admin endpoint ("127.0.0.1:PORT"), where kybctl connects.
  std::string admin_endpoint() const;
  /// The directory holding the CA and certificates the node was started with.
  std::string certs_dir() const;
  /// Runs `kybctl --node <admin endpoint> --certs <certs dir> ARGS`.
  command_result kybctl(const std::string& args) const;
  /// The node's metrics listener ("127.0.0.1:PORT", a free port unless the test set
  /// KYB_METRICS_LISTEN), where /metrics and /metrics/business are served.
  std::string metrics_endpoint() const;
  uint16_t metrics_port() const;
  /// GET `target` ("/metrics", "/metrics/business") on the metrics listener.
  http_reply metrics(const std::string& target = "/metrics") const;
  const std::map<std::string, std::string>& env() const { return env_; }
  pid_t pid() const { return pid_; }
  /// The TCP addresses ("host:port") the node's configuration names: HTTP, cluster,
  /// admin, and the metrics listener unless it is off.
  std::set<std::string> configured_addresses() const;
  /// The TCP addresses the process listens on now (`ss -ltnp`), for comparison with
  /// configured_addresses(): a listener nobody configured is exposure.
  std::set<std::string> listening_addresses() const;
  bool running() const;

  /// SIGTERM and wait; past `timeout` SIGKILL (a node never outlives its test). Returns
  /// the exit status, -9 when it had to be killed.
  int stop(std::chrono::seconds timeout = std::chrono::seconds(30));
  /// Starts the node again with the same database and environment.
  void restart();

  /// Calls the API with `key` as bearer token (empty: no Authorization header).
  http_reply call(const std::string& method, const std::string& target,
                  const std::string& body = {}, const std::string& key = {},
                  std::map<std::string, std::string> headers = {}) const;
  /// As call(), with the operator key.
  http_reply op(const std::string& method, const std::string& target,
                const std::string& body = {}) const;

  /// Creates a tenant and a key with `scopes` (e.g. {"read","write","admin"}); returns
  /// {tenant id, key}.
  std::pair<std::string, std::string>
  make_tenant(const std::vector<std::string>& scopes, const std::string& region = "us",
              const std::string& extra_json = {}) const;

  /// The node's log so far (for failure messages).
  std::string log() const;

  /// A start-up failure's message: exit status, warnings and errors, then the log's tail.
  std::string startup_failure(const std::string& what) const;

private:
  void start(bool wait_ready = true);
  void wait_healthy();
  /// Reaps the process if it ended (recording exit_status_); true while it runs.
  bool reap() const;
  void kill_now();

  std::map<std::string, std::string> env_;
  std::string db_name_;
  std::string db_url_;
  bool own_db_ = false;
  std::string dir_;
  std::string log_path_;
  std::string key_path_;
  std::string operator_key_;
  uint16_t port_ = 0;
  mutable pid_t pid_ = -1;
  mutable int exit_status_ = -1;
};

} // namespace kyb::test

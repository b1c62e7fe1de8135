#include "test/support/node_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/host_port.hpp"
#include "runtime/base/crypto.hpp"

extern char** environ;

namespace kyb::test {

namespace {

std::string required_env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v)
    throw std::runtime_error(
        std::string(name) + " is not set: run the tests through `deploy/local/kyb test`");
  return v;
}

std::string random_hex(size_t bytes) {
  return base::hex_encode(base::random_bytes(bytes));
}

} // namespace

std::string test_database_url() {
  return required_env("KYB_TEST_DATABASE_URL");
}

std::string test_redis_url() {
  return required_env("KYB_TEST_REDIS_URL");
}

std::string database_url_for(const std::string& dbname) {
  auto url = test_database_url();
  auto slash = url.rfind('/');
  return url.substr(0, slash + 1) + dbname;
}

std::vector<std::vector<std::string>> sql(const std::string& url,
                                          const std::string& query) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("cannot connect to " + url + ": " + msg);
  }
  PGresult* r = PQexec(c, query.c_str());
  auto st = PQresultStatus(r);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    std::string msg = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(c);
    throw std::runtime_error("SQL failed: " + query + ": " + msg);
  }
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < PQntuples(r); ++i) {
    std::vector<std::string> row;
    for (int j = 0; j < PQnfields(r); ++j)
      row.emplace_back(PQgetisnull(r, i, j) ? "" : PQgetvalue(r, i, j));
    rows.push_back(std::move(row));
  }
  PQclear(r);
  PQfinish(c);
  return rows;
}

std::map<std::string, std::string>
cluster_node_env(const std::string& seeds, const std::string& bootstrap_key_file) {
  auto secret = [] { return base::base64_encode(base::random_bytes(32)); };
  return {{"KYB_SECURITY_TAX_ID_KEY", secret()},
          {"KYB_SECURITY_TAX_ID_HMAC_KEY", secret()},
          {"KYB_SECURITY_AUDIT_KEY", secret()},
          {"KYB_SECURITY_BOOTSTRAP_KEY_FILE", bootstrap_key_file},
          {"KYB_CLUSTER_SEEDS", seeds},
          {"KYB_CLUSTER_BOOTSTRAP_TIMEOUT", "1s"},
          {"KYB_CLUSTER_REJOIN_INTERVAL", "300ms"},
          {"KYB_HTTP_WORKERS", "1"},
          {"KYB_LOG_ACCESS", "false"}};
}

const std::string& test_certs_dir() {
  static const std::string dir = [] {
    auto d = "/tmp/kyb-test-certs-" + random_hex(6);
    auto made =
        run_command(std::string(KYB_SOURCE_DIR) + "/deploy/local/kyb certs " + d + " 4");
    if (made.status != 0)
      throw std::runtime_error("cannot make test certificates: " + made.output);
    return d;
  }();
  return dir;
}

command_result run_command(const std::string& command) {
  command_result r;
  if (auto* p = ::popen((command + " 2>&1").c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
      r.output.append(buf, n);
    int st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }
  return r;
}

command_result promtool_check_metrics(const std::string& exposition) {
  auto path = "/tmp/kyb-metrics-" + random_hex(6) + ".txt";
  {
    std::ofstream out(path, std::ios::binary);
    out << exposition;
  }
  auto r = run_command("promtool check metrics < " + path);
  std::remove(path.c_str());
  return r;
}

node_process::node_process(std::map<std::string, std::string> env,
                           std::string database_url, bool wait_ready)
    : env_(std::move(env)) {
  if (database_url.empty()) {
    db_name_ = "kyb_t_" + random_hex(6);
    sql(test_database_url(), "CREATE DATABASE " + db_name_);
    db_url_ = database_url_for(db_name_);
    own_db_ = true;
  } else {
    db_url_ = database_url;
  }
  char tmpl[] = "/tmp/kyb-node-XXXXXX";
  dir_ = ::mkdtemp(tmpl);
  log_path_ = dir_ + "/node.log";
  key_path_ = env_.count("KYB_SECURITY_BOOTSTRAP_KEY_FILE")
                  ? env_["KYB_SECURITY_BOOTSTRAP_KEY_FILE"]
                  : dir_ + "/bootstrap-admin.key";
  port_ = free_port();
  env_.emplace("KYB_DATABASE_URL", db_url_);
  env_.emplace("KYB_REDIS_URL", test_redis_url());
  env_.emplace("KYB_HTTP_LISTEN", "127.0.0.1:" + std::to_string(port_));
  env_.emplace("KYB_SECURITY_TAX_ID_KEY", base::base64_encode(base::random_bytes(32)));
  env_.emplace("KYB_SECURITY_TAX_ID_HMAC_KEY",
               base::base64_encode(base::random_bytes(32)));
  env_.emplace("KYB_SECURITY_AUDIT_KEY", base::base64_encode(base::random_bytes(32)));
  env_.emplace("KYB_SECURITY_BOOTSTRAP_KEY_FILE", key_path_);
  // Tests load the lists they configure, never the publishers' (no internet here).
  env_.emplace("KYB_SCREENING_SOURCES", "configured");
  env_.emplace("KYB_HTTP_WORKERS", "2");
  env_.emplace("KYB_DATABASE_POOL_SIZE", "2");
  env_.emplace("KYB_NODE_DATA_DIR", dir_);
  env_.emplace("KYB_CLUSTER_LISTEN", "127.0.0.1:" + std::to_string(free_port()));
  env_.emplace("KYB_CLUSTER_ADMIN_LISTEN", "127.0.0.1:" + std::to_string(free_port()));
  if (!env_.count("KYB_CLUSTER_INSECURE")) {
    env_.emplace("KYB_CLUSTER_TLS_CERTIFICATE", test_certs_dir() + "/node-1.pem");
    env_.emplace("KYB_CLUSTER_TLS_KEY", test_certs_dir() + "/node-1-key.pem");
    env_.emplace("KYB_CLUSTER_TLS_CA", test_certs_dir() + "/ca.pem");
  }
  env_.emplace("KYB_METRICS_LISTEN", "127.0.0.1:" + std::to_string(free_port()));
  env_.emplace("KYB_RATE_LIMIT_REQUESTS_PER_SECOND", "100000");
  env_.emplace("KYB_RATE_LIMIT_BURST", "100000");
  try {
    start(wait_ready);
    if (!wait_ready)
      return;
    for (int i = 0; i < 100 && operator_key_.size() != 100; ++i) {
      std::ifstream in(key_path_);
      std::getline(in, operator_key_);
      if (operator_key_.size() != 100)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (operator_key_.size() != 100)
      throw std::runtime_error("no operator key in " + key_path_ + "\n" + log());
  } catch (...) {
    // No destructor runs for a constructor that throws: end the node here.
    kill_now();
    if (own_db_) {
      try {
        sql(test_database_url(), "DROP DATABASE IF EXISTS " + db_name_ + " WITH (FORCE)");
      } catch (...) {
      }
    }
    throw;
  }
}

bool node_process::reap() const {
  if (pid_ <= 0)
    return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_)
    return true;
  pid_ = -1;
  exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return false;
}

void node_process::kill_now() {
  if (!reap())
    return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  exit_status_ = 128 + SIGKILL;
}

void node_process::signal(int sig) const {
  if (pid_ > 0)
    ::kill(pid_, sig);
}

bool node_process::wait_exit(std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!reap())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return !reap();
}

std::string node_process::cluster_endpoint() const {
  return env_.at("KYB_CLUSTER_LISTEN");
}

std::string node_process::admin_endpoint() const {
  return env_.at("KYB_CLUSTER_ADMIN_LISTEN");
}

std::string node_process::certs_dir() const {
  auto it = env_.find("KYB_CLUSTER_TLS_CA");
  if (it == env_.end())
    return "";
  return it->second.substr(0, it->second.rfind('/'));
}

command_result node_process::kybctl(const std::string& args) const {
  auto tls = certs_dir().empty() ? std::string("--insecure") : "--certs " + certs_dir();
  return run_command(std::string(KYB_BINARY_DIR) + "/kybctl --node " + admin_endpoint() +
                     " " + tls + " " + args);
}

std::set<std::string> node_process::configured_addresses() const {
  std::set<std::string> out = {env_.at("KYB_HTTP_LISTEN"), cluster_endpoint(),
                               admin_endpoint()};
  if (metrics_endpoint() != "off")
    out.insert(metrics_endpoint());
  return out;
}

std::set<std::string> node_process::listening_addresses() const {
  auto ss = run_command("ss -ltnpH");
  if (ss.status != 0)
    throw std::runtime_error("ss -ltnpH failed: " + ss.output);
  std::set<std::string> listening;
  std::istringstream lines(ss.output);
  std::string line;
  auto tag = "pid=" + std::to_string(pid_) + ",";
  while (std::getline(lines, line)) {
    if (line.find(tag) == std::string::npos)
      continue;
    std::istringstream cols(line);
    std::string state, recv, send, local;
    cols >> state >> recv >> send >> local;
    listening.insert(local);
  }
  return listening;
}

std::string node_process::metrics_endpoint() const {
  return env_.at("KYB_METRICS_LISTEN");
}

uint16_t node_process::metrics_port() const {
  auto e = metrics_endpoint();
  auto endpoint = config::parse_host_port(e);
  if (!endpoint)
    throw std::runtime_error("no metrics listener (KYB_METRICS_LISTEN=" + e +
                             "): " + endpoint.error);
  return endpoint.value->port;
}

http_reply node_process::metrics(const std::string& target) const {
  return http_call(metrics_port(), "GET", target, {}, {});
}

node_process::~node_process() {
  if (running())
    stop(); // SIGKILL when the drain does not end: no node outlives its test
  if (own_db_) {
    try {
      sql(test_database_url(), "DROP DATABASE IF EXISTS " + db_name_ + " WITH (FORCE)");
    } catch (...) {
    }
  }
}

void node_process::start(bool wait_ready) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    if (kv.rfind("KYB_", 0) != 0) // the node sees only the KYB_* this test sets
      env_strings.push_back(kv);
  }
  for (auto& [k, v] : env_)
    env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings)
    envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string bin = std::string(KYB_BINARY_DIR) + "/kyb-node";
  pid_ = ::fork();
  if (pid_ == 0) {
    int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    char* argv[] = {bin.data(), nullptr};
    ::execve(bin.c_str(), argv, envp.data());
    std::fprintf(stderr, "execve %s: %s\n", bin.c_str(), std::strerror(errno));
    ::_exit(127);
  }
  exit_status_ = -1;
  if (wait_ready)
    wait_healthy();
}

void node_process::wait_healthy() {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running())
      throw std::runtime_error(startup_failure("exited during start-up"));
    http_connection c("127.0.0.1", port_);
    if (c.connected() && c.send_raw(make_request("GET", "/health"))) {
      auto r = c.read_reply(std::chrono::seconds(2));
      if (r && r->status == 200)
        return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error(startup_failure("did not become healthy in 60 s"));
}

bool node_process::running() const {
  return reap();
}

int node_process::stop(std::chrono::seconds timeout) {
  if (!reap())
    return exit_status_; // ended already (or never started: -1)
  ::kill(pid_, SIGTERM);
  ::kill(pid_, SIGCONT); // a stopped node (SIGSTOP) must see the SIGTERM too
  if (wait_exit(timeout))
    return exit_status_;
  kill_now();
  return -9;
}

void node_process::restart() {
  if (running())
    stop();
  start();
}

http_reply node_process::call(const std::string& method, const std::string& target,
                              const std::string& body, const std::string& key,
                              std::map<std::string, std::string> headers) const {
  if (!key.empty())
    headers["Authorization"] = "Bearer " + key;
  return http_call(port_, method, target, body, headers);
}

http_reply node_process::op(const std::string& method, const std::string& target,
                            const std::string& body) const {
  return call(method, target, body, operator_key_);
}

std::pair<std::string, std::string>
node_process::make_tenant(const std::vector<std::string>& scopes,
                          const std::string& region,
                          const std::string& extra_json) const {
  std::string body = R"({"name":"tenant )" + random_hex(4) + R"(","region":")" + region +
                     "\"" + (extra_json.empty() ? "" : "," + extra_json) + "}";
  // Right after a cluster forms, shards may still change hands: a write then answers a
  // retryable 503 (Retry-After), which a client retries; so does this helper (bounded).
  auto op_retrying = [this](const std::string& target, const std::string& json) {
    auto r = op("POST", target, json);
    for (int i = 0; i < 50 && r.status == 503 && !r.header("retry-after").empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      r = op("POST", target, json);
    }
    return r;
  };
  auto t = op_retrying("/v1/tenants", body);
  if (t.status != 201)
    throw std::runtime_error("cannot create a tenant: " + std::to_string(t.status) + " " +
                             t.body);
  auto id = t.json()["id"].get<std::string>();
  nlohmann::json sc = scopes;
  auto k = op_retrying("/v1/tenants/" + id + "/api-keys",
                       nlohmann::json{{"name", "test"}, {"scopes", sc}}.dump());
  if (k.status != 201)
    throw std::runtime_error("cannot create a key: " + std::to_string(k.status) + " " +
                             k.body);
  return {id, k.json()["key"].get<std::string>()};
}

std::string node_process::startup_failure(const std::string& what) const {
  // The reason comes first: a CI report shows only the head of a long message, and the
  // node's reason for stopping is its last line, after every migration it applied.
  std::string out = "kyb-node " + what;
  if (exit_status_ != -1)
    out += " (exit status " + std::to_string(exit_status_) + ")";
  std::istringstream lines(log());
  std::vector<std::string> all;
  for (std::string line; std::getline(lines, line);)
    all.push_back(line);
  out += "\nwarnings and errors:";
  for (auto& line : all)
    if (line.find("\"level\":\"error\"") != std::string::npos ||
        line.find("\"level\":\"warn") != std::string::npos ||
        line.find("\"level\":\"fatal\"") != std::string::npos)
      out += "\n  " + line;
  out += "\nlast lines:";
  for (std::size_t i = all.size() > 12 ? all.size() - 12 : 0; i < all.size(); ++i)
    out += "\n  " + all[i];
  return out;
}

std::string node_process::log() const {
  std::ifstream in(log_path_);
  std::stringstream s;
  s << in.rdbuf();
  auto text = s.str();
  if (text.size() > 20000)
    text = "..." + text.substr(text.size() - 20000);
  return text;
}

} // namespace kyb::test

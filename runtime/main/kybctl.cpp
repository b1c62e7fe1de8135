// kybctl: the operator's console. Connects over CAF to a node's admin endpoint
// (cluster.admin_listen) with an admin certificate and runs one command; usage() below
// lists the commands.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/remote_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <nlohmann/json.hpp>

#include "config/host_port.hpp"
#include "runtime/cluster/cluster_types.hpp"
#include "runtime/cluster/member.hpp"
#include "runtime/error.hpp"
#include "runtime/main/kybctl_import.hpp"
#include "runtime/main/kybctl_probe.hpp"

using namespace kyb;
using json = nlohmann::json;

namespace {

int usage() {
  std::fprintf(
      stderr,
      "usage: kybctl [--node HOST:PORT] [--json] [--timeout SECONDS]\n"
      "              [--certs DIR | --tls-cert FILE --tls-key FILE --tls-ca FILE |\n"
      "               --insecure] COMMAND [ARGS]\n"
      "  --node      the node's admin endpoint, cluster.admin_listen (default\n"
      "              $KYBCTL_NODE or 127.0.0.1:9301)\n"
      "  --certs     a directory with ca.pem, admin.pem and admin-key.pem (default\n"
      "              $KYBCTL_CERTS, else var/dev/certs when it exists)\n"
      "  --insecure  plaintext, for a cluster run with cluster.insecure = true\n"
      "commands:\n"
      "  nodes [NODE]          cluster members as NODE sees them\n"
      "  shards                shard owners and epochs\n"
      "  actors [--node N]     live entity actors per node\n"
      "  caches                cache statistics per node\n"
      "  drain NODE            NODE hands its actors over and exits\n"
      "  drill kill-node NODE  kill NODE and time the failover\n"
      "  drill crash-child NODE PATH  crash a supervised child on NODE (e.g. "
      "services/audit)\n"
      "  drill region-failover REGION  fail a region over (us-east-1 or us-west-2)\n"
      "  region status         roles, fences, lag per table against its SLA\n"
      "  region check          compare every table across the regions\n"
      "  region ensure         make replication exist as configured (idempotent)\n"
      "  region failback REGION  bring a failed-over region back\n"
      "  import FILE [--api URL] [--key KEY] [--format ndjson|csv] [--job-key K]\n"
      "         [--allow-duplicate-tax-id]\n"
      "                        upload businesses to the HTTP API with a progress bar\n");
  return 2;
}

std::string fmt_ms(const json& v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f ms", v.is_number() ? v.get<double>() : 0.0);
  return buf;
}

/// A human-readable rendering of a command's JSON answer.
void print_human(const std::string& cmd, const json& j) {
  if (cmd == "nodes") {
    std::printf("view of %s (version %s, %s)\n", j.value("node", "?").c_str(),
                j["version"].dump().c_str(),
                j.value("serving", false) ? "serving" : "NOT serving");
    std::printf("%-12s %-22s %-22s %-10s %s\n", "NODE", "CLUSTER", "HTTP", "REGION",
                "INCARNATION");
    for (auto& m : j["members"])
      std::printf("%-12s %-22s %-22s %-10s %s%s\n", m.value("id", "").c_str(),
                  m.value("cluster", "").c_str(), m.value("http", "").c_str(),
                  m.value("region", "").c_str(), m.value("incarnation", "").c_str(),
                  m.value("self", false) ? "  (this node)" : "");
    std::printf("live actors here: %s, proxies: %s\n", j["live_actors"].dump().c_str(),
                j["proxies"].dump().c_str());
  } else if (cmd == "shards") {
    std::printf("%s shards\n", j["shards"].dump().c_str());
    for (auto& [node, n] : j["per_node"].items())
      std::printf("  %-12s %s shards\n", node.empty() ? "(none)" : node.c_str(),
                  n.dump().c_str());
    int missing = 0;
    for (auto& s : j["map"])
      missing += s["epoch"].is_null() ? 1 : 0;
    std::printf("shards without a lease yet: %d\n", missing);
  } else if (cmd == "actors" || cmd == "caches") {
    for (auto& n : j["nodes"]) {
      if (n.contains("error")) {
        std::printf("%-12s %s\n", n.value("node", "?").c_str(),
                    n.value("error", "").c_str());
        continue;
      }
      if (cmd == "actors") {
        std::printf("%-12s live %s  proxies %s  activations %s  passivations %s\n",
                    n.value("node", "?").c_str(), n["live"].dump().c_str(),
                    n["proxies"].dump().c_str(), n["activations"].dump().c_str(),
                    n["passivations"].dump().c_str());
        for (auto& [kind, k] : n["kinds"].items())
          std::printf("  %-10s %s live\n", kind.c_str(), k["live"].dump().c_str());
      } else {
        std::printf("%s\n", n.value("node", "?").c_str());
        for (auto& [type, c] : n["caches"].items())
          std::printf(
              "  %-20s entries %-8s hit rate %.3f  hits %s misses %s evictions %s\n",
              type.c_str(), c["entries"].dump().c_str(), c.value("hit_rate", 0.0),
              c["hits"].dump().c_str(), c["misses"].dump().c_str(),
              c["evictions"].dump().c_str());
      }
    }
  } else if (cmd == "drill-kill-node") {
    std::printf("drill kill-node %s: %s\n", j.value("victim", "?").c_str(),
                j.value("ok", false) ? "served again"
                                     : ("FAILED: " + j.value("detail", "")).c_str());
    for (auto& s : j["steps"])
      std::printf("  %-40s %10s\n", s.value("step", "").c_str(), fmt_ms(s["ms"]).c_str());
    std::printf("  %-40s %10s\n", "kill -> served again",
                fmt_ms(j["kill_to_served_ms"]).c_str());
  } else if (cmd == "region-status") {
    auto& r = j["routing"];
    std::printf("routing epoch %s: US writes -> %s, EU writes -> %s, fenced %s (seen by "
                "%s in %s)\n",
                r["epoch"].dump().c_str(), r.value("us_write", "?").c_str(),
                r.value("eu_write", "?").c_str(), r["fenced"].dump().c_str(),
                j.value("node", "?").c_str(), j.value("node_region", "?").c_str());
    std::printf("%-10s %-28s %-5s %s\n", "REGION", "ROLE", "UP", "SUBSCRIPTIONS");
    for (auto& g : j["regions"]) {
      std::string subs;
      for (auto& s2 : g["subscriptions"])
        subs += s2.value("name", "") + (s2.value("enabled", false) ? "" : "(disabled)") +
                (s2.value("apply_errors", 0.0) > 0 ? "(errors)" : "") + " ";
      std::printf("%-10s %-28s %-5s %s\n", g.value("region", "").c_str(),
                  g.value("role", "").c_str(), g.value("up", false) ? "yes" : "NO",
                  subs.c_str());
    }
    std::printf("%-18s %-10s %-10s %10s %8s  %s\n", "GROUP", "SOURCE", "TARGET", "LAG",
                "SLA", "STATE");
    for (auto& l : j["lag"]) {
      char lag[32] = "-";
      if (l["lag_seconds"].is_number())
        std::snprintf(lag, sizeof lag, "%.3f s", l["lag_seconds"].get<double>());
      std::printf("%-18s %-10s %-10s %10s %6.0f s  %s\n", l.value("group", "").c_str(),
                  l.value("source", "").c_str(), l.value("target", "").c_str(), lag,
                  l.value("sla_seconds", 0.0), l.value("state", "").c_str());
    }
    for (auto& [t, v] : j["loss_bound_seconds"].items())
      std::printf("a failover to %s now could lose about %.3f s of writes\n", t.c_str(),
                  v.get<double>());
  } else if (cmd == "region-check") {
    std::printf("region check: %s\n", j.value("clean", false) ? "clean" : "DIFFERENCES");
    for (auto& p : j["pairs"]) {
      if (p.contains("error")) {
        std::printf("  %-26s %s -> %s: %s\n", p.value("group", "").c_str(),
                    p.value("source", "").c_str(), p.value("target", "").c_str(),
                    p.value("error", "").c_str());
        continue;
      }
      std::printf("  %-26s %s -> %s  rows %s / %s  %s\n", p.value("table", "").c_str(),
                  p.value("source", "").c_str(), p.value("target", "").c_str(),
                  p["source_rows"].dump().c_str(), p["target_rows"].dump().c_str(),
                  p.value("equal", false) ? "equal" : p["differences"].dump().c_str());
    }
    for (auto& s2 : j["steps"])
      if (s2.value("step", "") == "EU rows stay in the EU")
        std::printf("  EU rows in US regions: %s\n", s2["detail"].dump().c_str());
  } else if (cmd == "drill-region-failover" || cmd == "region-failback") {
    std::printf(
        "%s %s: %s\n",
        cmd == "region-failback" ? "region failback" : "drill region-failover",
        j.value(cmd == "region-failback" ? "region" : "failed_region", "?").c_str(),
        j.value("ok", false) ? "done" : ("FAILED: " + j.value("detail", "")).c_str());
    for (auto& s2 : j["steps"])
      std::printf(
          "  %-46s %10s%s\n", s2.value("step", "").c_str(), fmt_ms(s2["ms"]).c_str(),
          s2.value("ok", true) ? "" : ("  FAILED: " + s2["detail"].dump()).c_str());
    std::printf("  %-46s %10s\n", "total", fmt_ms(j["total_ms"]).c_str());
    if (j.contains("loss_bound_seconds"))
      std::printf("  loss bound: %.3f s of writes (%s)\n",
                  j["loss_bound_seconds"].get<double>(),
                  j.value("planned", false) ? "planned: none" : "the last lag sample");
    if (j.contains("lost_tail"))
      std::printf("  lost tail exported: %s rows%s\n",
                  j["lost_tail"]["exported_rows"].dump().c_str(),
                  j["lost_tail"].contains("file")
                      ? (" to " + j["lost_tail"].value("file", "")).c_str()
                      : "");
  } else if (cmd == "drill-crash-child") {
    std::printf("drill crash-child on %s: crashed %s (its supervisor restarts it; see "
                "kyb_supervisor_restarts_total)\n",
                j.value("node", "?").c_str(), j.value("crashed", "?").c_str());
  } else {
    std::printf("%s\n", j.dump(2).c_str());
  }
}

} // namespace

int main(int argc, char** argv) {
  std::string node =
      std::getenv("KYBCTL_NODE") ? std::getenv("KYBCTL_NODE") : "127.0.0.1:9301";
  bool as_json = false;
  bool insecure = false;
  int timeout_s = 40;
  std::string cert, key, ca;
  std::string certs = std::getenv("KYBCTL_CERTS") ? std::getenv("KYBCTL_CERTS") : "";
  std::vector<std::string> rest;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc)
        return false;
      out = argv[++i];
      return true;
    };
    std::string t;
    // After `actors`, --node is the command's own filter (a node id), not the admin
    // endpoint (which comes before the command, or from KYBCTL_NODE).
    if (a == "--node" && !rest.empty() && rest[0] == "actors") {
      rest.push_back(a);
      continue;
    }
    if (a == "--node" && value(node))
      continue;
    if (a == "--json") {
      as_json = true;
      continue;
    }
    if (a == "--timeout" && value(t)) {
      timeout_s = std::atoi(t.c_str());
      continue;
    }
    if (a == "--tls-cert" && value(cert))
      continue;
    if (a == "--tls-key" && value(key))
      continue;
    if (a == "--tls-ca" && value(ca))
      continue;
    if (a == "--certs" && value(certs))
      continue;
    if (a == "--insecure") {
      insecure = true;
      continue;
    }
    if (a == "-h" || a == "--help")
      return usage();
    rest.push_back(a);
  }
  if (rest.empty())
    return usage();
  std::string cmd = rest[0];
  std::vector<std::string> args(rest.begin() + 1, rest.end());
  if (cmd == "import") {
    import_options o;
    if (const char* k = std::getenv("KYB_API_KEY"))
      o.key = k;
    o.as_json = as_json;
    for (size_t i = 0; i < args.size(); ++i) {
      auto next = [&](std::string& out) {
        if (i + 1 >= args.size())
          return false;
        out = args[++i];
        return true;
      };
      if ((args[i] == "--api" && next(o.api)) || (args[i] == "--key" && next(o.key)) ||
          (args[i] == "--format" && next(o.format)) ||
          (args[i] == "--job-key" && next(o.job_key)))
        continue;
      if (args[i] == "--allow-duplicate-tax-id") {
        o.allow_duplicate_tax_id = true;
        continue;
      }
      if (!args[i].empty() && args[i][0] != '-' && o.file.empty()) {
        o.file = args[i];
        continue;
      }
      return usage();
    }
    if (o.file.empty())
      return usage();
    return run_import(o);
  }
  if (cmd == "region") {
    if (args.size() == 1 &&
        (args[0] == "status" || args[0] == "check" || args[0] == "ensure"))
      cmd = "region-" + args[0];
    else if (args.size() == 2 && args[0] == "failback")
      cmd = "region-failback";
    else
      return usage();
    args.erase(args.begin());
  } else if (cmd == "drill") {
    if (args.size() == 2 && args[0] == "kill-node")
      cmd = "drill-kill-node";
    else if (args.size() == 2 && args[0] == "region-failover")
      cmd = "drill-region-failover";
    else if (args.size() == 3 && args[0] == "crash-child")
      cmd = "drill-crash-child";
    else
      return usage();
    args.erase(args.begin());
  } else if (cmd == "actors") {
    std::vector<std::string> a2;
    for (size_t i = 0; i < args.size(); ++i)
      if (args[i] == "--node" && i + 1 < args.size())
        a2.push_back(args[++i]);
    args = a2;
  } else if (cmd == "drain") {
    if (args.size() != 1)
      return usage();
  } else if (cmd != "nodes" && cmd != "shards" && cmd != "caches") {
    std::fprintf(stderr, "kybctl: unknown command '%s'\n", cmd.c_str());
    return usage();
  }
  auto endpoint = config::parse_host_port(node);
  if (!endpoint) {
    std::fprintf(stderr, "kybctl: --node (or KYBCTL_NODE): %s\n", endpoint.error.c_str());
    return 2;
  }
  auto& [host, port] = *endpoint.value;
  if (!insecure && cert.empty() && key.empty() && ca.empty()) {
    if (certs.empty() && ::access("var/dev/certs/admin.pem", R_OK) == 0)
      certs = "var/dev/certs";
    if (certs.empty()) {
      std::fprintf(
          stderr,
          "kybctl: no admin certificate: pass --certs DIR (with ca.pem, admin.pem "
          "and admin-key.pem), set KYBCTL_CERTS, or --insecure for a cluster run "
          "with cluster.insecure = true\n");
      return 2;
    }
    cert = certs + "/admin.pem";
    key = certs + "/admin-key.pem";
    ca = certs + "/ca.pem";
  }
  if (!insecure && (cert.empty() || key.empty() || ca.empty())) {
    std::fprintf(stderr, "kybctl: --tls-cert, --tls-key and --tls-ca go together\n");
    return 2;
  }
  for (auto* file : {&cert, &key, &ca})
    if (!insecure && ::access(file->c_str(), R_OK) != 0) {
      std::fprintf(stderr, "kybctl: cannot read %s\n", file->c_str());
      return 2;
    }
  bool tls = !insecure;

  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  if (tls) {
    cfg.load<caf::openssl::manager>();
    cfg.set("openssl.certificate", cert);
    cfg.set("openssl.key", key);
    cfg.set("openssl.cafile", ca);
  }
  cfg.set("logger.verbosity", caf::atom("quiet"));
  cfg.set("logger.console", caf::atom("none"));
  cfg.set("logger.file-verbosity", caf::atom("quiet"));
  cfg.set("middleman.heartbeat-interval", caf::timespan{std::chrono::milliseconds(500)});
  runtime::register_types(cfg);
  caf::actor_system sys(cfg);
  auto agent = tls ? caf::openssl::remote_actor(sys, host, port)
                   : sys.middleman().remote_actor(host, port);
  if (!agent) {
    // Say which port it was when that is what went wrong: the HTTP port answers HTTP.
    if (runtime::probe_port(*endpoint.value) == runtime::port_answer::http) {
      std::fprintf(stderr,
                   "kybctl: %s is a node's HTTP API port (api.listen), not its admin "
                   "endpoint: --node takes cluster.admin_listen (127.0.0.1:9301 for "
                   "`deploy/local/kyb up`); use the HTTP port with curl or kybctl "
                   "import --api http://%s\n",
                   node.c_str(), node.c_str());
      return 1;
    }
    std::fprintf(stderr,
                 "kybctl: cannot reach the admin endpoint at %s: %s\n"
                 "  (--node takes a node's cluster.admin_listen, not its HTTP or cluster "
                 "port; a refused certificate or a TLS/--insecure mismatch fails here "
                 "too)\n",
                 node.c_str(), sys.render(agent.error()).c_str());
    return 1;
  }
  int rc = 0;
  caf::scoped_actor self{sys};
  self->request(*agent, std::chrono::seconds(timeout_s), runtime::admin_atom::value, cmd,
                args)
      .receive(
          [&](const std::string& text) {
            auto j = json::parse(text, nullptr, false);
            if (as_json || j.is_discarded())
              std::printf("%s\n", j.is_discarded() ? text.c_str() : j.dump(2).c_str());
            else
              try {
                print_human(cmd, j);
              } catch (const std::exception&) {
                // An answer of a shape the rendering does not know: show it whole.
                std::printf("%s\n", j.dump(2).c_str());
              }
            if (j.is_object() && j.contains("ok") && !j["ok"].get<bool>())
              rc = 1;
          },
          [&](const caf::error& err) {
            std::fprintf(stderr, "kybctl: %s failed: %s\n", cmd.c_str(),
                         detail_of(err).c_str());
            rc = 1;
          });
  return rc;
}

#include "runtime/main/node_startup.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>

#include <sys/stat.h>

#include <unistd.h>

#include <caf/scoped_actor.hpp>
#include <nlohmann/json.hpp>

#include "actors/audit/audit_chain.hpp"
#include "actors/business/business_actor.hpp"
#include "actors/classification/classifier.hpp"
#include "actors/messages.hpp"
#include "actors/risk/risk_reference.hpp"
#include "actors/tenant/tenant_actor.hpp"
#include "actors/verification/verification_actor.hpp"
#include "actors/website/signal_tables.hpp"
#include "actors/website/website_analysis.hpp"
#include "net/business_json.hpp"
#include "net/website_service.hpp"
#include "runtime/base/crypto.hpp"
#include "runtime/base/log.hpp"
#include "runtime/cluster/entity_router.hpp"
#include "runtime/directory.hpp"
#include "runtime/error.hpp"

namespace kyb::node {

bool write_key_file(const std::string& path, const std::string& key) {
  auto slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    std::string dir = path.substr(0, slash);
    std::string partial;
    for (size_t i = 0; i <= dir.size(); ++i)
      if (i == dir.size() || dir[i] == '/') {
        partial = dir.substr(0, i);
        if (!partial.empty())
          ::mkdir(partial.c_str(), 0700);
      }
  }
  auto old = ::umask(077);
  std::ofstream out(path, std::ios::trunc);
  ::umask(old);
  if (!out)
    return false;
  out << key << "\n";
  out.close();
  ::chmod(path.c_str(), 0600);
  return static_cast<bool>(out);
}

bool ensure_operator_key(caf::actor_system& sys, runtime::directory& directory,
                         const actors::platform& platform,
                         const config::settings& settings) {
  caf::scoped_actor self{sys};
  auto platform_tenant = caf::actor_cast<actors::tenant_actor>(
      directory.resolve(actors::tenant_entity, platform.platform_tenant));
  bool done = false;
  self->request(platform_tenant, settings.database.connect_timeout,
                actors::ensure_operator_atom::value)
      .receive(
          [&](const std::string& key) {
            done = true;
            if (key.empty())
              return;
            auto& path = settings.security.bootstrap_key_file;
            if (!write_key_file(path, key)) {
              std::fprintf(stderr, "cannot write the operator key to %s\n", path.c_str());
              return;
            }
            // The key goes to a terminal only: a redirected stdout is a log file,
            // which others may read and which is kept and shipped.
            base::log_info("node.operator_key_created", {{"file", path}});
            if (::isatty(STDOUT_FILENO))
              std::printf(
                  "\nA platform-operator API key was created (shown once, also in "
                  "%s):\n  %s\n\n",
                  path.c_str(), key.c_str());
            else
              std::printf("A platform-operator API key was created: it is in %s "
                          "(mode 0600), never printed to a log.\n",
                          path.c_str());
            std::fflush(stdout);
          },
          [&](const caf::error& err) {
            std::fprintf(stderr, "cannot ensure an operator key: %s\n",
                         kyb::detail_of(err).c_str());
          });
  return done;
}

std::variant<node_secrets, start_problem> check_settings(const config::settings& s) {
  if (s.database.url.empty())
    return start_problem{"database.url", "must be set (postgresql://user@host:port/db)"};
  if (!s.cluster.insecure)
    for (auto [key, value] :
         {std::pair{"cluster.tls_certificate", &s.cluster.tls_certificate},
          std::pair{"cluster.tls_key", &s.cluster.tls_key},
          std::pair{"cluster.tls_ca", &s.cluster.tls_ca}}) {
      if (value->empty())
        return start_problem{key,
                             "must be set: the cluster runs mutual TLS (make "
                             "certificates with 'deploy/local/kyb certs DIR', or set "
                             "cluster.insecure = true for a plaintext development "
                             "cluster)"};
      if (::access(value->c_str(), R_OK) != 0)
        return start_problem{key, "cannot read " + *value};
    }
  node_secrets out;
  for (auto [key, b64, into] :
       {std::tuple{"security.tax_id_key", &s.security.tax_id_key, &out.tax_id_key},
        std::tuple{"security.tax_id_hmac_key", &s.security.tax_id_hmac_key,
                   &out.tax_id_hmac_key}}) {
    auto raw = base::base64_key32(*b64);
    if (!raw)
      return start_problem{key, "must be base64 of exactly 32 random bytes "
                                "(openssl rand -base64 32)"};
    *into = std::move(*raw);
  }
  auto ring =
      actors::audit_keyring::parse(s.security.audit_key, s.security.audit_previous_keys);
  if (!ring)
    return start_problem{kyb::field_of(ring.error()), kyb::detail_of(ring.error())};
  out.audit_keys = std::make_shared<const actors::audit_keyring>(std::move(*ring));
  return out;
}

std::variant<reference_data, start_problem>
load_reference_data(const config::settings& s) {
  reference_data out;
  // The classification model: loaded once and shared read-only by every worker.
  if (!s.classification.model_path.empty()) {
    auto t0 = std::chrono::steady_clock::now();
    auto loaded = classification::classifier::load(s.classification.model_path);
    if (!loaded)
      return start_problem{"classification.model_path",
                           s.classification.model_path + ": " + loaded.err().to_string()};
    loaded->review_below = static_cast<float>(s.classification.review_below);
    out.industry_model =
        std::make_shared<const classification::classifier>(std::move(*loaded));
    base::log_info("classification.model_loaded",
                   {{"path", s.classification.model_path},
                    {"version", out.industry_model->get_model().version},
                    {"ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - t0)
                               .count()}});
  }
  // The website engine's phrase tables (built in, config/website/).
  auto tables = website::load_signal_tables();
  if (!tables.tables)
    return start_problem{"website", "the built-in phrase tables: " + tables.error};
  out.website_engine = std::make_shared<const website::website_engine>(
      tables.tables, net::website_options_from(s.website));
  // The risk reference: a risk list silently missing a row would under-report risk, so
  // a configured file that is missing or has a bad row stops the start.
  auto risk_loaded = risk::load_risk_reference(risk::reference_paths{
      s.risk.rules_path, s.risk.country_risk_path, s.risk.mcc_tiers_path});
  if (!risk_loaded.reference)
    return start_problem{"risk", risk_loaded.error};
  base::log_info("risk.reference_loaded",
                 {{"version", risk_loaded.reference->version},
                  {"countries", risk_loaded.reference->countries_source},
                  {"mccs", risk_loaded.reference->mccs_source},
                  {"rules", risk_loaded.reference->rules_source}});
  out.risk_reference =
      std::make_shared<risk::risk_reference_holder>(std::move(risk_loaded.reference));
  return out;
}

void register_entity_kinds(runtime::directory& dir, const actors::platform_ptr& platform,
                           const std::string& node_id) {
  dir.register_kind(
      actors::tenant_entity, "tenant",
      [platform](caf::actor_system& sys, const base::uuid& id) {
        return caf::actor_cast<caf::actor>(actors::spawn_tenant_actor(sys, platform, id));
      },
      runtime::make_relay<
          actors::auth_grant, actors::tenant_record, actors::issued_api_key,
          actors::api_key_info, std::vector<actors::api_key_info>, std::string,
          actors::risk_rules_version, actors::verification_policy_version>());
  dir.register_kind(
      actors::business_entity, "business",
      [platform](caf::actor_system& sys, const base::uuid& id) {
        return caf::actor_cast<caf::actor>(
            actors::spawn_business_actor(sys, platform, id));
      },
      runtime::make_relay<actors::business_view, actors::business_screening,
                          actors::stored_hit, actors::business_classification, int32_t,
                          actors::business_risk, actors::business_risk_page,
                          actors::business_website, actors::business_registry>());
  // Rendered once per view on the owner, and shipped with it: the node that asked
  // answers without rendering.
  dir.set_published_reader(
      actors::business_entity,
      [](const caf::message& msg,
         std::shared_ptr<const void> snapshot) -> std::optional<caf::message> {
        auto answer = actors::read_published_business(msg, std::move(snapshot));
        if (answer)
          net::rendered_json(answer->get_as<actors::business_view>(0));
        return answer;
      },
      // A leased answer (a view, rendered) is the copy: the same kind of snapshot a local
      // actor publishes, so the HTTP workers answer it the same way.
      [](const caf::message& answer) -> std::shared_ptr<const void> {
        if (!answer.match_elements<actors::business_view>())
          return nullptr;
        return answer.get_as<actors::business_view>(0).data;
      });
  dir.register_kind(
      actors::verification_entity, "verification",
      [platform](caf::actor_system& sys, const base::uuid& id) {
        return caf::actor_cast<caf::actor>(
            actors::spawn_verification_actor(sys, platform, id));
      },
      runtime::make_relay<actors::verification_data>());
  dir.register_kind(
      runtime::probe_entity, "probe",
      [node_id](caf::actor_system& sys, const base::uuid& id) {
        return runtime::spawn_probe_entity(sys, id, node_id);
      },
      runtime::make_relay<std::string>());
}

runtime::cluster_config cluster_config_of(const config::settings& s,
                                          const std::string& http_listen,
                                          const std::string& incarnation,
                                          caf::actor router) {
  runtime::cluster_config c;
  c.self.id = s.node.id;
  c.self.host = s.cluster.listen_host;
  c.self.port = s.cluster.listen_port;
  c.self.http = http_listen;
  c.self.region = s.node.region;
  c.self.incarnation = incarnation;
  c.self.started_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  c.self.router = std::move(router);
  for (auto& seed : s.cluster.seeds)
    c.seeds.emplace_back(seed.host, seed.port);
  c.shards = static_cast<uint32_t>(s.cluster.shards);
  c.vnodes = static_cast<uint32_t>(s.cluster.vnodes);
  c.rejoin_interval = s.cluster.rejoin_interval;
  c.bootstrap_timeout = s.cluster.bootstrap_timeout;
  c.passivate_after = s.actors.passivate_after;
  c.max_live = s.actors.max_live_per_node;
  c.tls = !s.cluster.insecure;
  return c;
}

std::vector<std::string> seed_names(const config::settings& s) {
  std::vector<std::string> out;
  for (auto& seed : s.cluster.seeds)
    out.push_back(config::to_string(seed));
  return out;
}

} // namespace kyb::node

#include "regions/replication_plan.hpp"

#include <algorithm>
#include <set>

namespace kyb::regions {

namespace {

std::string identifier(std::string s) {
  for (auto& c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      c = '_';
  return s;
}

const region_info* find(const std::vector<region_info>& regions,
                        const std::string& name) {
  for (const auto& r : regions)
    if (r.name == name)
      return &r;
  return nullptr;
}

} // namespace

std::vector<table_group> seed_table_groups() {
  using std::chrono::seconds;
  return {
      {"businesses",
       {"tenants", "api_keys", "businesses", "business_owners",
        "business_classifications", "screening_results", "screening_hits",
        "screening_decisions", "risk_rules", "website_analyses", "registry_lookups",
        "verifications", "verification_steps", "verification_policies"},
       "us-east-1",
       {"us-west-2", "eu-west-1"},
       seconds(30)},
      {"risk_assessments",
       {"risk_assessments", "outbox_events", "webhook_endpoints", "webhook_deliveries"},
       "us-east-1",
       {"us-west-2"},
       seconds(60)},
      {"audit_logs",
       {"audit_logs"},
       "us-east-1",
       {"us-west-2", "eu-west-1"},
       seconds(300),
       "insert"},
  };
}

std::string replicated_rows(const std::string& table) {
  if (table == "tenants")
    return "region <> 'eu' AND id <> '00000000-0000-0000-0000-000000000000'";
  return "region <> 'eu'";
}

std::vector<std::string> tables_of(const std::vector<table_group>& groups) {
  std::vector<std::string> out;
  for (auto& g : groups)
    out.insert(out.end(), g.tables.begin(), g.tables.end());
  return out;
}

std::vector<table_group> effective_groups(const std::vector<table_group>& groups,
                                          const std::string& us_write,
                                          const std::set<std::string>& fenced) {
  std::vector<table_group> out;
  for (auto g : groups) {
    if (g.source != us_write) {
      // The configured source failed over: the new writer feeds everyone else,
      // including the old source once it is back and unfenced.
      auto old_source = g.source;
      g.source = us_write;
      std::vector<std::string> targets;
      for (auto& t : g.targets)
        if (t != us_write)
          targets.push_back(t);
      if (std::find(targets.begin(), targets.end(), old_source) == targets.end())
        targets.push_back(old_source);
      g.targets = std::move(targets);
    }
    g.targets.erase(std::remove_if(g.targets.begin(), g.targets.end(),
                                   [&](const std::string& t) { return fenced.count(t); }),
                    g.targets.end());
    out.push_back(std::move(g));
  }
  return out;
}

std::string publication_name(const std::string& group) {
  return "pub_" + identifier(group);
}

std::string heartbeat_publication_name(const std::string& group) {
  return "pub_" + identifier(group) + "_heartbeat";
}

std::string publication_list(const std::string& group) {
  return publication_name(group) + ", " + heartbeat_publication_name(group);
}

std::string subscription_name(const std::string& group, const std::string& target) {
  return "sub_" + identifier(group) + "_" + identifier(target);
}

std::vector<plan_step> replication_plan(const std::vector<region_info>& regions,
                                        const std::vector<table_group>& groups,
                                        std::string& error) {
  std::vector<plan_step> pubs;
  std::vector<plan_step> subs;
  std::set<std::string> seen_tables;
  for (const auto& g : groups) {
    const auto* source = find(regions, g.source);
    if (!source) {
      error = "group " + g.name + ": unknown source region '" + g.source + "'";
      return {};
    }
    if (g.tables.empty()) {
      error = "group " + g.name + ": no tables";
      return {};
    }
    std::string tables;
    std::string names;
    for (const auto& t : g.tables) {
      if (!seen_tables.insert(t).second) {
        error = "table " + t + " is in two replication groups";
        return {};
      }
      tables += (tables.empty() ? "" : ", ") + t + " WHERE (" + replicated_rows(t) + ")";
      names += (names.empty() ? "" : ", ") + sql_literal(t);
    }
    // It exists and publishes every table of the group; one made by an older version
    // (before a migration added a table to the group) gets the table list it lacks.
    auto pub = publication_name(g.name);
    pubs.push_back(
        {g.source, "publication " + pub,
         "SELECT 1 FROM pg_publication WHERE pubname = " + sql_literal(pub) +
             " AND (SELECT count(*) FROM pg_publication_tables WHERE pubname = " +
             sql_literal(pub) + " AND tablename IN (" + names +
             ")) = " + std::to_string(g.tables.size()),
         "DO $kyb$ BEGIN IF EXISTS (SELECT 1 FROM pg_publication WHERE pubname = " +
             sql_literal(pub) + ") THEN ALTER PUBLICATION " + pub + " SET TABLE " +
             tables + "; ELSE CREATE PUBLICATION " + pub + " FOR TABLE " + tables +
             " WITH (publish = " + sql_literal(g.publish) +
             ", publish_via_partition_root = true); END IF; END $kyb$"});
    // The group's heartbeat row travels in the same subscription (its age on a target
    // is the group's lag there), in a publication of its own: the row is updated, and
    // a group may publish inserts only.
    auto hb = heartbeat_publication_name(g.name);
    pubs.push_back({g.source, "publication " + hb,
                    "SELECT 1 FROM pg_publication WHERE pubname = " + sql_literal(hb),
                    "CREATE PUBLICATION " + hb +
                        " FOR TABLE replication_heartbeats WHERE (grp = " +
                        sql_literal(g.name) + ") WITH (publish = 'insert, update')"});
    for (const auto& target : g.targets) {
      if (target == g.source) {
        error = "group " + g.name + ": " + target + " is its own source";
        return {};
      }
      if (!find(regions, target)) {
        error = "group " + g.name + ": unknown target region '" + target + "'";
        return {};
      }
      auto sub = subscription_name(g.name, target);
      subs.push_back(
          {target, "subscription " + sub,
           "SELECT 1 FROM pg_subscription WHERE subname = " + sql_literal(sub),
           "CREATE SUBSCRIPTION " + sub + " CONNECTION " + sql_literal(source->dsn) +
               " PUBLICATION " + publication_list(g.name) +
               " WITH (copy_data = true, slot_name = " + sql_literal(sub) + ")"});
    }
  }
  pubs.insert(pubs.end(), subs.begin(), subs.end());
  return pubs;
}

} // namespace kyb::regions

#!/usr/bin/env python3
"""Checks of deploy/prometheus and deploy/grafana that promtool alone does not make.

  deploy_check.py metrics SOURCE_DIR      every kyb_ metric the rules, their tests, the
                                          scrape configs and the dashboard name is one
                                          the C++ registers
  deploy_check.py config SOURCE_DIR       the scrape configs drop from /metrics exactly the
                                          families /metrics/business serves; the rules'
                                          replication groups are those of the plan
  deploy_check.py coverage SOURCE_DIR     every alert rule has, in alerts_test.yml, a case
                                          where it fires, one where it must not, and (with
                                          a `for:`) a check before it may fire
  deploy_check.py dashboard SOURCE_DIR    the dashboard is well formed and every panel's
                                          PromQL passes `promtool check rules`

Exits 1 with one line per problem.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

DASHBOARD = "deploy/grafana/kyb-overview.json"
ALERTS = "deploy/prometheus/alerts.yml"
ALERTS_TEST = "deploy/prometheus/alerts_test.yml"
CONFIGS = ["deploy/prometheus/prometheus.yml", "deploy/prometheus/prometheus-local.yml"]
# Grafana's own variables, replaced by a value of their kind before promtool sees a query.
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h"}


def read(root, path):
    with open(os.path.join(root, path), encoding="utf-8") as f:
        return f.read()


def load_yaml(root, path):
    return yaml.safe_load(read(root, path))


def registered_metrics(root):
    """Every "kyb_..." string literal of the C++ outside test/ (the registry's names)."""
    names = set()
    for top in ("actors", "net", "persistence", "regions", "runtime", "config"):
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if f.endswith((".cpp", ".hpp")):
                    with open(os.path.join(d, f), encoding="utf-8") as src:
                        names.update(re.findall(r'"(kyb_[a-z0-9_]+)"', src.read()))
    return names


def dashboard_exprs(dash):
    for p in dash.get("panels", []):
        for t in p.get("targets", []):
            yield p.get("title", "?"), t.get("expr", "")


def rule_exprs(doc):
    for g in doc.get("groups", []):
        for r in g.get("rules", []):
            yield r.get("alert") or r.get("record"), r["expr"]


def metric_names_in(text):
    return set(re.findall(r"\b(kyb_[a-z0-9_]*[a-z0-9])\b", text))


def check_metrics(root):
    known = registered_metrics(root)
    problems = []
    uses = {}
    for name, expr in rule_exprs(load_yaml(root, ALERTS)):
        uses.setdefault(ALERTS + " " + name, set()).update(metric_names_in(expr))
    for t in load_yaml(root, ALERTS_TEST).get("tests", []):
        for s in t.get("input_series", []):
            uses.setdefault(ALERTS_TEST, set()).update(metric_names_in(s["series"]))
    for title, expr in dashboard_exprs(json.loads(read(root, DASHBOARD))):
        uses.setdefault(DASHBOARD + " " + title, set()).update(metric_names_in(expr))
    for where, names in sorted(uses.items()):
        for n in sorted(names):
            base = re.sub(r"_(bucket|count|sum)$", "", n)
            if n not in known and base not in known:
                problems.append(f"{where}: {n} is not a metric the nodes export")
    if not known:
        problems.append("no kyb_ metric found in the C++ sources (wrong SOURCE_DIR?)")
    return problems


def business_prefixes(root):
    src = read(root, "net/handlers/system_handlers.cpp")
    m = re.search(r"business_metric_prefixes\s*=\s*\{(.*?)\};", src, re.S)
    if not m:
        return None
    return sorted(re.findall(r'"kyb_([a-z_]*)"', m.group(1)))


def plan_groups(root):
    src = read(root, "regions/replication_plan.cpp")
    m = re.search(r"seed_table_groups\(\)\s*\{(.*?)\n\}", src, re.S)
    if not m:
        return None
    return sorted(re.findall(r'\{"([a-z_]+)",\s*\{', m.group(1)))


def check_config(root):
    problems = []
    prefixes = business_prefixes(root)
    if prefixes is None:
        problems.append("net/handlers/system_handlers.cpp: business_metric_prefixes not found")
    for path in CONFIGS:
        doc = load_yaml(root, path)
        jobs = {j["job_name"]: j for j in doc.get("scrape_configs", [])}
        for job in ("kyb-nodes", "kyb-business"):
            if job not in jobs:
                problems.append(f"{path}: no job {job}")
        if "kyb-business" in jobs and jobs["kyb-business"].get("metrics_path") != "/metrics/business":
            problems.append(f"{path}: kyb-business does not scrape /metrics/business")
        drops = [r for r in jobs.get("kyb-nodes", {}).get("metric_relabel_configs", [])
                 if r.get("action") == "drop" and r.get("source_labels") == ["__name__"]]
        if len(drops) != 1:
            problems.append(f"{path}: kyb-nodes needs one drop of the business families")
            continue
        m = re.fullmatch(r"kyb_\((.*)\)\.\*", drops[0]["regex"])
        dropped = sorted(m.group(1).split("|")) if m else None
        if prefixes is not None and dropped != prefixes:
            problems.append(f"{path}: kyb-nodes drops kyb_({'|'.join(dropped or [])}).* but "
                            f"/metrics/business serves kyb_({'|'.join(prefixes)})")
    groups = plan_groups(root)
    if groups is None:
        problems.append("regions/replication_plan.cpp: seed_table_groups not found")
    for name, expr in rule_exprs(load_yaml(root, ALERTS)):
        for sel in re.findall(r'kyb_replication_lag_seconds\{table=~"([^"]*)"\}', expr):
            if groups is not None and sorted(sel.split("|")) != groups:
                problems.append(f"{ALERTS} {name}: tables {sel} are not the plan's groups "
                                f"{'|'.join(groups)}")
    for title, expr in dashboard_exprs(json.loads(read(root, DASHBOARD))):
        for sel in re.findall(r'table=~"([^"]*)"', expr):
            if groups is not None and sorted(sel.split("|")) != groups:
                problems.append(f"{DASHBOARD} {title}: tables {sel} are not the plan's groups")
    return problems


def duration_seconds(text):
    total = 0
    for n, unit in re.findall(r"(\d+)(ms|s|m|h|d|w|y)", str(text)):
        total += int(n) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400,
                           "w": 604800, "y": 31536000}[unit]
    return total


def check_coverage(root):
    problems = []
    rules = {}
    for g in load_yaml(root, ALERTS).get("groups", []):
        for r in g.get("rules", []):
            if "alert" in r:
                rules[r["alert"]] = duration_seconds(r.get("for", "0s"))
    fires, quiet, before = set(), set(), set()
    for t in load_yaml(root, ALERTS_TEST).get("tests", []):
        cases = t.get("alert_rule_test", [])
        for c in cases:
            name = c["alertname"]
            if name not in rules:
                problems.append(f"{ALERTS_TEST}: a case for {name}, which is no rule")
                continue
            if not c.get("exp_alerts"):
                quiet.add(name)
                continue
            fires.add(name)
            at = duration_seconds(c["eval_time"])
            # In the same series: silent at a time the `for:` had not passed yet.
            for e in cases:
                if e["alertname"] == name and not e.get("exp_alerts") and \
                        duration_seconds(e["eval_time"]) < at and \
                        at - duration_seconds(e["eval_time"]) <= rules[name] + 60:
                    before.add(name)
    for name, hold in sorted(rules.items()):
        if name not in fires:
            problems.append(f"{ALERTS_TEST}: no case where {name} fires")
        if name not in quiet:
            problems.append(f"{ALERTS_TEST}: no case where {name} must not fire")
        if hold > 0 and name not in before:
            problems.append(f"{ALERTS_TEST}: {name} (for: {hold:g}s) is not checked silent "
                            "before its for: has passed, in the series where it fires")
    return problems


def check_dashboard(root):
    problems = []
    try:
        dash = json.loads(read(root, DASHBOARD))
    except ValueError as e:
        return [f"{DASHBOARD}: not JSON: {e}"]
    for key in ("title", "uid", "panels", "schemaVersion"):
        if key not in dash:
            problems.append(f"{DASHBOARD}: no {key}")
    ids, cells, rules = set(), {}, []
    for p in dash.get("panels", []):
        title = p.get("title", "?")
        if p.get("id") in ids:
            problems.append(f"{DASHBOARD} {title}: id {p.get('id')} used twice")
        ids.add(p.get("id"))
        g = p.get("gridPos", {})
        if not all(k in g for k in ("h", "w", "x", "y")) or g["x"] + g["w"] > 24:
            problems.append(f"{DASHBOARD} {title}: bad gridPos {g}")
            continue
        for dx in range(g["w"]):
            for dy in range(g["h"]):
                cell = (g["x"] + dx, g["y"] + dy)
                if cell in cells:
                    problems.append(f"{DASHBOARD} {title}: overlaps {cells[cell]}")
                    break
                cells[cell] = title
            else:
                continue
            break
        if p.get("type") == "row":
            continue
        targets = p.get("targets", [])
        if not targets:
            problems.append(f"{DASHBOARD} {title}: no query")
        for i, t in enumerate(targets):
            expr = t.get("expr", "")
            if not expr.strip():
                problems.append(f"{DASHBOARD} {title}: empty query {t.get('refId')}")
                continue
            for var, value in GRAFANA_VARIABLES.items():
                expr = expr.replace(var, value)
            if "$" in expr:
                problems.append(f"{DASHBOARD} {title}: unknown variable in {expr}")
            rules.append({"record": f"panel_{p.get('id')}_{t.get('refId', i)}", "expr": expr})
    if not rules:
        problems.append(f"{DASHBOARD}: no queries")
        return problems
    with tempfile.NamedTemporaryFile("w", suffix=".yml", prefix="kyb-dashboard-",
                                     delete=False) as f:
        yaml.safe_dump({"groups": [{"name": "kyb-overview-panels", "rules": rules}]}, f)
        path = f.name
    try:
        promtool = os.environ.get("KYB_PROMTOOL", "promtool")
        out = subprocess.run([promtool, "check", "rules", path], capture_output=True,
                             text=True)
    finally:
        os.unlink(path)
    print(out.stdout + out.stderr, end="")
    if out.returncode != 0:
        problems.append(f"{DASHBOARD}: promtool check rules refused the panels' queries "
                        "(rule panel_<id>_<refId> above)")
    return problems


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("metrics", "config", "coverage", "dashboard"):
        print(__doc__, file=sys.stderr)
        return 2
    root = sys.argv[2]
    problems = {"metrics": check_metrics, "config": check_config, "coverage": check_coverage,
                "dashboard": check_dashboard}[sys.argv[1]](root)
    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"deploy_check {sys.argv[1]}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())

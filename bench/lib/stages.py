#!/usr/bin/env python3
"""Where a node's request time went between two scrapes of its /metrics: per stage of
kyb_http_stage_seconds (parse, auth, handler with its actor hops, encode, write), the
requests counted, the mean and the p50/p99 (the upper bound of the bucket holding it).

  stages.py BEFORE AFTER [WRK_P99_MS]
With the client's p99 (wrk's), the last line says how much of it the node accounts for.
"""
import re
import sys

SERIES = re.compile(r'^kyb_http_stage_seconds_(bucket|sum|count)\{(.*)\} (\S+)$')
STAGES = ["parse", "auth", "handler", "encode", "write"]


def scrape(path):
    out = {}
    with open(path) as f:
        for line in f:
            m = SERIES.match(line.strip())
            if not m:
                continue
            kind, labels, value = m.groups()
            lab = dict(re.findall(r'(\w+)="([^"]*)"', labels))
            st = out.setdefault(lab["stage"], {"buckets": {}, "sum": 0.0, "count": 0.0})
            if kind == "bucket":
                le = float("inf") if lab["le"] == "+Inf" else float(lab["le"])
                st["buckets"][le] = st["buckets"].get(le, 0.0) + float(value)
            else:
                st[kind] += float(value)
    return out


def quantile(buckets, q):
    total = buckets.get(float("inf"), 0.0)
    if total <= 0:
        return float("nan")
    for le in sorted(buckets):
        if buckets[le] >= q * total:
            return le
    return float("inf")


def fmt_ms(s):
    if s != s:
        return "-"
    if s == float("inf"):
        return ">1000"
    return f"{s * 1000:.3f}"


def main():
    before, after = scrape(sys.argv[1]), scrape(sys.argv[2])
    wrk_p99 = float(sys.argv[3]) if len(sys.argv) > 3 else None
    print(f"  {'stage':<8} {'requests':>10} {'mean ms':>9} {'p50 ms':>8} {'p99 ms':>8}")
    p99_sum = 0.0
    for name in STAGES:
        a = after.get(name)
        if not a:
            continue
        b = before.get(name, {"buckets": {}, "sum": 0.0, "count": 0.0})
        count = a["count"] - b["count"]
        buckets = {le: v - b["buckets"].get(le, 0.0) for le, v in a["buckets"].items()}
        mean = (a["sum"] - b["sum"]) / count if count else float("nan")
        p50, p99 = quantile(buckets, 0.5), quantile(buckets, 0.99)
        if p99 == p99 and p99 != float("inf"):
            p99_sum += p99
        print(f"  {name:<8} {count:>10.0f} {fmt_ms(mean):>9} {fmt_ms(p50):>8} {fmt_ms(p99):>8}")
    if wrk_p99 is not None:
        print(f"  the stages' p99s sum to {p99_sum * 1000:.3f} ms against the client's p99 "
              f"{wrk_p99:.2f} ms: the rest is spent outside the worker's turns (the kernel, "
              f"waiting for a CPU, the client)")


if __name__ == "__main__":
    main()

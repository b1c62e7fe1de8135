#!/bin/sh
# run_fuzzer.sh FUZZER SECONDS CORPUS REGRESSIONS ARTIFACTS [libFuzzer flags...]
#
# Runs one libFuzzer target for SECONDS from the committed seed CORPUS and the saved
# crash inputs in REGRESSIONS, without writing to either: libFuzzer adds new inputs to
# the first corpus directory, here a temporary one. A crash input is written under
# ARTIFACTS and fails the run.
set -eu
fuzzer=$1 seconds=$2 corpus=$3 regressions=$4 artifacts=$5
shift 5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"
dirs="$corpus"
if [ -d "$regressions" ]; then dirs="$dirs $regressions"; fi
# shellcheck disable=SC2086 # $dirs is a list of paths without spaces
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "$@" "$work" $dirs

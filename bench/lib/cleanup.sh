# Shared by every bench script (source it before starting anything): what a script
# starts dies with it, on every exit path (success, a failing command under set -e,
# Ctrl-C, SIGTERM).
#
#   bench_track PID...        # processes to stop when the script ends
#   bench_on_exit 'COMMAND'   # more cleanup, run after the tracked processes stopped
#   bench_stop_pids PID...    # SIGTERM (and SIGCONT, for a stopped one), wait up to
#                             # BENCH_STOP_SECS (default 20), then SIGKILL
BENCH_PIDS=()
BENCH_EXIT_COMMANDS=()

bench_track() { BENCH_PIDS+=("$@"); }
bench_on_exit() { BENCH_EXIT_COMMANDS+=("$1"); }

bench_stop_pids() {
  local p deadline
  [ $# -gt 0 ] || return 0
  for p in "$@"; do
    kill -TERM "$p" 2>/dev/null || true
    kill -CONT "$p" 2>/dev/null || true
  done
  deadline=$((SECONDS + ${BENCH_STOP_SECS:-20}))
  for p in "$@"; do
    while kill -0 "$p" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    if kill -0 "$p" 2>/dev/null; then
      echo "bench: process $p did not stop within ${BENCH_STOP_SECS:-20} s: SIGKILL" >&2
      kill -KILL "$p" 2>/dev/null || true
    fi
    wait "$p" 2>/dev/null || true
  done
}

bench_exit() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  bench_stop_pids ${BENCH_PIDS[@]+"${BENCH_PIDS[@]}"}
  local c
  for c in ${BENCH_EXIT_COMMANDS[@]+"${BENCH_EXIT_COMMANDS[@]}"}; do eval "$c"; done
  exit "$rc"
}

trap bench_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

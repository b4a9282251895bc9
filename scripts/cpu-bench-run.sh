#!/usr/bin/env bash
# Runs the calibration benchmarks of docs/benchmarks.md from a stage made by scripts/cpu-bench-stage.sh, logging to
# OUT. Extra arguments go to JMH (default: the statistics pass against bare inference on MiniLM).
#
#   run.sh STAGE OUT [JMH ARGS...]
set -uo pipefail
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  sed -n '2,/^set -uo/{/^#/p}' "$0"
  exit 0
fi
if [ $# -lt 2 ] || [ ! -d "$1" ] || [ ! -d "$2" ]; then
  echo "usage: run.sh STAGE OUT [JMH ARGS...]: STAGE and OUT must be existing folders" >&2
  exit 2
fi
stage=$(cd "$1" && pwd); out=$2; shift 2
export PATH=$stage/jre/bin:$PATH
exec > >(tee -a "$out/cpu-bench.log") 2>&1
tee_pid=$!
lscpu | grep -E "Model name|^CPU\(s\)|Thread|Core\(s\)" ; uptime
args=("$@")
if [ ${#args[@]} -eq 0 ]; then
  args=(StatisticsOverheadBenchmark -p model=minilm)
fi
echo "=== JMH ${args[*]} $(date -u +%T)"
java -cp "$stage/lib/*:$stage/res" org.openjdk.jmh.Main "${args[@]}" -rf json -rff "$out/jmh.json"
code=$?
echo "=== done $(date -u +%T), exit code $code"
exec >&- 2>&-  # let tee finish the log before the device tool collects OUT
wait "$tee_pid"
exit "$code"

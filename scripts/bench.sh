#!/usr/bin/env bash
# Times every engine in an engines folder and writes the speedup table (each precision relative to FP32 = 1, by
# batch size) as Markdown, CSV and JSON next to them. Engines are grouped by model from their names,
# MODEL.LABEL.engine (as scripts/build-engines.sh writes them); a model needs MODEL.fp32.engine as its baseline.
# Stops at the first failure with its message.
#
#   scripts/bench.sh [-e DIR] [-b BATCHES] [-- MORE TRT4J BENCH ARGS]
#     -e DIR       engines folder (default: engines)
#     -b BATCHES   batch sizes, e.g. 1,8,32 (default); each must lie in the engines' profiles (an engine built with
#                  build-engines.sh -s x:1x3x48x192 takes batch 1 only: give -b 1, or build with a profile)
#
# The trt4j command is $TRT4J, else trt4j on PATH, else the repository's ./trt4j launcher.
set -euo pipefail

dir=engines
batches=1,8,32

fail() {
  echo "bench: $*" >&2
  exit 1
}

# A wrong command line exits 2, as trt4j's own usage errors do.
usage_error() {
  echo "bench: $*" >&2
  exit 2
}

[ "${1:-}" = "--help" ] && set -- -h
# a leading ':' makes getopts report a missing value (':') apart from an unknown option ('?'), without its own line
while getopts ":e:b:h" opt; do
  case "$opt" in
    e) dir="$OPTARG" ;;
    b) batches="$OPTARG" ;;
    h) sed -n '2,12p' "$0"; exit 0 ;;
    :) usage_error "option -$OPTARG needs a value; see $0 -h" ;;
    *)
      # getopts reads --out as option '-': name what was typed
      [ "$OPTARG" != "-" ] || usage_error "unknown option ${!OPTIND:-$OPTARG}: the options are single letters; see $0 -h"
      usage_error "unknown option -$OPTARG; see $0 -h" ;;
  esac
done
# getopts steps over a "--" that ends the options: what follows it is trt4j bench's
after_dashes=0
if [ "$OPTIND" -gt 1 ]; then
  last_option=$((OPTIND - 1))
  [ "${!last_option}" != "--" ] || after_dashes=1
fi
shift $((OPTIND - 1))
if [ "${1:-}" = "--" ]; then
  shift
elif [ "$#" -gt 0 ] && [ "$after_dashes" = 0 ]; then
  # a folder given without -e would reach trt4j bench as a file to time, and the default folder be read instead
  usage_error "unexpected argument '$1': give the engines folder with -e DIR, and trt4j bench's own arguments after --"
fi

# shellcheck source=scripts/trt4j-command.sh
. "$(dirname "${BASH_SOURCE[0]}")/trt4j-command.sh"

[ -d "$dir" ] || fail "$dir: no such engines folder"
shopt -s nullglob
engines=("$dir"/*.engine)
[ "${#engines[@]}" -gt 0 ] || fail "$dir: no .engine files; build some with scripts/build-engines.sh"

models=()
for engine in "${engines[@]}"; do
  stem="$(basename "$engine" .engine)"
  model="${stem%.*}"
  [ "$model" != "$stem" ] || fail "$engine: name is not MODEL.LABEL.engine"
  case " ${models[*]+${models[*]}} " in
    *" $model "*) ;;
    *) models+=("$model") ;;
  esac
done

compare=()
for model in ${models[@]+"${models[@]}"}; do
  if [ ! -f "$dir/$model.fp32.engine" ]; then
    echo "bench: skipping $model: no $model.fp32.engine to compare with" >&2
    continue
  fi
  spec="model=$model,fp32=$dir/$model.fp32.engine"
  for engine in "$dir/$model".*.engine; do
    stem="$(basename "$engine" .engine)"
    label="${stem##*.}"
    if [ "${stem%.*}" != "$model" ] || [ "$label" = fp32 ]; then
      continue
    fi
    spec="$spec,$label=$engine"
  done
  compare+=(--compare "$spec")
done
[ "${#compare[@]}" -gt 0 ] || fail "$dir: no model has an fp32 engine to compare with"

code=0
"$trt4j" bench ${compare[@]+"${compare[@]}"} --batch "$batches" --markdown "$dir/speedup.md" --csv "$dir/speedup.csv" \
  --table-json "$dir/speedup.json" "$@" || code=$?
# trt4j's own exit code: 2 where it refused the command line (its one line says why), 1 where a run failed
[ "$code" = 0 ] || exit "$code"
echo "speedup table: $dir/speedup.md, $dir/speedup.csv, $dir/speedup.json"

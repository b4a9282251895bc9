#!/usr/bin/env bash
# Builds TensorRT engines for every model × precision (× calibrator for INT8) into an engines folder, skipping
# engines that are newer than their model (and calibration table) and were built with the same command (kept in
# ENGINE.args, paths made absolute; an engine without one, built before it was kept, goes by its times alone).
# A model with Q/DQ nodes (trt4j quantize writes one; `trt4j inspect --json` lists its QuantizeLinear and
# DequantizeLinear operators) builds as explicit INT8 from its own scales, without calibrator or table, and at int8
# only: TensorRT would run its Q/DQ nodes in INT8 at fp32 and fp16 too, so trt4j build refuses those.
# Stops at the first failure with its message and trt4j's exit code.
#
#   scripts/build-engines.sh [options] MODEL.onnx...
#     -o DIR         engines folder (default: engines)
#     -p LIST        precisions, e.g. "fp32 fp16 int8" (default)
#     -c LIST        INT8 calibrators, e.g. "entropy trt-minmax" (default: entropy, trt4j build's own default;
#                    trt4j compare-calibrators says which suits a model: entropy costs the PP-OCR classifier
#                    accuracy that max and percentile keep, docs/calibrator-comparison.md)
#     -d DATA        calibration data for TensorRT's calibrators (trt-entropy2, trt-minmax)
#     -t PATTERN     trt4j calibration table of trt4j's calibrators (max, entropy, percentile, mse), with {model},
#                    {calibrator} and {label} placeholders; {label} is the name trt4j calibrate gives the table
#                    (percentile-99.99 for percentile, else the calibrator). Default: what `trt4j calibrate MODEL
#                    --all-tensors` writes, engines/{model}/calibration/{label}.table.json (implicit INT8 needs a
#                    range for every tensor, and calibrate without --all-tensors covers only Q/DQ's inputs)
#     -s SPEC        shapes for every build, e.g. x:1x3x48x192 (passed as --shapes): a fixed profile, batch 1 only
#     -x "ARGS"      more arguments for every trt4j build, e.g. a profile for scripts/bench.sh's default batches:
#                    -x "--min-shapes x:1x3x48x192 --opt-shapes x:8x3x48x192 --max-shapes x:32x3x48x192"
#
# Engines are named MODEL.PRECISION.engine, INT8 ones MODEL.int8-CALIBRATOR.engine, a Q/DQ model's MODEL.int8.engine;
# scripts/bench.sh reads them (and compares a model's engines with its own fp32 one, which a Q/DQ model has not).
# The trt4j command is $TRT4J, else trt4j on PATH, else the repository's ./trt4j launcher.
set -euo pipefail

out=engines
precisions="fp32 fp16 int8"
calibrators="entropy"
data=""
table_pattern="engines/{model}/calibration/{label}.table.json"
shapes=""
extra=""

fail() {
  echo "build-engines: $*" >&2
  exit 1
}

# A wrong command line exits 2, as trt4j's own usage errors do, so a CI script can tell it from a failed build.
usage_error() {
  echo "build-engines: $*" >&2
  exit 2
}

[ "${1:-}" = "--help" ] && set -- -h
# a leading ':' makes getopts report a missing value (':') apart from an unknown option ('?'), without its own line
while getopts ":o:p:c:d:t:s:x:h" opt; do
  case "$opt" in
    o) out="$OPTARG" ;;
    p) precisions="$OPTARG" ;;
    c) calibrators="$OPTARG" ;;
    d) data="$OPTARG" ;;
    t) table_pattern="$OPTARG" ;;
    s) shapes="$OPTARG" ;;
    x) extra="$OPTARG" ;;
    h) sed -n '2,/^set -euo/{/^#/p}' "$0"; exit 0 ;;
    :) usage_error "option -$OPTARG needs a value; see $0 -h" ;;
    *)
      # getopts reads --out as option '-': name what was typed
      [ "$OPTARG" != "-" ] || usage_error "unknown option ${!OPTIND:-$OPTARG}: the options are single letters; see $0 -h"
      usage_error "unknown option -$OPTARG; see $0 -h" ;;
  esac
done
shift $((OPTIND - 1))
[ "$#" -gt 0 ] || usage_error "no models given; usage: $0 [options] MODEL.onnx..."
# an unset variable in a CI script (-p "$PRECISIONS") would otherwise build nothing and succeed
[ -n "${precisions// /}" ] || usage_error "-p names no precision (fp32, fp16, int8)"
# Checked before the first build, so that a typo in the last word does not cost the builds before it.
for precision in $precisions; do
  case "$precision" in
    fp32 | fp16) ;;
    int8)
      [ -n "${calibrators// /}" ] || usage_error "-c names no calibrator for int8 (max, entropy, percentile, mse, trt-entropy2, trt-minmax)"
      for calibrator in $calibrators; do
        case "$calibrator" in
          max | entropy | percentile | mse) ;;
          trt-entropy2 | trt-minmax)
            [ -n "$data" ] || usage_error "calibrator $calibrator calibrates on data: give it with -d DATA"
            [ -e "$data" ] || fail "$data: no such file or folder (-d, the data $calibrator calibrates on)" ;;
          *) usage_error "unknown calibrator '$calibrator' (max, entropy, percentile, mse, trt-entropy2, trt-minmax)" ;;
        esac
      done
      ;;
    *) usage_error "unknown precision '$precision' (fp32, fp16, int8)" ;;
  esac
done

# table_for NAME CALIBRATOR: the trt4j table the INT8 build of model NAME with CALIBRATOR reads.
table_for() {
  local table="${table_pattern//\{model\}/$1}"
  table="${table//\{calibrator\}/$2}"
  local label="$2"
  [ "$2" = percentile ] && label="percentile-99.99"
  echo "${table//\{label\}/$label}"
}

# shellcheck source=scripts/trt4j-command.sh
. "$(dirname "${BASH_SOURCE[0]}")/trt4j-command.sh"

# build ENGINE MODEL INPUT... -- BUILD_ARGS: builds unless ENGINE is newer than every INPUT, has its sidecar, and
# was built by the same trt4j command line (other -s/-x options, or another model of the same name, build again).
build() {
  local engine="$1" model="$2"
  shift 2
  local inputs=()
  while [ "$1" != "--" ]; do
    inputs+=("$1")
    shift
  done
  shift
  local args=(build "$model" --out "$engine" "$@")
  [ -z "$shapes" ] || args+=(--shapes "$shapes")
  if [ -n "$extra" ]; then
    read -r -a more <<< "$extra"
    args+=(${more[@]+"${more[@]}"})
  fi
  # the command line with every existing path spelled absolute, so that ./m.onnx, m.onnx and $PWD/m.onnx (or a run
  # from another folder) stamp alike
  local stamp="" a
  for a in "${args[@]}"; do
    # a path: it exists, or names a folder (the engine and a cache, written by the build itself)
    if [ "${a#-}" = "$a" ] && { [ -e "$a" ] || [ "${a#*/}" != "$a" ]; }; then
      a="$(realpath -m "$a")"
    fi
    stamp+="$(printf '%q ' "$a")"
  done
  local fresh=1
  if [ ! -f "$engine" ] || [ ! -f "$engine.json" ]; then
    fresh=0
  elif [ -f "$engine.args" ] && [ "$(cat "$engine.args")" != "$stamp" ]; then
    fresh=0 # built with other options, or from another model of the same name
  fi
  for input in ${inputs[@]+"${inputs[@]}"}; do
    if [ ! "$engine" -nt "$input" ]; then
      fresh=0
    fi
  done
  if [ "$fresh" = 1 ]; then
    echo "up to date: $engine"
    return
  fi
  echo "building: $engine"
  # A stamp no command line matches until the build succeeds: the old engine outlives a failed build (trt4j writes
  # it whole or not at all), and without a stamp it would be taken as up to date by its times alone.
  printf 'building: %s' "$stamp" > "$engine.args"
  local code=0
  "$trt4j" "${args[@]}" || code=$?
  if [ "$code" != 0 ]; then
    echo "build-engines: building $engine failed (trt4j ${args[*]})" >&2
    exit "$code" # trt4j's own: 2 for a command line it refuses, 1 for a failed build
  fi
  printf '%s' "$stamp" > "$engine.args"
}

# has_qdq MODEL: whether MODEL has QuantizeLinear or DequantizeLinear nodes, by the operators `trt4j inspect --json`
# counts (what trt4j build goes by). A model trt4j cannot read stops the script with trt4j's message and exit code.
has_qdq() {
  local json operators code=0
  json="$("$trt4j" inspect "$1" --json)" || code=$?
  if [ "$code" != 0 ]; then
    echo "build-engines: reading $1 failed (trt4j inspect $1 --json)" >&2
    exit "$code"
  fi
  # the "operators" object holds operator types and counts only; no pipe into grep -q, whose early exit would fail
  # the pipeline under pipefail
  operators="$(sed -n 's/.*"operators":{\([^}]*\)}.*/\1/p' <<< "$json")"
  grep -Eq '"(Quantize|Dequantize)Linear":' <<< "$operators"
}

declare -A model_of_name=()
for model in "$@"; do
  [ -f "$model" ] || fail "$model: no such model file"
  # engines are named by the model's file name: a second model.onnx would overwrite the first one's engines
  base="$(basename "$model")"
  base="${base%.onnx}"
  if [ -n "${model_of_name[$base]:-}" ] && [ "$(realpath "${model_of_name[$base]}")" != "$(realpath "$model")" ]; then
    usage_error "${model_of_name[$base]} and $model would both build $out/$base.*.engine; give them other file names or build them into other folders (-o)"
  fi
  model_of_name[$base]="$model"
done
# the precisions a Q/DQ model skips, and whether it builds at all
int8_asked=0
float_asked=""
for precision in $precisions; do
  case "$precision" in
    int8) int8_asked=1 ;;
    *) float_asked="${float_asked:+$float_asked and }$precision" ;;
  esac
done
declare -A qdq=()
for model in "$@"; do
  name="$(basename "$model")"
  name="${name%.onnx}"
  if has_qdq "$model"; then
    qdq["$model"]=1
    if [ "$int8_asked" = 0 ]; then
      echo "build-engines: skipping $model: it has Q/DQ nodes, which build at int8 only, and -p names no int8" >&2
    elif [ -n "$float_asked" ]; then
      echo "build-engines: $model has Q/DQ nodes, which build at int8 only: no $float_asked engine for it" >&2
    fi
    continue # its scales are its ranges: no table to look for
  fi
  # every table the INT8 builds read, before the first build: a missing one must not cost the builds before it
  for precision in $precisions; do
    [ "$precision" = int8 ] || continue
    for calibrator in $calibrators; do
      case "$calibrator" in
        max | entropy | percentile | mse)
          table="$(table_for "$name" "$calibrator")"
          [ -f "$table" ] || fail "$table: no calibration table for $name ($calibrator); run trt4j calibrate --all-tensors first or set -t"
          ;;
      esac
    done
  done
done
[ ! -e "$out" ] || [ -d "$out" ] || fail "$out: not a folder (-o, where the engines go)"
mkdir -p "$out" 2>/dev/null || fail "$out: cannot create the folder (-o, where the engines go); a file stands on its path or the folder above is not writable"
for model in "$@"; do
  name="$(basename "$model")"
  name="${name%.onnx}"
  if [ -n "${qdq["$model"]:-}" ]; then
    if [ "$int8_asked" = 1 ]; then
      build "$out/$name.int8.engine" "$model" "$model" -- --precision int8
    fi
    continue
  fi
  for precision in $precisions; do
    case "$precision" in
      fp32 | fp16)
        build "$out/$name.$precision.engine" "$model" "$model" -- --precision "$precision"
        ;;
      int8)
        for calibrator in $calibrators; do
          engine="$out/$name.int8-$calibrator.engine"
          case "$calibrator" in
            trt-entropy2 | trt-minmax)
              build "$engine" "$model" "$model" -- --precision int8 --calibrator "$calibrator" --data "$data" \
                --cache "$out/$name.$calibrator.cache"
              ;;
            max | entropy | percentile | mse)
              table="$(table_for "$name" "$calibrator")"
              build "$engine" "$model" "$model" "$table" -- --precision int8 --calibrator "$calibrator" --table "$table"
              ;;
          esac
        done
        ;;
    esac
  done
done

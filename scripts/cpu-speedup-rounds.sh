#!/usr/bin/env bash
# Repeats the MiniLM comparison of a stage made by scripts/cpu-speedup-stage.sh in interleaved rounds, so that a drift
# of the machine during a round cannot favour one model: fp32 (always first, the baseline), then the shipped dynamic
# INT8 model, trt4j-int8, the most accurate trt4j model, and the same without the attention context's SmoothQuant
# Muls (float attention), and the one whose feed-forward output is quantized dynamically (quantize --dynamic), in
# reverse order every other round. Writes each round's
# speedup table as OUT/round-R-tT.json, the accuracy of the most accurate model with ONNX Runtime's fused kernels as
# OUT/accuracy.json, the layer profiles of the dynamic model and the hybrid as OUT/profiles.tar.gz, and everything
# printed, with the models' SHA-256, to OUT/rounds.log. Run it in a call of its own: the device tool brings back at
# most 8 files a call, so at most 5 rounds. The fourth device loan ran an earlier, scratch form of it.
#
#   rounds.sh STAGE OUT [ROUNDS, default 3] [THREADS, default 1] [SECONDS PER CELL, default 4]
set -uo pipefail
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"
  exit 0
fi
if [ $# -lt 2 ] || [ ! -d "$1" ] || [ ! -d "$2" ]; then
  echo "usage: rounds.sh STAGE OUT [ROUNDS] [THREADS] [SECONDS PER CELL]: STAGE and OUT must be existing folders" >&2
  exit 2
fi
stage=$(cd "$1" && pwd) || exit 1
out=$2; rounds=${3:-3}; threads=${4:-1}; seconds=${5:-4}
exec > >(tee -a "$out/rounds.log") 2>&1
tee_pid=$!
export PATH=$stage/jre/bin:$PATH
trt4j=(java -jar "$stage/cli/trt4j-cli.jar")
m=$stage/models
fp32=fp32=$m/all-minilm-l6-v2.onnx
dynamic=dynamic-int8=$m/all-minilm-l6-v2-q.onnx
int8=trt4j-int8=$m/trt4j-int8.onnx
best=trt4j-int8-sq-8bit-fp32-attention=$m/trt4j-int8-sq-8bit-fp32-attention.onnx
lean=trt4j-int8-sq-lean-8bit-fp32-attention=$m/trt4j-int8-sq-lean-8bit-fp32-attention.onnx
hybrid=trt4j-int8-sq-ffn-dynamic=$m/trt4j-int8-sq-ffn-dynamic.onnx
uptime
sha256sum "$m"/*.onnx
status=0
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then order=$dynamic,$int8,$best,$lean,$hybrid; else order=$hybrid,$lean,$best,$int8,$dynamic; fi
  echo "=== round $r, $threads thread(s), $(date -u +%T)"
  "${trt4j[@]}" bench --compare "model=all-MiniLM-L6-v2,$fp32,$order" --batch 1,8 \
    --shapes input_ids:1x128,attention_mask:1x128,token_type_ids:1x128 --threads "$threads" --duration "$seconds" \
    --table-json "$out/round-$r-t$threads.json" --markdown /dev/stdout > "$out/.round.txt" 2>&1 || status=1
  grep -E '^\|' "$out/.round.txt" || cat "$out/.round.txt"
  rm -f "$out/.round.txt"
done
echo "=== accuracy of trt4j-int8-sq-8bit-fp32-attention, $(date -u +%T)"
"${trt4j[@]}" evaluate --reference "$m/all-minilm-l6-v2.onnx" --candidate "$m/trt4j-int8-sq-8bit-fp32-attention.onnx" \
  --data "$m/eval.txt" --tokenizer "$m/all-minilm-l6-v2-tokenizer.json" --seq-len 128 --samples 128 \
  --ort-optimizations --json > "$out/accuracy.json" || status=1
# Where each model's time goes, node by node (bench --dump-profile in this log, the layers in OUT/profiles.tar.gz):
# the dynamic model against the hybrid, whose static GEMMs are faster but which adds QuantizeLinear and Mul nodes.
mkdir -p "$out/.profiles"
for name in all-minilm-l6-v2-q trt4j-int8-sq-ffn-dynamic; do
  echo "=== layer profile of $name, $threads thread(s), $(date -u +%T)"
  "${trt4j[@]}" bench "$m/$name.onnx" --shapes input_ids:1x128,attention_mask:1x128,token_type_ids:1x128 \
    --threads "$threads" --duration 0.5 --iterations 60 --warmup-iterations 10 --dump-profile \
    --export-profile "$out/.profiles/$name.json" 2>&1 | sed -n '/Layer profile/,$p' || status=1
done
tar -C "$out/.profiles" -czf "$out/profiles.tar.gz" . && rm -rf "$out/.profiles"
echo "=== done $(date -u +%T), status $status"
exec >&- 2>&-  # let tee finish the log before the device tool collects OUT
wait "$tee_pid"
exit $status

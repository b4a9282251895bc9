#!/usr/bin/env bash
# Repeats the MiniLM comparison of a stage made by scripts/cpu-speedup-stage.sh in interleaved rounds, reversing the
# column order every other round, so that a drift of the machine during a round cannot favour one model: fp32, the
# shipped dynamic INT8 model, trt4j-int8 and the most accurate trt4j model. Writes each round's speedup table as
# OUT/round-R.json (the device tool brings back at most 8 files a call) and prints the tables; then the accuracy of
# the most accurate model with ONNX Runtime's fused kernels. Used on the fourth device loan (docs/speedup-cpu.md).
#
#   rounds.sh STAGE OUT [ROUNDS, default 3] [THREADS, default 1] [SECONDS PER CELL, default 4]
set -uo pipefail
stage=$(cd "$1" && pwd); out=$2; rounds=${3:-3}; threads=${4:-1}; seconds=${5:-4}
export PATH=$stage/jre/bin:$PATH
trt4j=(java -jar "$stage/cli/trt4j-cli.jar")
m=$stage/models
fp32=fp32=$m/all-minilm-l6-v2.onnx
dynamic=dynamic-int8=$m/all-minilm-l6-v2-q.onnx
int8=trt4j-int8=$m/trt4j-int8.onnx
best=trt4j-int8-sq-8bit-fp32-attention=$m/trt4j-int8-sq-8bit-fp32-attention.onnx
uptime
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then order=$dynamic,$int8,$best; else order=$best,$int8,$dynamic; fi
  echo "=== round $r, $threads thread(s), $(date -u +%T)"
  "${trt4j[@]}" bench --compare "model=all-MiniLM-L6-v2,$fp32,$order" --batch 1,8 \
    --shapes input_ids:1x128,attention_mask:1x128,token_type_ids:1x128 --threads "$threads" --duration "$seconds" \
    --table-json "$out/round-$r.json" 2>&1 | grep -E '^\|'
done
echo "=== accuracy of trt4j-int8-sq-8bit-fp32-attention, $(date -u +%T)"
"${trt4j[@]}" evaluate --reference "$m/all-minilm-l6-v2.onnx" --candidate "$m/trt4j-int8-sq-8bit-fp32-attention.onnx" \
  --data "$m/eval.txt" --tokenizer "$m/all-minilm-l6-v2-tokenizer.json" --seq-len 128 --samples 128 \
  --ort-optimizations --json > "$out/accuracy.json"
echo "=== done $(date -u +%T)"

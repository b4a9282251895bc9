#!/usr/bin/env bash
# Times and scores the MiniLM models of a stage made by scripts/cpu-speedup-stage.sh, writing to OUT: the CPU, the
# speedup tables on 1 and 4 threads (Markdown and JSON), the PP-OCRv4 recognizer's on 1 thread (Markdown), and the
# accuracy of each MiniLM INT8 model with ONNX Runtime's fused kernels (--ort-optimizations, what this CPU
# computes); each run's summary, the recognizer's JSON table and the accuracy files go into details.tar.gz.
#
#   run.sh STAGE OUT [SECONDS PER CELL, default 5]
set -uo pipefail
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  sed -n '2,/^set -uo/{/^#/p}' "$0"
  exit 0
fi
if [ $# -lt 2 ] || [ ! -d "$1" ] || [ ! -d "$2" ]; then
  echo "usage: run.sh STAGE OUT [SECONDS PER CELL]: STAGE and OUT must be existing folders" >&2
  exit 2
fi
stage=$(cd "$1" && pwd); out=$2; seconds=${3:-5}
export PATH=$stage/jre/bin:$PATH
details=$(mktemp -d)
trap 'rm -rf "$details"' EXIT
failures=0
exec > >(tee -a "$out/speedup.log") 2>&1
tee_pid=$!
lscpu | grep -E "Model name|^CPU\(s\)|Thread|Core\(s\)"
echo "8-bit dot-product instructions: $(grep -o -w -E 'avx512_vnni|avx_vnni|amx_int8' /proc/cpuinfo | sort -u | tr '\n' ' ')"
uptime
trt4j=(java -jar "$stage/cli/trt4j-cli.jar")
m=$stage/models
compare=model=all-MiniLM-L6-v2,fp32=$m/all-minilm-l6-v2.onnx,dynamic-int8=$m/all-minilm-l6-v2-q.onnx,trt4j-int8=$m/trt4j-int8.onnx,trt4j-int8-sq=$m/trt4j-int8-sq.onnx,trt4j-int8-sq-8bit=$m/trt4j-int8-sq-8bit.onnx,trt4j-int8-sq-8bit-fp32-attention=$m/trt4j-int8-sq-8bit-fp32-attention.onnx,trt4j-int8-sq-lean-8bit=$m/trt4j-int8-sq-lean-8bit.onnx,trt4j-int8-sq-lean-8bit-fp32-attention=$m/trt4j-int8-sq-lean-8bit-fp32-attention.onnx,trt4j-int8-sq-ffn-dynamic=$m/trt4j-int8-sq-ffn-dynamic.onnx
for threads in 1 4; do
  echo "=== speedup, $threads thread(s), $(date -u +%T)"
  "${trt4j[@]}" bench --compare "$compare" --batch 1,8 \
    --shapes input_ids:1x128,attention_mask:1x128,token_type_ids:1x128 --threads "$threads" --duration "$seconds" \
    --markdown "$out/minilm-t$threads.md" --table-json "$out/minilm-t$threads.json" --summary-json "$details/runs-t$threads.json" \
    || failures=$((failures + 1))
done
echo "=== recognizer speedup, 1 thread, $(date -u +%T)"
"${trt4j[@]}" bench --compare "model=ch_PP-OCRv4_rec,fp32=$m/ch_PP-OCRv4_rec_infer.onnx,fp32-folded=$m/rec-fp32-folded.onnx,trt4j-int8=$m/rec-int8.onnx,trt4j-int8-8bit=$m/rec-int8-8bit.onnx" \
  --batch 1,8 --shapes x:1x3x48x640 --threads 1 --duration "$seconds" \
  --markdown "$out/rec-t1.md" --table-json "$details/rec-t1.json" --summary-json "$details/rec-runs-t1.json" \
  || failures=$((failures + 1))
for model in trt4j-int8 trt4j-int8-sq trt4j-int8-sq-8bit trt4j-int8-sq-8bit-fp32-attention trt4j-int8-sq-lean-8bit \
    trt4j-int8-sq-lean-8bit-fp32-attention trt4j-int8-sq-ffn-dynamic all-minilm-l6-v2-q; do
  echo "=== accuracy of $model, $(date -u +%T)"
  "${trt4j[@]}" evaluate --reference "$m/all-minilm-l6-v2.onnx" --candidate "$m/$model.onnx" --data "$m/eval.txt" \
    --tokenizer "$m/all-minilm-l6-v2-tokenizer.json" --seq-len 128 --samples 128 --ort-optimizations \
    --json > "$details/accuracy-$model.json" || failures=$((failures + 1))
done
# The device tool brings back at most 8 files a call: the tables stay loose, the rest travels as one archive.
tar -C "$details" -czf "$out/details.tar.gz" . || failures=$((failures + 1))
echo "=== done $(date -u +%T), $failures step(s) failed"
exec >&- 2>&-  # let tee finish the log before the device tool collects OUT
wait "$tee_pid"
# a loan is short: a run whose steps failed must not look like a success
[ "$failures" -eq 0 ]

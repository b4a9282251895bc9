#!/usr/bin/env bash
# Runs trt4j's GPU checks on a machine that has an NVIDIA driver and CUDA 13 but no Java, Maven or TensorRT, from a
# payload that scripts/gpu-stage.sh packed (a Java runtime, TensorRT 10.15's libraries, trt4j's jars, the PP-OCR
# models with their calibration tables; the Q/DQ models are made here). In order, each step logged and bounded in time so that a late one cannot
# take the earlier results with it:
#   1. the GPU and the CUDA libraries found; `trt4j doctor`
#   2. native/'s tests, the gpu-tagged ones included (JUnit's console launcher; XML report); a failed or skipped
#      test makes the script's exit code 1 (the later steps still run), and so does a failed engine build or bench
#   3. engines of the PP-OCR classifier, recognizer and detector at FP32, FP16, implicit INT8 (trt4j's entropy
#      ranges) and explicit INT8 (Q/DQ model), through scripts/build-engines.sh
#   4. their speedup table through scripts/bench.sh
#
#   scripts/gpu-checks.sh STAGE OUT     STAGE: the unpacked payload (jre/ lib/ jars/); OUT: where results go
set -uo pipefail

# Without a payload every step would fail, and STAGE's files (the launcher, engines/) would land under /.
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  sed -n '2,/^set -uo/{/^#/p}' "$0"
  exit 0
fi
if [ $# -ne 2 ]; then
  echo "gpu-checks: usage: scripts/gpu-checks.sh STAGE OUT (STAGE: the payload scripts/gpu-stage.sh packed)" >&2
  exit 2
fi
for part in jre jars; do
  if [ ! -d "$1/$part" ]; then
    echo "gpu-checks: $1: no $part/ folder; not an unpacked payload of scripts/gpu-stage.sh" >&2
    exit 1
  fi
done
stage=$(cd "$1" && pwd)
out=$(mkdir -p "$2" && cd "$2" && pwd)
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log="$out/gpu-checks.log"
# A rerun into the same OUT starts its results afresh: appended to the last run's, a table would hold each model
# twice and the log would read as one run.
rm -rf "$out/junit" "$out/speedup.md" "$out"/speedup-*.json "$out/sidecars.tar"
exec > >(tee "$log") 2>&1
tee_pid=$!

step() { echo; echo "=== $* ($(date -u +%H:%M:%S))"; }

# JavaCPP's presets link the CUDA runtime, cuBLAS, cuDNN and NVRTC as well as TensorRT: find each where CUDA or a
# Python wheel put it.
libdirs="$stage/lib"
for lib in libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libnvrtc.so.13 libcudnn.so.9; do
  found=$(find /usr/local /opt /usr/lib -name "$lib" 2>/dev/null | head -n 1)
  if [ -n "$found" ]; then
    case ":$libdirs:" in
      *":$(dirname "$found"):"*) ;;
      *) libdirs="$libdirs:$(dirname "$found")" ;;
    esac
  else
    echo "not found: $lib"
  fi
done
export LD_LIBRARY_PATH="$libdirs:${LD_LIBRARY_PATH:-}"

export JAVA_HOME="$stage/jre" PATH="$stage/jre/bin:$PATH"
jopts=(-Djava.library.path="$stage/lib" -Dorg.bytedeco.javacpp.cachedir="$stage/javacpp-cache")
cli_cp="$stage/jars/cli/trt4j-cli.jar:$stage/jars/cli/lib/*"

cat > "$stage/trt4j" <<EOF
#!/usr/bin/env bash
exec java ${jopts[*]} -cp "$cli_cp" dev.trt4j.cli.Trt4jCommand "\$@"
EOF
chmod +x "$stage/trt4j"
export TRT4J="$stage/trt4j"

step "GPU"
nvidia-smi --query-gpu=name,driver_version,compute_cap,memory.total,clocks.max.sm --format=csv
echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
java -version
timeout 120 "$TRT4J" doctor

step "native tests (gpu tag included)"
timeout 300 java "${jopts[@]}" -cp "$stage/jars/native-test-classes:$cli_cp:$stage/jars/test/*" \
  org.junit.platform.console.ConsoleLauncher execute --disable-banner --disable-ansi-colors --details=tree \
  --scan-classpath "$stage/jars/native-test-classes" --reports-dir "$out/junit"
native_rc=$?
echo "native tests exit code: $native_rc"
# JUnit exits 0 when the gpu-tagged tests skip ("no usable GPU stack"), which on this machine means nothing was
# checked: count the skips from the report and fail the run for them
skipped=$(grep -o -m 1 'skipped="[0-9]*"' "$out/junit/TEST-junit-jupiter.xml" 2>/dev/null | grep -o '[0-9]*')
if [ "${skipped:-0}" -gt 0 ]; then
  echo "native tests: $skipped skipped; on a GPU machine every test must run (their reasons are in the tree above)"
  native_rc=1
fi

models="$stage/jars/models"
# One engines folder and speedup table per model, each model finished before the next: its open dimensions need
# their own --shapes, and a late model must not take an earlier one's results with it.
# name  input shape (without batch)
specs="cls 3x48x192
rec 3x48x320
det 3x480x640"
while read -r name dims; do
  step "engines: $name"
  engines="$stage/engines/$name"
  # a rerun's engines and tables are its own: a failed build must not leave the last run's engine to be timed
  rm -rf "$engines"
  mkdir -p "$engines"
  profile="--min-shapes x:1x$dims --opt-shapes x:8x$dims --max-shapes x:32x$dims"
  timeout 60 "$TRT4J" quantize "$models/$name.onnx" --table "$models/$name-qdq/entropy.table.json" \
    --out "$models/$name.qdq.onnx" &&
  timeout 240 "$repo/scripts/build-engines.sh" -o "$engines" -p "fp32 fp16 int8" -c entropy \
    -t "$models/{model}-all/{calibrator}.table.json" -x "$profile" "$models/$name.onnx" &&
    timeout 120 "$TRT4J" build "$models/$name.qdq.onnx" --precision int8 --int8-mode explicit $profile \
      --out "$engines/$name.int8-qdq.engine"
  built=$?
  echo "engines for $name: exit code $built"
  [ "$built" = 0 ] || native_rc=1 # a device run whose builds all fail must not look green
  ls -l "$engines"
  step "speedup table: $name"
  timeout 120 "$repo/scripts/bench.sh" -e "$engines" -b 1,8,32 -- --shapes "x:1x$dims" --duration 1 --warmup 200 \
    || native_rc=1
  cat "$engines/speedup.md" >> "$out/speedup.md" 2>/dev/null
  # one JSON document per model: appended into one file they would not parse
  cp "$engines/speedup.json" "$out/speedup-$name.json" 2>/dev/null
done <<< "$specs"
tar -C "$stage/engines" -cf "$out/sidecars.tar" .
step "done"
# tee writes the log and the last lines after this shell's; a caller that collects OUT (or reads the output) as soon
# as the script exits would otherwise miss them
exec >&- 2>&-
wait "$tee_pid"
exit "$native_rc"

# Sourced by the scripts here: sets $trt4j to the command they run, which is $TRT4J, else trt4j on PATH, else
# the repository's ./trt4j launcher.
if [ -n "${TRT4J:-}" ]; then
  trt4j="$TRT4J"
elif command -v trt4j >/dev/null 2>&1; then
  trt4j=trt4j
else
  trt4j="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/trt4j"
fi

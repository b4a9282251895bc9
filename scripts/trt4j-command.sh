# Sourced by the scripts here: sets $trt4j to the command they run, which is $TRT4J, else trt4j on PATH, else
# the repository's ./trt4j launcher. TRT4J names one program (a launcher script), not a command line.
if [ -n "${TRT4J:-}" ]; then
  if ! command -v "$TRT4J" >/dev/null 2>&1; then
    echo "$(basename "$0" .sh): TRT4J=$TRT4J: no such program; name one executable, such as a script that runs" \
      "java -jar trt4j-cli.jar \"\$@\"" >&2
    exit 2
  fi
  trt4j="$TRT4J"
elif command -v trt4j >/dev/null 2>&1; then
  trt4j=trt4j
else
  trt4j="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/trt4j"
fi

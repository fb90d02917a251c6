#!/usr/bin/env bash
# Installs the local AWS emulator (moto server + the DR extension's requirements) into
# the project-local virtualenv .venv, pinned by test/emulator/constraints.txt. Idempotent:
# a stamp file holds the hash of the requirements, the constraints and the interpreter
# version, and a second run with the same inputs returns at once.
#
#   bash scripts/install-emulator.sh            # uses python3 (or $DR_PYTHON)
#
# On a fresh Debian machine `python3 -m venv` needs the python3-venv package; as root
# the script installs it with apt-get, otherwise it says which command to run.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
requirements="$root/test/emulator/requirements.txt"
constraints="$root/test/emulator/constraints.txt"
stamp="$venv/.dr-emulator-stamp"
python="${DR_PYTHON:-python3}"

if ! command -v "$python" >/dev/null 2>&1; then
  echo "install-emulator: $python not found; install Python 3.9+ (Debian: apt-get install -y python3 python3-venv)" >&2
  exit 1
fi

want="$(
  {
    cat "$requirements" "$constraints"
    "$python" -c 'import sys; print(sys.version)'
  } | sha256sum | cut -d' ' -f1
)"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi

make_venv() { [[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"; }

if ! make_venv >/dev/null 2>&1; then
  rm -rf "$venv" # a half-made venv (no ensurepip) would pass the check above next time
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "install-emulator: python3 -m venv failed; installing python3-venv with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y python3-venv >&2 || { apt-get update >&2 && apt-get install -y python3-venv >&2; }
    make_venv
  else
    echo "install-emulator: '$python -m venv' failed; install the venv module (Debian: sudo apt-get install -y python3-venv) and run again" >&2
    exit 1
  fi
fi

"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" -c "$constraints" >&2
echo "$want" >"$stamp"
echo "install-emulator: installed $(grep -E '^[a-z]' "$requirements" | tr '\n' ' ')into $venv" >&2

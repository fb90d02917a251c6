#!/usr/bin/env bash
# Installs the pinned checkov into a project-local virtualenv (.venv-scan). Quick and
# silent when the pinned requirements are already installed.
set -euo pipefail
cd "$(dirname "$0")/.."
req=scripts/scan-requirements.txt
stamp=.venv-scan/.requirements.sha256
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ -x .venv-scan/bin/checkov ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then exit 0; fi
python3 -m venv .venv-scan
.venv-scan/bin/pip install --quiet --disable-pip-version-check -r "$req"
echo "$want" > "$stamp"

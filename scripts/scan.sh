#!/usr/bin/env bash
# Security scan: synthesizes every stack and runs the pinned checkov over the Terraform
# JSON. Zero failed checks allowed. Checks we skip are listed in .checkov.yaml, each
# with its reason beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-scan.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
node bin/run.js synth --out "$out/synth" >/dev/null 2>&1
status=0
.venv-scan/bin/checkov --config-file .checkov.yaml --directory "$out/synth/stacks" \
  --output cli --output json --output-file-path "console,$out/report" || status=$?
python3 - "$out/report" "$out/synth/stacks" <<'PY'
import json, os, sys
path = sys.argv[1]
if os.path.isdir(path):
    path = os.path.join(path, "results_json.json")
if not os.path.exists(path):
    sys.exit("checkov: no report written (nothing to scan?)")
data = json.load(open(path))
reports = data if isinstance(data, list) else [data]
s = {"passed": 0, "failed": 0, "skipped": 0, "resource_count": 0}
for r in reports:
    for k in s:
        s[k] += int(r.get("summary", {}).get(k, 0))
import glob
resources = sum(
    sum(len(by_name) for by_name in json.load(open(f)).get("resource", {}).values())
    for f in glob.glob(os.path.join(sys.argv[2], "*", "cdk.tf.json"))
)
print(f"checkov: {s['passed']} passed, {s['failed']} failed, {s['skipped']} skipped, over {resources} resources")
PY
exit "$status"

#!/usr/bin/env bash
# The README's first command: a whole DR drill in the local sandbox, on a fresh clone.
#
#   bash scripts/quickstart.sh          # extra arguments go to dr drill, e.g. --yes
#
# Installs what it needs, then runs exactly `dr drill --sandbox`:
#   - npm ci when node_modules is missing or older than package-lock.json;
#   - the AWS emulator (scripts/install-emulator.sh: moto in .venv, pinned);
#   - PostgreSQL server binaries when missing (apt-get as root; otherwise it says what to install);
#   - the build (TypeScript and the Lambda packages).
#   - Terraform or OpenTofu on the PATH (it says how to install either when missing).
# The drill starts the sandbox (the emulator, with the synthesized stacks applied by
# Terraform) and a throw-away PostgreSQL itself and stops both at the end, so nothing is
# left running. The report lands in ./drill-report/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { printf 'quickstart: %s\n' "$*" >&2; }

if ! command -v node >/dev/null 2>&1; then
  say "Node.js 20.15 or newer is needed: https://nodejs.org (Debian: apt-get install -y nodejs npm)"
  exit 1
fi

# 1. Node dependencies: npm ci when missing or stale (the lockfile changed since the install).
if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing Node dependencies (npm ci)"
  npm ci --no-audit --no-fund >&2
fi

# 2. The AWS emulator (idempotent; quick when installed).
say "checking the AWS emulator"
bash scripts/install-emulator.sh >&2

# 3. PostgreSQL server binaries (initdb, postgres) for the in-process trade processor.
have_postgres() {
  [ -n "${PG_BIN:-}" ] && [ -x "$PG_BIN/initdb" ] && return 0
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}
if ! have_postgres; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    say "installing PostgreSQL (apt-get install postgresql)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2 ||
      { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2; }
  else
    say "PostgreSQL server binaries are missing: install them (Debian/Ubuntu: sudo apt-get install -y postgresql; macOS: brew install postgresql, then PG_BIN=\$(brew --prefix postgresql)/bin) and run this again"
    exit 1
  fi
fi

# 4. Terraform (or OpenTofu): the sandbox is the synthesized stacks applied by it.
if [ -z "${DR_TERRAFORM_BIN:-}" ] && ! command -v terraform >/dev/null 2>&1 && ! command -v tofu >/dev/null 2>&1; then
  say "Terraform or OpenTofu is needed to deploy the sandbox: install Terraform (https://developer.hashicorp.com/terraform/install) or OpenTofu (https://opentofu.org/docs/intro/install/), or name one with DR_TERRAFORM_BIN, and run this again"
  exit 1
fi

# 5. Build: the CLI and the Lambda packages the sandbox deploys.
say "building"
npm run -s build >&2

# 6. The drill itself.
say "running: dr drill --sandbox"
exec node bin/run.js drill --sandbox "$@"

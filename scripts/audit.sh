#!/usr/bin/env bash
# Dependency audit of the pinned Python packages (pip-audit) and the npm assets (npm audit).
# Both need an advisory service on the network; scripts/audit.py says which packages could not
# be audited rather than calling them clean.
#
#   scripts/audit.sh    exit 0: every package audited, no known vulnerability
#                       exit 1: known vulnerabilities (listed)
#                       exit 3: some or all packages could not be audited from this machine (listed)
#
# pip-audit runs from its own virtualenv (.venv-audit, locked with hashes in requirements-audit-lock.txt,
# made by `make lock` from requirements-audit.txt), so its dependencies never mix with the app's.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv-audit/.installed-$(sha256sum requirements-audit-lock.txt | cut -c1-16)
if [ ! -f "$stamp" ]; then
  rm -rf .venv-audit
  python3 -m venv .venv-audit
  .venv-audit/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes \
    -r requirements-audit-lock.txt 2>/dev/null
  touch "$stamp"
fi
exec .venv-audit/bin/python scripts/audit.py "$@"

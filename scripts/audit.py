"""Run pip-audit on requirements-lock.txt and npm audit on package-lock.json; report what was and was not audited.

pip-audit asks PyPI's per-release JSON API for each pinned release's known vulnerabilities;
npm audit posts the lock file to the registry's bulk advisory endpoint. Where a service does
not answer for a package (unreachable, or a release it does not know), that package is listed
as NOT AUDITED and the exit status is 3, so that "could not check" never reads as "clean".
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLEAN, VULNERABLE, UNAUDITED = 0, 1, 3


def python_packages() -> int:
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "pip-audit"),
            # Every installed package, transitive ones included, at its locked version and hashes.
            "--requirement",
            "requirements-lock.txt",
            "--require-hashes",
            "--format",
            "json",
            "--progress-spinner",
            "off",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        dependencies = json.loads(result.stdout)["dependencies"]
    except (json.JSONDecodeError, KeyError):
        print("NOT AUDITED: pip-audit gave no report:", result.stderr.strip().splitlines()[-1:] or "no output")
        return UNAUDITED
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
            print(f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    for dependency in skipped:
        print(f"NOT AUDITED {dependency['name']}: {dependency['skip_reason']}")
    audited = len(dependencies) - len(skipped)
    print(f"Python: {audited} of {len(dependencies)} packages audited, {len(vulnerable)} vulnerable")
    if vulnerable:
        return VULNERABLE
    return UNAUDITED if skipped or not dependencies else CLEAN


def npm_packages() -> int:
    result = subprocess.run(
        ["npm", "audit", "--package-lock-only", "--json"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        report = {}
    if "error" in report or "metadata" not in report:
        reason = report.get("error", {}).get("summary") or result.stderr.strip() or "no report"
        print(f"NOT AUDITED npm packages: {reason}")
        return UNAUDITED
    counts = report["metadata"]["vulnerabilities"]
    for name, entry in sorted(report.get("vulnerabilities", {}).items()):
        print(f"VULNERABLE {name} ({entry.get('severity')}): {entry.get('range')}")
    total = sum(counts.values())
    print(f"npm: {report['metadata'].get('dependencies', {}).get('total', '?')} packages audited, {total} vulnerable")
    return VULNERABLE if total else CLEAN


def main() -> int:
    print("== Python packages (pip-audit)")
    python = python_packages()
    print("== npm assets (npm audit)")
    npm = npm_packages()
    statuses = {python, npm}
    if VULNERABLE in statuses:
        return VULNERABLE
    if UNAUDITED in statuses:
        print("\nNOT AUDITED here: run scripts/audit.sh where PyPI's JSON API and the npm advisory endpoint answer.")
        return UNAUDITED
    return CLEAN


if __name__ == "__main__":
    sys.exit(main())

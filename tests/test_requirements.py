"""The lock files (`make lock`) pin what the hand-edited requirements ask for, at the same versions.

scripts/install.sh installs only requirements-lock.txt: a requirement added or moved without `make lock`
would silently not be installed; here it fails instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPOSITORY = Path(__file__).resolve().parents[1]


def pins(name: str) -> dict[str, str]:
    """Package -> pinned version in a requirements file (continuation lines, hashes, comments and -r skipped)."""
    found: dict[str, str] = {}
    for line in (REPOSITORY / name).read_text(encoding="utf-8").splitlines():
        if not line or line[0].isspace() or line.startswith(("#", "-")):
            continue
        requirement = Requirement(line.removesuffix("\\").strip())
        [specifier] = requirement.specifier
        assert specifier.operator == "==", f"{name}: {line} is not pinned"
        found[canonicalize_name(requirement.name)] = specifier.version
    return found


@pytest.mark.parametrize(
    ("inputs", "lock"),
    [
        (["requirements.txt", "requirements-dev.txt"], "requirements-lock.txt"),
        (["requirements-audit.txt"], "requirements-audit-lock.txt"),
    ],
    ids=["app", "audit"],
)
def test_the_lock_pins_every_requirement_at_its_version(inputs: list[str], lock: str) -> None:
    wanted = {package: version for name in inputs for package, version in pins(name).items()}
    locked = pins(lock)
    assert {package: locked.get(package) for package in wanted} == wanted, f"run `make lock` to update {lock}"

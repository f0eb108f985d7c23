"""scripts/audit.py: a package the advisory service could not answer for is reported as not audited, never as clean."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings


def _audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit", Path(settings.BASE_DIR) / "scripts" / "audit.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _answers(monkeypatch: pytest.MonkeyPatch, module: ModuleType, *, pip: dict, npm: dict) -> None:
    def run(command, **kwargs):
        report = npm if command[0] == "npm" else pip
        return subprocess.CompletedProcess(command, 1, stdout=json.dumps(report), stderr="")

    monkeypatch.setattr(module.subprocess, "run", run)


CLEAN_DJANGO = {"dependencies": [{"name": "django", "version": "6.1.3", "vulns": []}]}
VULNERABLE_DJANGO = {
    "dependencies": [{"name": "django", "version": "6.0", "vulns": [{"id": "PYSEC-1", "fix_versions": ["6.0.1"]}]}]
}
AUDITED_NPM = {"metadata": {"vulnerabilities": {"low": 0, "high": 0}, "dependencies": {"total": 2}}}
UNREACHABLE_NPM = {"error": {"code": "E405", "summary": "audit endpoint returned an error"}}


@pytest.mark.parametrize(
    ("pip", "npm", "status", "said"),
    [
        (CLEAN_DJANGO, AUDITED_NPM, 0, "1 of 1"),
        (
            {"dependencies": [{"name": "django", "version": "6.1.3", "skip_reason": "Dependency not found on PyPI"}]},
            AUDITED_NPM,
            3,
            "NOT AUDITED django",
        ),
        (
            {"dependencies": [{"name": "django", "version": "6.1.3", "vulns": []}]},
            UNREACHABLE_NPM,
            3,
            "NOT AUDITED npm",
        ),
        (
            {
                "dependencies": [
                    {"name": "django", "version": "6.0", "vulns": [{"id": "PYSEC-1", "fix_versions": ["6.0.1"]}]}
                ]
            },
            UNREACHABLE_NPM,
            1,
            "VULNERABLE django 6.0: PYSEC-1 (fixed in 6.0.1)",
        ),
    ],
)
def test_the_audit_says_what_it_could_not_check(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], pip: dict, npm: dict, status: int, said: str
) -> None:
    module = _audit()
    _answers(monkeypatch, module, pip=pip, npm=npm)

    assert module.main() == status
    assert said in capsys.readouterr().out

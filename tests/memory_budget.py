"""A pytest plugin: a test during which this process's resident memory peaks above a budget fails.

How the peak is read: on Linux, writing 5 to /proc/self/clear_refs resets the kernel's high-water mark
(VmHWM in /proc/self/status) to the current resident size, so VmHWM read at the end of each phase of a test
(setup, call, teardown) is that phase's own peak, whatever earlier tests reached. Where that reset is not
available, only `ru_maxrss` is known, the peak of the process's whole life: a phase then fails when it
raised that peak above the budget.

Only the pytest process is measured (under pytest-xdist, each worker); child processes (the identity
provider, Chromium, manage.py) are not. The budget is the ini option `memory_budget_mb` (0 turns the guard
off). The run ends with the highest peaks seen. The reset also lowers the maximum that `/usr/bin/time -v`
reports for the process: to measure a whole run that way, turn the guard off (`-o memory_budget_mb=0`).
"""

from __future__ import annotations

import re
import resource
import sys
from collections.abc import Generator
from pathlib import Path
from typing import cast

import pytest

CLEAR_REFS = Path("/proc/self/clear_refs")
STATUS = Path("/proc/self/status")
PEAK = "peak_rss_mb"
SHOWN = 5


class MemoryBudgetExceeded(AssertionError):
    pass


def peak_reset() -> bool:
    """Reset the kernel's peak to the current resident size; False where that is not possible."""
    try:
        CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def peak_mb() -> float:
    """VmHWM where the kernel reports it, else ru_maxrss (kilobytes on Linux, bytes on macOS)."""
    if STATUS.exists():
        found = re.search(r"^VmHWM:\s+(\d+) kB", STATUS.read_text(), re.MULTILINE)
        if found:
            return int(found.group(1)) / 1024
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / 1024 / (1024 if sys.platform == "darwin" else 1)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "memory_budget_mb",
        "fail a test during which this process's resident memory peaks above it (MB)",
        type="float",
        default=0.0,
    )


def pytest_configure(config: pytest.Config) -> None:
    budget: float = config.getini("memory_budget_mb")
    if budget > 0:
        config.pluginmanager.register(MemoryBudget(budget), "memory_budget")


class MemoryBudget:
    def __init__(self, budget_mb: float) -> None:
        self.budget_mb = budget_mb
        self.highest: dict[str, float] = {}

    def _measured(self, item: pytest.Item, phase: str) -> Generator[None, None, None]:
        resettable = peak_reset()
        before = peak_mb()
        yield
        peak = peak_mb()
        item.user_properties.append((PEAK, round(peak)))
        if peak > self.budget_mb and (resettable or peak > before):
            raise MemoryBudgetExceeded(
                f"in {phase}, this process's resident memory peaked at {peak:,.0f} MB, over the budget of "
                f"{self.budget_mb:,.0f} MB (memory_budget_mb)"
            )

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> Generator[None, None, None]:
        return (yield from self._measured(item, "setup"))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, None, None]:
        return (yield from self._measured(item, "call"))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> Generator[None, None, None]:
        return (yield from self._measured(item, "teardown"))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # user_properties holds objects; the PEAK entries are the whole megabytes `_measured` appended.
        peaks = [cast(int, value) for name, value in report.user_properties if name == PEAK]
        if peaks:
            self.highest[report.nodeid] = max(self.highest.get(report.nodeid, 0), *peaks)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        top = sorted(self.highest.items(), key=lambda item: item[1], reverse=True)[:SHOWN]
        terminalreporter.section(f"highest resident memory per test (budget {self.budget_mb:,.0f} MB)")
        for nodeid, peak in top:
            terminalreporter.write_line(f"{peak:>8,.0f} MB  {nodeid}")

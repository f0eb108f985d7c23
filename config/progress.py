"""Progress of a long command: done / total, rate and time left on a terminal, nothing when output is not one.

A service that runs long takes a `Tracker` (default `silent`) and reports each step of work through it:

    with progress("Rebuilding statistics", total=len(loop_ids), unit="loops") as advance:
        ...
        advance(len(chunk))

A command passes `terminal_progress(self.stderr)`: tqdm's bars on the command's error stream when that
is a terminal; when it is a file, a pipe or a test's buffer, the bars are off and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from tqdm import tqdm

Advance = Callable[[int], Any]
"""Adds this many finished items to the bar."""

Tracker = Callable[..., AbstractContextManager[Advance]]
"""`tracker(label, total=N or None, unit="loops")`: a bar for one stretch of work."""


@contextmanager
def silent(label: str, *, total: int | None = None, unit: str = "items") -> Iterator[Advance]:
    """No progress shown: what services do unless a command asks for a bar."""
    yield lambda done: None


def terminal_progress(stream: Any) -> Tracker:
    """Bars on `stream` (a command's stdout or stderr, or a file object) when it is a terminal, else none."""
    target = getattr(stream, "_out", stream)  # a command's OutputWrapper would add a newline to every redraw
    shown = bool(getattr(target, "isatty", lambda: False)())

    @contextmanager
    def track(label: str, *, total: int | None = None, unit: str = "items") -> Iterator[Advance]:
        with tqdm(total=total, desc=label, unit=unit, file=target, disable=not shown, mininterval=0.5) as bar:
            yield bar.update

    return track

"""Progress of long commands (issue 31): done / total, rate and time left on a terminal; nothing otherwise."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from config.progress import terminal_progress
from hiring.models import Decision, Loop
from tests.factories import DecisionFactory, InterviewFactory, LoopFactory

BLUEPRINTS = Path(__file__).resolve().parents[1] / "roles" / "blueprints"


class Terminal(StringIO):
    """What a command writes to a terminal (isatty), kept to be read."""

    def isatty(self) -> bool:
        return True


def last_redraw(text: str, label: str) -> str:
    """The last state a bar was drawn in (tqdm redraws the line after a carriage return)."""
    return [part for part in re.split(r"[\r\n]", text) if part.startswith(label)][-1]


def test_a_bar_on_a_terminal_shows_done_of_total_the_rate_and_the_time_left():
    terminal = Terminal()
    with terminal_progress(terminal)("Seeding", total=200, unit="loops") as advance:
        advance(50)
        advance(150)
    line = last_redraw(terminal.getvalue(), "Seeding")
    assert "200/200" in line
    assert "loops/s" in line
    assert re.search(r"\[\d\d:\d\d<\d\d:\d\d", line)  # elapsed < left


def test_nothing_is_written_when_the_output_is_not_a_terminal():
    pipe = StringIO()
    with terminal_progress(pipe)("Seeding", total=200, unit="loops") as advance:
        advance(200)
    assert pipe.getvalue() == ""


@pytest.fixture
def loops(db) -> list[Loop]:
    made = [LoopFactory() for _ in range(3)]
    for loop in made:
        InterviewFactory(loop=loop)
    DecisionFactory(loop=made[0], outcome=Decision.Outcome.HIRE)
    return made


def test_rebuild_statistics_shows_its_loops_on_a_terminal_and_prints_only_its_summary_otherwise(loops):
    terminal, out = Terminal(), StringIO()
    call_command("rebuild_statistics", stdout=out, stderr=terminal)
    assert "3/3" in last_redraw(terminal.getvalue(), "Statistics")
    piped = StringIO()
    call_command("rebuild_statistics", stdout=StringIO(), stderr=piped)
    assert piped.getvalue() == ""
    assert out.getvalue().startswith("Rebuilt the statistics of 3 loops")


def test_an_export_to_a_file_counts_its_loops_on_a_terminal(loops, tmp_path: Path):
    terminal = Terminal()
    call_command("export_loops", "--output", str(tmp_path / "loops.csv"), stderr=terminal)
    assert "3/3" in last_redraw(terminal.getvalue(), "Exporting")
    assert terminal.getvalue().endswith("Wrote 3 rows to " + str(tmp_path / "loops.csv") + ".\n")
    piped = StringIO()
    call_command("export_loops", "--output", str(tmp_path / "again.csv"), stderr=piped)
    assert piped.getvalue() == "Wrote 3 rows to " + str(tmp_path / "again.csv") + ".\n"


def test_an_import_of_many_blueprints_counts_its_files(tmp_path: Path, db):
    files = sorted(BLUEPRINTS.iterdir())
    terminal = Terminal()
    call_command("import_blueprint", *map(str, files), "--out", str(tmp_path), stdout=StringIO(), stderr=terminal)
    assert f"{len(files)}/{len(files)}" in last_redraw(terminal.getvalue(), "Reading")


def test_seeding_shows_its_loops_then_the_statistics_rebuild(db):
    terminal = Terminal()
    call_command("seed_loops", loops=5, seed=3, stdout=StringIO(), stderr=terminal)
    assert "5/5" in last_redraw(terminal.getvalue(), "Seeding")
    assert "5/5" in last_redraw(terminal.getvalue(), "Statistics")

"""Hypothesis profiles, picked by the HYPOTHESIS_PROFILE environment variable (or --hypothesis-profile).

- "ci", the default (`make test`, CI): each property test runs the examples it asks for with `examples(n)`.
- "thorough": ten times as many, for a long local search after changing what a test explores
  (`HYPOTHESIS_PROFILE=thorough make test PYTEST_ARGS=tests/security/test_hostile_input.py`).

Neither profile has a deadline (a loaded machine is not a failure) or an example database; a failure prints the
blob that replays it (`@reproduce_failure`).
"""

from __future__ import annotations

import os

from hypothesis import settings

CI_EXAMPLES = 100
settings.register_profile("ci", max_examples=CI_EXAMPLES, deadline=None, database=None, print_blob=True)
settings.register_profile("thorough", settings.get_profile("ci"), max_examples=10 * CI_EXAMPLES)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def examples(n: int) -> int:
    """n examples under the "ci" profile, scaled by the profile in force (read when a test module is imported)."""
    profile = settings.default
    assert profile is not None  # loaded above
    return max(1, n * profile.max_examples // CI_EXAMPLES)

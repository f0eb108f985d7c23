"""Development-only tooling never ships with production settings."""

from __future__ import annotations

import os

from tests.processes import manage

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-production-secret-key-for-this-test-only-0123456789",
    "DJANGO_ALLOWED_HOSTS": "scorecards.example",
}


def test_production_settings_list_no_benchmark_or_generator_command() -> None:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"} | PRODUCTION

    result = manage("help", "--commands", env=env)

    assert result.returncode == 0, result.stderr
    commands = set(result.stdout.split())
    assert {"load_roles", "setup_demo", "export_loops"} <= commands
    assert not {"bench", "seed_loops"} & commands


def test_development_settings_offer_the_benchmark_and_the_generator() -> None:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"} | {"DJANGO_DEBUG": "true"}

    result = manage("help", "--commands", env=env)

    assert {"bench", "seed_loops"} <= set(result.stdout.split())

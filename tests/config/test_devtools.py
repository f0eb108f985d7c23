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


def test_the_load_tests_settings_route_the_bare_signed_in_view_and_install_no_devtools() -> None:
    """scripts/loadtest.sh serves devtools/floor_settings.py: production settings plus the bench's bare view."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"} | PRODUCTION
    probe = (
        "from django.conf import settings; from django.urls import resolve; from devtools.urls import FLOOR_PATH; "
        "print(resolve(FLOOR_PATH).url_name, settings.DEBUG, 'devtools' in settings.INSTALLED_APPS)"
    )

    result = manage("shell", "-v", "0", "-c", probe, env=env | {"DJANGO_SETTINGS_MODULE": "devtools.floor_settings"})

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["devtools_floor", "False", "False"]

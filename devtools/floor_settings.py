"""The app's settings (config.settings, from the same environment), with the bench's bare signed-in view routed.

Only scripts/loadtest.sh serves these (its gunicorn's DJANGO_SETTINGS_MODULE), so that the floor of issue 27,
``devtools.urls.FLOOR_PATH``, is driven under load through the production stack like every other endpoint;
nothing else changes, and devtools stays out of INSTALLED_APPS unless DJANGO_DEBUG=true.
"""

from __future__ import annotations

from config.settings import *  # noqa: F403 (every setting as the environment makes it)

ROOT_URLCONF = "devtools.urls"

# The README's commands: `make run`, `make test` and `make screenshots`.
.PHONY: install lock run test screenshots lint format

install:
	@scripts/install.sh

# Pin every Python package, with its hashes, after editing requirements.txt, requirements-dev.txt or
# requirements-audit.txt (README: Adding a dependency); the pins already in the lock files are kept unless
# a new requirement needs another (UV_ARGS="--upgrade-package NAME" moves one).
UV_COMPILE = .venv/bin/uv pip compile --quiet --universal --python-version 3.12 --generate-hashes --custom-compile-command "make lock" $(UV_ARGS)
lock: install
	$(UV_COMPILE) requirements-dev.txt --output-file requirements-lock.txt
	$(UV_COMPILE) requirements-audit.txt --output-file requirements-audit-lock.txt

run: install
	.venv/bin/python manage.py migrate --noinput
	.venv/bin/python manage.py load_roles
	.venv/bin/python manage.py setup_demo
	@# The task worker (reminders, webhook deliveries) in the background, the server in front; Ctrl-C stops both.
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	.venv/bin/python manage.py run_worker & worker=$$!; \
	.venv/bin/python manage.py runserver 127.0.0.1:8000

# Tests run on every core (PYTEST_WORKERS=0: in one process), a test file per worker so that each module's
# scenario is built once. Compiled modules, assertion rewriting included, are cached in __pycache__ (ignored
# by git) even where PYTHONDONTWRITEBYTECODE is set: compiling afresh doubled each worker's collection.
PYTEST_WORKERS ?= auto
test: install
	PYTHONDONTWRITEBYTECODE= .venv/bin/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Refresh the README's screenshots (docs/screenshots/) from the browser journeys; `make test`
# writes its screenshots to the ignored artifacts/screenshots/ instead.
screenshots: install
	SCREENSHOT_DIR=docs/screenshots REQUIRE_BROWSER=1 .venv/bin/python -m pytest -m browser -q tests/browser

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

format: install
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

# The README's commands: `make run`, `make test` and `make screenshots`.
.PHONY: install run test screenshots lint format

install:
	@scripts/install.sh

run: install
	.venv/bin/python manage.py migrate --noinput
	.venv/bin/python manage.py load_roles
	.venv/bin/python manage.py setup_demo
	@# The task worker (reminders, webhook deliveries) in the background, the server in front; Ctrl-C stops both.
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	.venv/bin/python manage.py run_worker & worker=$$!; \
	.venv/bin/python manage.py runserver 127.0.0.1:8000

test: install
	.venv/bin/python -m pytest $(PYTEST_ARGS)

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

# The two commands of the README: `make run` and `make test`.
.PHONY: install run test lint format

install:
	@scripts/install.sh

run: install
	.venv/bin/python manage.py migrate --noinput
	.venv/bin/python manage.py load_roles
	.venv/bin/python manage.py setup_demo
	.venv/bin/python manage.py runserver 127.0.0.1:8000

test: install
	.venv/bin/python -m pytest $(PYTEST_ARGS)

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

format: install
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

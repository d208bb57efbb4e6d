# Lotsa: every task a developer runs. `make demo` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup demo serve test test-fast lint format types bench messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

## setup: create .venv and install Lotsa with its pinned dependencies
setup: $(STAMP)

## demo: migrate the embedded SQLite database, load demo data, serve on http://$(HOST):$(PORT)
demo: setup
	mkdir -p var
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py seed_demo_referrals
	$(BIN)/python manage.py seed_demo_outcomes
	$(BIN)/python manage.py seed_demo_log
	$(BIN)/python manage.py print_demo_logins --url http://$(HOST):$(PORT)/sv/
	$(BIN)/python manage.py enqueue_freshness_reminders
	$(BIN)/python manage.py send_answer_reminders
	$(BIN)/python manage.py send_follow_up_link_reminders
	$(BIN)/python manage.py send_follow_up_reminders
	$(BIN)/python manage.py db_worker --interval 5 & WORKER=$$!; \
	trap 'kill $$WORKER' EXIT INT TERM; \
	DEBUG=True LOTSA_REQUIRE_MFA=False LOTSA_RESEARCH_PSEUDONYM_KEY=demo-only-research-key-never-use-in-production \
		$(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: the whole suite (unit, HTTP and browser tests) on the configured database
test: setup
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

## lint: ruff lint and format check
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## types: mypy with django-stubs
types: setup
	$(BIN)/mypy lotsa

## bench: build the synthetic data set (size S; BENCH_ARGS="--size L" for national scale) in
## databases of its own, measure on SQLite and PostgreSQL, print PASS/FAIL, write bench/results.json
BENCH_ARGS ?= --size S
bench: setup
	$(BIN)/python manage.py bench $(BENCH_ARGS)

## messages: extract translatable strings into the .po files and compile them
messages: setup
	$(BIN)/python manage.py makemessages -l sv -l da -l en --no-obsolete --no-location \
		--ignore '.venv/*' --ignore 'var/*' --ignore 'tools/*' --ignore 'conftest.py' --ignore '*/tests/*'
	$(BIN)/python tools/fill_english_catalogue.py lotsa/locale/en/LC_MESSAGES/django.po
	$(BIN)/python manage.py compilemessages --ignore '.venv' --ignore 'var'


clean:
	rm -rf $(VENV) var

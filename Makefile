# The two commands a newcomer needs: `make run` and `make test`.
# Both build what they need themselves: a virtual environment in .venv and
# the front-end packages (Bootstrap, Chart.js, axe-core) from npm.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test install worker beat clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

install: $(VENV)/.installed node_modules/.package-lock.json

## Run the portal on the embedded default: SQLite, tasks in-process, demo data.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(PORT)

## Run the whole test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set).
test: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	bash scripts/ensure-chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

worker: install
	$(BIN)/celery -A lmcportal worker --loglevel=INFO

beat: install
	$(BIN)/celery -A lmcportal beat --loglevel=INFO

clean:
	rm -rf $(VENV) node_modules staticfiles

## Benchmarks and load/fault scripts (need DATABASE_URL naming a PostgreSQL server; see README).
.PHONY: bench bench-seed bench-triage bench-load bench-faults bench-levies
## The performance table (issue 19): seed, every hot path beside its floor and target.
## BENCH_ARGS passes options, e.g. make bench BENCH_ARGS="--enquiries 1000000 --markdown scale.md".
bench: install
	$(BIN)/python -m bench.scale $(BENCH_ARGS)
bench-seed: install
	$(BIN)/python -m bench.seed
bench-triage: install
	$(BIN)/python -m bench.triage_changelist
bench-load: install
	$(BIN)/python -m bench.load_submit
bench-faults: install
	$(BIN)/python -m bench.fault_redis_down
	$(BIN)/python -m bench.fault_worker_killed
bench-levies: install
	$(BIN)/python bench/levies_import.py --practices 7000

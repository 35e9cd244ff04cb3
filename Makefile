# Jindu — the two commands: `make run` (set up and serve) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
WORKERS ?= 2
export JINDU_DATA_DIR ?= $(CURDIR)/var

.PHONY: setup run serve test test-fast lint bench messages assets clean

## setup: virtualenv in .venv with the `jindu` command, front-end assets from npm
setup: $(VENV)/.installed static/vendor/.stamp

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python >= 3.11 is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static/vendor/.stamp: node_modules/.package-lock.json scripts/build_assets.py
	$(BIN)/python scripts/build_assets.py

assets: static/vendor/.stamp

## run: set up, migrate the database, load reference data, serve with gunicorn on $(HOST):$(PORT)
run: setup
	$(BIN)/jindu migrate --noinput -v0
	$(BIN)/jindu collectstatic --noinput -v0
	$(BIN)/jindu bootstrap --url http://$(HOST):$(PORT)/
	@echo "Serving Jindu at http://$(HOST):$(PORT)/  (Ctrl-C stops)"
	$(BIN)/gunicorn jindu.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - --log-level warning

## test: the whole suite (SQLite by default; DATABASE_URL=postgres://... for PostgreSQL), one process per core;
## TEST_WORKERS=0 runs it in one process. A test file always runs whole in one process (--dist loadfile).
TEST_WORKERS ?= auto
test: setup
	$(BIN)/pytest -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile

lint: setup
	$(BIN)/ruff check src tests conftest.py scripts bench

## messages: extract translatable strings and compile the catalogues (zh-hans, bo, en)
messages: setup
	$(BIN)/jindu makemessages -l zh_Hans -l bo -l en -v0 --no-obsolete \
		--ignore 'node_modules/*' --ignore 'static/vendor/*' --ignore 'var/*' --ignore '*/tests/*' --ignore 'tests/*'
	$(BIN)/jindu compilemessages -v0 --ignore '.venv'

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules static/vendor

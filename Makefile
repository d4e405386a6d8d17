# Cổng Thi đua — `make run` starts the portal, `make test` runs every test.
# Both do their own set-up and are safe to run again.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
STAMPS := .make

.PHONY: run test setup deps assets translations db messages serve clean

run: setup db
	$(FLASK) run --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

setup: deps assets translations

deps: $(STAMPS)/deps
$(STAMPS)/deps: requirements.txt requirements-test.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@mkdir -p $(STAMPS) && touch $@

# htmx comes from the npm registry at the version pinned in package.json / package-lock.json.
assets: static/vendor/htmx.min.js
static/vendor/htmx.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $@

translations: deps
	$(BIN)/pybabel compile --use-fuzzy -d portal/translations

# Schema by migrations; demo data only into an empty database.
db: deps translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty

# For developers: refresh the catalogs after changing user-visible strings.
messages: deps
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o portal/translations/messages.pot --no-location --sort-output --project "Cong Thi dua" .
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching --ignore-obsolete

# Production-like: several workers (needs DATABASE_URL pointing at PostgreSQL).
serve: setup
	$(FLASK) db upgrade
	$(BIN)/gunicorn --workers 4 --bind $(HOST):$(PORT) wsgi:app

clean:
	rm -rf $(VENV) node_modules static/vendor $(STAMPS)

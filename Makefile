# Incubator: `make run` serves the embedded mode, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
MANAGE := $(BIN)/python manage.py
# The embedded mode: a per-installation secret, plain HTTP on localhost.
EMBEDDED_ENV = SECRET_KEY="$$(cat var/secret_key)" HTTPS=false

.PHONY: run test install messages compilemessages lint bench clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

var/secret_key:
	@mkdir -p var
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	@chmod 600 $@

compilemessages: $(STAMP) var/secret_key
	@$(EMBEDDED_ENV) $(MANAGE) compilemessages --ignore=.venv --ignore=var -v0

run: $(STAMP) var/secret_key compilemessages
	@$(EMBEDDED_ENV) $(MANAGE) migrate --noinput -v0
	@$(EMBEDDED_ENV) $(MANAGE) collectstatic --noinput -v0
	@$(EMBEDDED_ENV) $(MANAGE) seed_demo
	@$(EMBEDDED_ENV) $(MANAGE) serve_embedded --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=tests.settings $(MANAGE) makemigrations --check --dry-run

test: $(STAMP) compilemessages lint
	$(BIN)/pytest

# Refresh the Chinese catalogue after changing strings (needs GNU gettext).
messages: $(STAMP) var/secret_key
	$(EMBEDDED_ENV) $(MANAGE) makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=tests --ignore=bench --no-obsolete --add-location=file

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

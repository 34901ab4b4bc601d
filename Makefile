# Two commands set everything up on a fresh machine: `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
FLASK  := $(VENV)/bin/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000
# Test processes: one per core by default; PYTEST_WORKERS=0 runs the suite in this process (easier to debug).
PYTEST_WORKERS ?= auto

.PHONY: run test test-postgres bench lint clean

$(PY):
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# WeasyPrint (a page's PDF) draws with the system's Pango and needs a font; installed once if missing.
PDF_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core

$(VENV)/.system: | $(PY)
	@(ldconfig -p | grep -q libpangoft2-1.0 && test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf) \
		|| (apt-get update -q && apt-get install -y -q --no-install-recommends $(PDF_LIBS)) \
		|| (echo "A page's PDF needs Pango and the DejaVu fonts: install $(PDF_LIBS)" && exit 1)
	touch $@

$(VENV)/.installed: pyproject.toml | $(PY) $(VENV)/.system
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	@echo "Serving on http://$(HOST):$(PORT), with the worker sending email beside it  (Ctrl-C stops both)"
	@$(FLASK) worker & worker=$$!; \
		trap 'exit 130' INT TERM; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
		$(FLASK) run --host $(HOST) --port $(PORT)

# The Nu Html Checker (tests/test_html_valid.py), from npm's vnu-jar: 31 MB, so fetched rather than kept in git.
# Without npm or Java the HTML check skips locally (CI fails instead).
VNU_VERSION := 26.9.27
VNU_JAR := tests/vendor/vnu-$(VNU_VERSION).jar

$(VNU_JAR):
	@mkdir -p $(@D)
	@(cd $(@D) && npm pack --silent vnu-jar@$(VNU_VERSION) >/dev/null \
		&& tar -xzf vnu-jar-$(VNU_VERSION).tgz package/build/dist/vnu.jar \
		&& mv package/build/dist/vnu.jar $(@F) && rm -rf package vnu-jar-$(VNU_VERSION).tgz) \
		|| echo "Could not fetch the Nu Html Checker with npm: the HTML check will be skipped."

test: $(VENV)/.test-installed $(VNU_JAR)
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

bench: $(VENV)/.test-installed
	@command -v wrk >/dev/null || (apt-get update -q && apt-get install -y -q wrk) \
		|| (echo "make bench needs wrk: install it with 'apt-get install wrk'" && exit 1)
	$(PY) -m bench

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check wiki tests bench

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis bench-results.json

# Two commands set everything up on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DEPS   := $(VENV)/.deps-installed
NPM    := node_modules/.npm-ci-stamp
BENCH  := $(VENV)/.bench-deps-installed

.PHONY: site test serve bench system-packages clean

site: $(DEPS) $(NPM)
	$(PY) build.py

test: $(DEPS) $(NPM) system-packages
	$(PY) -m pytest
	PYTHON=$(PY) node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON --test --test-timeout=60000 tests/js/

# What a visitor waits for, measured side by side with its references (benchmarks/run.py, ~10 min
# on 2 cores): writes BENCHMARKS.md and benchmarks/results.json. Rebuilds site/ as its first step.
bench: $(DEPS) $(NPM) $(BENCH) system-packages
	$(PY) -m benchmarks.run

serve: site
	$(PY) -m http.server --directory site 8000 --bind 127.0.0.1

$(DEPS): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[site,test]'
	touch $@

# Benchmark-only dependencies (the `bench` extra: frictionless, the peer the roster figures compare with).
$(BENCH): pyproject.toml $(DEPS)
	$(PY) -m pip install --quiet -e '.[bench]'
	touch $@

# The Pyodide runtime the self-check pages ship (pinned with its integrity in package-lock.json);
# build.py copies the files a page needs into site/. Re-run only when the lock file changes.
$(NPM): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "npm missing: installing Debian's nodejs and npm"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# Browser tests drive Debian's chromium (Playwright's own browser download is not reachable here);
# the forms tests open the blank .xlsx in LibreOffice as a clerk would and read the printed PDF
# back with poppler's pdftotext; CJK fonts for all of them.
SYSTEM_PACKAGES := chromium libreoffice-calc-nogui poppler-utils fonts-noto-cjk
system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

clean:
	rm -rf site build dist $(VENV) node_modules

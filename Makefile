# Two commands set everything up on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DEPS   := $(VENV)/.deps-installed

.PHONY: site test serve bench chromium clean

site: $(DEPS)
	$(PY) build.py

test: $(DEPS) chromium
	$(PY) -m pytest

serve: site
	$(PY) -m http.server --directory site 8000 --bind 127.0.0.1

$(DEPS): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[site,test]'
	touch $@

# Browser tests drive Debian's chromium (Playwright's own browser download is not reachable here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "chromium missing: installing Debian's package"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; }

clean:
	rm -rf site build dist $(VENV) node_modules

# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test test-quick lint typecheck venv etcd browser pictures clean bench

$(BIN)/kubectl-arch: pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

venv: $(BIN)/kubectl-arch

demo: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/kubectl-arch explain --sample kind-ha

# Debian's etcd-server gives the real etcd the etcd tests run against; installed when missing and root.
etcd:
	@if ! command -v etcd >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's etcd-server for the etcd tests"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server >/dev/null; } \
	      || echo "could not install etcd-server: the etcd tests will skip with their reason"; \
	  else echo "etcd is missing and this user cannot install it: the etcd tests will skip"; fi; \
	fi

# Debian's chromium and chromium-driver open the pictures in the browser tests (selenium drives them);
# installed when missing and root, else those tests skip with their reason.
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium and chromium-driver for the browser tests"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; } \
	      || echo "could not install chromium: the browser tests will skip with their reason"; \
	  else echo "chromium is missing and this user cannot install it: the browser tests will skip"; fi; \
	fi

# The README's pictures, drawn from the bundled samples (the audit page's screenshot needs chromium).
pictures: venv browser
	$(BIN)/python tools/make_pictures.py

lint: venv
	$(BIN)/ruff check kubectl_arch checks tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/lint-imports

# pytest rewrites the asserts of every test module in each worker before the first test runs (about half of
# collection); it keeps the result in __pycache__ (ignored by git) unless PYTHONDONTWRITEBYTECODE is set, so the
# suite clears it for itself: a second run starts about 5 s of CPU sooner per worker.
PYTEST = PYTHONDONTWRITEBYTECODE= PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pytest

test: venv etcd browser lint
	$(PYTEST) -q -n auto

# The suite without the tests marked heavy (pyproject: fault matrix, mistyped fields, browser, etcd under load,
# the toy benchmark): what a change is checked with while it is being made; CI runs `make test`.
test-quick: venv etcd lint
	$(PYTEST) -q -n auto -m "not heavy"

# Every size of issue 15 by default; e.g. `make bench BENCH_ARGS="--sizes 10,100,1000,5000"` for fewer.
BENCH_ARGS ?=
bench: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache

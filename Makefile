# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint typecheck venv etcd browser pictures clean bench

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

test: venv etcd browser lint
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pytest -q -n auto

# Every size of issue 15 by default; e.g. `make bench BENCH_ARGS="--sizes 10,100,1000,5000"` for fewer.
BENCH_ARGS ?=
bench: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache

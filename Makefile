# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint typecheck venv etcd clean bench

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

lint: venv
	$(BIN)/ruff check kubectl_arch checks tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

test: venv etcd lint
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pytest -q

bench: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache

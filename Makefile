# ganbu — two commands: `make run` (demo county on SQLite) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
SYS_PKGS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk
PG_URL ?= postgres://postgres@127.0.0.1:5432/ganbu
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: serve run test test-sqlite test-pg lint bench bench-smoke mutate sysdeps browserdeps benchdeps demo clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test]'
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

# PDF libraries and CJK fonts: installed when we can (root on Debian/Ubuntu), otherwise one line is printed.
sysdeps:
	@missing=$$(for p in $(SYS_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null || echo "提示：安装 $$missing 失败，PDF 功能可能不可用"; \
	  else echo "提示：PDF 需要系统包，请运行：sudo apt-get install $$missing"; fi; \
	fi

browserdeps:
	@if ! command -v chromium >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null || echo "提示：未能安装 chromium，浏览器测试将跳过"; \
	  else echo "提示：浏览器测试需要 chromium：sudo apt-get install chromium"; fi; \
	fi

run: $(STAMP) sysdeps
	@mkdir -p var
	GANBU_DEBUG=1 $(PY) manage.py migrate --noinput -v 0
	GANBU_DEBUG=1 $(PY) manage.py load_demo --if-empty
	@GANBU_DEBUG=1 $(PY) manage.py run_huey --workers 1 > var/huey.log 2>&1 & echo $$! > var/huey.pid
	@trap 'kill $$(cat var/huey.pid) 2>/dev/null' EXIT; GANBU_DEBUG=1 $(PY) manage.py runserver --noreload $(HOST)

# Production: GANBU_SECRET_KEY, GANBU_AUDIT_KEY, GANBU_DATA_KEY, GANBU_DATABASE and GANBU_ALLOWED_HOSTS
# from the environment (see README); behind a TLS proxy that sets X-Forwarded-Proto.
WORKERS ?= 4
serve: $(STAMP) sysdeps
	$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py run_huey --workers 2 >> $${GANBU_VAR_DIR:-var}/huey.log 2>&1 & echo $$! > $${GANBU_VAR_DIR:-var}/huey.pid
	@trap 'kill $$(cat $${GANBU_VAR_DIR:-var}/huey.pid) 2>/dev/null' EXIT; $(VENV)/bin/gunicorn ganbu.wsgi --bind $(HOST) --workers $(WORKERS) --timeout 120 --access-logfile -

demo: $(STAMP)
	GANBU_DEBUG=1 $(PY) manage.py migrate --noinput -v 0
	GANBU_DEBUG=1 $(PY) manage.py load_demo --if-empty

MYPY_FILES := src/ganbu/*/rules.py src/ganbu/org/roster_rules.py src/ganbu/core/workdays.py src/ganbu/core/stamps.py

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy $(MYPY_FILES)

# make test: lint, then the whole suite on SQLite; with GANBU_DATABASE set, on that database.
test: $(STAMP) sysdeps browserdeps
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy $(MYPY_FILES)
	GANBU_TESTING=1 GANBU_HUEY=immediate $(VENV)/bin/pytest $(PYTEST_ARGS)

test-pg: $(STAMP)
	GANBU_DATABASE=$(PG_URL) $(MAKE) test

# wrk drives the HTTP sign-in workloads: installed like Chromium (root on Debian/Ubuntu) or one line printed.
benchdeps:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null || { echo "未能安装 wrk"; exit 1; }; \
	  else echo "make bench 需要 wrk：sudo apt-get install wrk"; exit 1; fi; \
	fi

BENCH_SCALE ?= county
BENCH_ARGS ?=
bench: $(STAMP) sysdeps benchdeps
	GANBU_TESTING=1 $(PY) -m benchmarks.run --scale $(BENCH_SCALE) --database $(PG_URL) $(BENCH_ARGS)

# CI: every workload at smoke scale, short runs, results kept apart from the recorded figures.
bench-smoke: $(STAMP) sysdeps benchdeps
	@mkdir -p var
	GANBU_TESTING=1 $(PY) -m benchmarks.run --scale smoke --database $(PG_URL) --runs 1 --seconds 1 --out var/bench-smoke.json

# Mutation testing of one app's decision modules against its tests (mutmut; not part of make test):
# make mutate APP=leave [MUTATE_FILES="rules services queries"] [MUTATE_JOBS=2]
APP ?= leave
mutate: $(STAMP)
	@$(VENV)/bin/mutmut --version >/dev/null 2>&1 || $(PIP) install -q 'mutmut>=3.8,<4'
	tools/mutate.sh $(APP)

clean:
	rm -rf var/ganbu.sqlite3* var/huey.sqlite3*

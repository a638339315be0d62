# Two commands on a fresh Debian machine: `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
VENDOR := src/firmdesk/static/vendor

.PHONY: run test deps static chromium pdf-libs clamav lint typecheck bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.stamp-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

deps: $(VENV)/.stamp-deps

node_modules/.package-lock.json: package.json
	npm install --no-audit --no-fund --silent
	touch $@

$(VENDOR)/.stamp: node_modules/.package-lock.json
	mkdir -p $(VENDOR)/bootstrap
	cp node_modules/bootstrap/dist/css/bootstrap.min.css* $(VENDOR)/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js* $(VENDOR)/bootstrap/
	touch $@

static: deps $(VENDOR)/.stamp
	$(BIN)/firmdesk collectstatic --noinput --verbosity 0

chromium:
	@command -v chromium >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

# Without HarfBuzz's subsetter WeasyPrint subsets fonts in Python, and invoice
# PDFs take several times longer (docs/performance.md, Billing). Optional: the
# PDFs are the same without it. Chromium's packages bring it too.
pdf-libs:
	@ldconfig -p | grep -q libharfbuzz-subset || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libharfbuzz-subset0; } || echo "libharfbuzz-subset0 not installed: invoice PDFs will be slower."

# ClamAV's daemon, for the upload-scanning tests (tests/security/
# test_clamav_scanning.py starts its own clamd with a test signature; no
# signature download). About 8 s to install here. Optional: without it those
# tests are skipped. Installed, Debian's clamd (once freshclam has fetched
# signatures) also scans `make run`'s uploads: docs/security-hardening.md.
clamav:
	@test -x /usr/sbin/clamd || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q clamav-daemon; } || echo "clamav-daemon not installed: the upload-scanning tests will be skipped."

run: static pdf-libs
	$(BIN)/firmdesk run

# The suite runs on every core (pytest-xdist): each worker has its own test
# database. TEST_WORKERS=0 runs it in one process (pdb, -x, a clean traceback).
TEST_WORKERS ?= auto
test: static chromium pdf-libs clamav
	$(BIN)/pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory typecheck
	$(BIN)/lint-imports --no-cache --no-logo

# The packages and settings are in pyproject.toml ([tool.mypy]); no database needed.
typecheck: deps
	$(BIN)/mypy

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var

# Known vulnerabilities in the installed packages, written to
# docs/security-dependencies.md (commit it). Not a test: advisories appear
# without code changes. Fails only when nothing could be checked.
# Another service: make audit AUDIT_SERVICE=osv
AUDIT_SERVICE ?= pypi
.PHONY: audit
$(VENV)/.stamp-audit: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,audit]'
	touch $@

audit: $(VENV)/.stamp-audit
	$(BIN)/python .ci/dependency_audit.py --service $(AUDIT_SERVICE)

# Conflict search at 1,000,000 parties, side by side with pg_trgm when DATABASE_URL
# names PostgreSQL. Smaller: make bench-conflicts BENCH_CONFLICTS_ARGS="--parties 100000"
BENCH_CONFLICTS_ARGS ?= --parties 1000000 --queries 200
.PHONY: bench-conflicts
bench-conflicts: deps
	$(BIN)/python bench/conflicts.py $(BENCH_CONFLICTS_ARGS)

# Assistant, team and review queues at 1,000,000 tasks, on the database DATABASE_URL
# names (SQLite by default). Smaller: make bench-queues BENCH_QUEUES_ARGS="--tasks 100000"
BENCH_QUEUES_ARGS ?= --tasks 1000000 --requests 200
.PHONY: bench-queues
bench-queues: static
	$(BIN)/python bench/queues.py $(BENCH_QUEUES_ARGS)

# Public intake form: sustained submissions per second through gunicorn (2 workers)
# next to the job worker, rate limit raised, on the database DATABASE_URL names
# (SQLite by default), and a check that no answered submission was lost.
BENCH_INTAKE_ARGS ?= --seconds 20 --clients 4
.PHONY: bench-intake
bench-intake: static
	$(BIN)/python bench/intake.py $(BENCH_INTAKE_ARGS)

# Billing: a 100,000-line LEDES 1998B export (target under 5 s) beside the naive
# way (a query per line), and bench/billing_invoices.py's figures when present,
# on the database DATABASE_URL names (SQLite by default).
# Quicker: make bench-billing BENCH_BILLING_ARGS="--lines 20000 --naive-lines 1000"
BENCH_BILLING_ARGS ?= --lines 100000 --naive-lines 5000
# The insights dashboard beside DuckDB computing the same figures, on a seeded
# database: .venv/bin/firmdesk seed --scale large first (or --firms 20).
BENCH_INSIGHTS_ARGS ?= --requests 50
.PHONY: bench-insights
bench-insights: static
	$(BIN)/python bench/insights.py $(BENCH_INSIGHTS_ARGS)

.PHONY: bench-billing
bench-billing: deps
	$(BIN)/python bench/billing.py $(BENCH_BILLING_ARGS)

# Documents: upload and download throughput of 20 MB and 1 MB files through the
# real service, encrypted at rest beside the same path storing plain (target:
# encryption costs less than 30 %). Rows go to the database DATABASE_URL names.
BENCH_DOCUMENTS_ARGS ?= --rounds 7
.PHONY: bench-documents
bench-documents: deps
	$(BIN)/python bench/documents.py $(BENCH_DOCUMENTS_ARGS)

# The main pages and API routes on a seeded database, through gunicorn, at 1 and
# 16 clients (wrk, Debian's package), beside the plain SQL of each page and a
# trivial view on the same server (docs/performance.md). It works on a copy of
# the database DATABASE_URL names. Seed first: .venv/bin/firmdesk seed --scale large
# Quicker: make bench BENCH_ARGS="--seconds 3 --only queue"
BENCH_ARGS ?=
.PHONY: wrk
wrk:
	@command -v wrk >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }

bench: static wrk
	$(BIN)/python bench/pages.py $(BENCH_ARGS)

# Ten minutes of mixed reads and writes from 50 clients on PostgreSQL, with the
# server, the worker and the database killed or restarted on the way; reports
# errors and lost writes (docs/performance.md). Loopback only.
SOAK_ARGS ?=
.PHONY: soak
soak: static
	$(BIN)/python bench/soak.py $(SOAK_ARGS)

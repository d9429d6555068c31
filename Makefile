# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
PY := .venv/bin/python
UV_VERSION := 0.13.8
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)

.PHONY: run test setup artifacts prometheus chromium contract-tools unit integration cluster-test triage-replay dispatch-dryrun rumor-cluster eval bench-e2e clean-data

$(UV):
	@$(PYTHON) -m venv $(TOOLS) && $(TOOLS)/bin/pip install -q --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: pyproject.toml uv.lock | $(UV)
	@$(UV) sync --frozen --quiet && touch $@

setup: .venv/.synced artifacts prometheus chromium  ## install what is missing (Python deps, Kafka and database jars, Prometheus, Chromium)

artifacts: .venv/.synced
	@$(PY) -m deploy.local.infra fetch

# Debian's prometheus package: the server for `make run` and promtool for the rule tests.
# Its own service is never started; Procfile runs the binary on the project's config.
prometheus:
	@command -v prometheus >/dev/null && command -v promtool >/dev/null || { \
	  echo "installing prometheus (Debian package)"; \
	  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null; }

# The contract tests' tools (tests/contracts/), pinned in tools/contracts/: the AsyncAPI CLI
# (model generator), Redocly (OpenAPI lint), TypeScript with @grafana/schema (dashboards),
# and the Jackson jars the generated Java models need. Installed here, never at test time;
# again only when a pin changes. Quiet unless it fails (the log stays in tools/contracts/).
CONTRACTS := tools/contracts
$(CONTRACTS)/node_modules/.installed: $(CONTRACTS)/package.json $(CONTRACTS)/package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js 20.19+) is needed for the contract tests: apt-get install nodejs npm"; exit 1; }
	@echo "installing the pinned contract tools into $(CONTRACTS)/node_modules (npm ci, about 2 min the first time)"
	@timeout 900 npm ci --prefix $(CONTRACTS) --no-audit --no-fund --loglevel=error > $(CONTRACTS)/npm-ci.log 2>&1 \
	  || { tail -40 $(CONTRACTS)/npm-ci.log; echo "npm ci failed: full log in $(CONTRACTS)/npm-ci.log"; exit 1; }
	@touch $@

$(CONTRACTS)/lib/.installed: $(CONTRACTS)/pom.xml
	@rm -rf $(CONTRACTS)/lib
	@timeout 600 mvn -B -q -f $< dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=$(CURDIR)/$(CONTRACTS)/lib \
	  > $(CONTRACTS)/mvn.log 2>&1 || { tail -40 $(CONTRACTS)/mvn.log; echo "mvn failed: full log in $(CONTRACTS)/mvn.log"; exit 1; }
	@touch $@

# Debian's chromium: the browser the page tests (tests/e2e/test_pages.py) drive through
# Playwright. Never `playwright install`: its browser download is not a package we pin.
# A Chinese font (WenQuanYi Micro Hei, small) so the screenshots show the pages' text.
chromium:
	@command -v chromium >/dev/null && [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || { \
	  echo "installing chromium and a Chinese font (Debian packages)"; \
	  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }

contract-tools: $(CONTRACTS)/node_modules/.installed $(CONTRACTS)/lib/.installed

run: setup  ## start Kafka, the database and all services; feed the demo; Ctrl-C stops all
	@$(PY) -m deploy.local.localenv
	@exec .venv/bin/honcho -f deploy/local/Procfile -e .data/local.env start

test: setup contract-tools  ## the whole suite, with the real Kafka and database
	@$(PY) -m pytest -q -p no:cacheprovider

unit: .venv/.synced
	@$(PY) -m pytest -q tests/unit

# Part of `make test`; alone: three Kafka brokers from the local jars, two instances of every
# service, one broker killed -9 mid-stream (tests/cluster/, about 4 min). Figures printed and
# written to test-artifacts/cluster-broker-loss.json.
cluster-test: setup  ## the three-broker cluster test: topic setup, broker loss, recovery figures
	@$(PY) -m pytest -q -p no:cacheprovider -s tests/cluster

triage-replay: .venv/.synced  ## make -s triage-replay IN=reports.jsonl
	@$(PY) -m services.triage.replay $(IN)

dispatch-dryrun: .venv/.synced  ## make -s dispatch-dryrun IN=triaged.jsonl
	@$(PY) -m services.dispatch.dryrun $(IN)

rumor-cluster: .venv/.synced  ## make -s rumor-cluster IN=rumors.jsonl
	@$(PY) -m services.rumor.clustering.dryrun $(IN)

# One table: dev file, corpus cross-validation, our own holdout and bench/unseen/ (if there).
# `make eval CORRECTIONS=reviewed.jsonl` adds the figures after a retrain with the corrections.
# Per-tool detail: python -m bench.eval_triage / bench/eval_dispatch.py / bench/eval_rumor.py.
eval: .venv/.synced  ## figures on every evaluation set, side by side
	@$(PY) -m bench.eval_summary $(if $(CORRECTIONS),--corrections $(CORRECTIONS))

bench-e2e: setup  ## end-to-end benchmark beside a bare Kafka relay; last line is JSON (bench/README.md)
	@$(PY) -m bench.bench_e2e $(ARGS)

clean-data:  ## forget local Kafka and database state
	rm -rf .data

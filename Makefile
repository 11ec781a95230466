# Housing Portal: `make run` starts the whole portal on this machine; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PACKAGES := contracts kit deploy/local services/gateway services/identity services/cases \
            services/documents services/notifications web
STAMP := $(VENV)/.installed
PYPROJECTS := $(foreach p,$(PACKAGES),$(p)/pyproject.toml)
TEST_WORKERS ?= 2
NODE_STAMP := node_modules/.installed
# Every catalogue of text people read: the shared vocabulary of cases, the portal's pages, the
# emails and the cases PDFs. Each is extracted from its code and templates by its own
# babel.cfg and compiled into its .mo here.
CONTRACTS_SRC := contracts/src/contracts
WEB_SRC := web/src/web
NOTIFICATIONS_SRC := services/notifications/src/notifications
CASES_SRC := services/cases/src/cases
WELSH_MOS := $(CONTRACTS_SRC)/translations/cy/LC_MESSAGES/messages.mo \
             $(WEB_SRC)/translations/cy/LC_MESSAGES/messages.mo \
             $(NOTIFICATIONS_SRC)/translations/cy/LC_MESSAGES/messages.mo \
             $(CASES_SRC)/translations/cy/LC_MESSAGES/messages.mo

.PHONY: install run start stop status test test-parallel test-serial lint format bench \
        contracts clean browser

install: $(STAMP) $(NODE_STAMP) $(WELSH_MOS)

# GOV.UK Frontend (served by the web service) and axe-core (injected by the browser tests),
# exactly as package-lock.json records them.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $(NODE_STAMP)

# A Welsh catalogue: strings extracted from the code and templates, merged into the
# catalogue (new ones stay untranslated until someone translates them, and a test fails),
# then compiled. The compiled .mo is built here, never committed.
# $(1): the package's source folder; $(2): its babel.cfg.
define welsh_catalogue
$(1)/translations/cy/LC_MESSAGES/messages.mo: $(STAMP) $(2) \
		$(shell find $(1) -name '*.py' -o -name '*.html' -o -name '*.txt') \
		$(1)/translations/cy/LC_MESSAGES/messages.po
	$(VENV)/bin/pybabel -q extract --mapping $(2) --no-location --sort-output \
		--keyword _ --keyword gettext --keyword ngettext:1,2 --project "Housing Portal" \
		--output $(1)/translations/messages.pot $(1)
	$(VENV)/bin/pybabel -q update --input-file $(1)/translations/messages.pot \
		--output-dir $(1)/translations --locale cy --ignore-obsolete --no-fuzzy-matching \
		--ignore-pot-creation-date --init-missing
	$(VENV)/bin/pybabel -q compile --directory $(1)/translations --locale cy
	@rm -f $(1)/translations/messages.pot
endef
$(eval $(call welsh_catalogue,$(CONTRACTS_SRC),contracts/babel.cfg))
$(eval $(call welsh_catalogue,$(WEB_SRC),web/babel.cfg))
$(eval $(call welsh_catalogue,$(NOTIFICATIONS_SRC),services/notifications/babel.cfg))
$(eval $(call welsh_catalogue,$(CASES_SRC),services/cases/babel.cfg))

# The browser tests drive Debian's Chromium: Playwright cannot download browsers here.
browser:
	@test -x /usr/bin/chromium || (apt-get update && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium)

$(STAMP): constraints.txt requirements-dev.txt $(PYPROJECTS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --constraint constraints.txt -r requirements-dev.txt \
		$(foreach p,$(PACKAGES),-e ./$(p))
	@touch $(STAMP)

run: install  ## start everything, stay in the foreground; Ctrl-C stops it
	$(PY) -m portalstack up

start: install  ## start everything in the background
	$(PY) -m portalstack start

stop:  ## stop what `make run`, `make start` or `make test` started
	@test -x $(PY) && $(PY) -m portalstack stop || true

status: install
	$(PY) -m portalstack status

test: install browser  ## reuse a running stack or start one, run every test, stop what was started
	@$(PY) -m portalstack ensure
	@# The failure tests bound recovery times: they run first, before the rest of the suite
	@# has filled the store and slowed it down.
	@status=0; \
	$(MAKE) --no-print-directory test-serial || status=$$?; \
	$(MAKE) --no-print-directory test-parallel || status=$$?; \
	if [ $$status -ne 0 ]; then $(PY) -m portalstack incidents; fi; \
	$(PY) -m portalstack stop --if-started-by-ensure; \
	exit $$status

test-parallel:
	$(PY) -m pytest -n $(TEST_WORKERS) -m "not serial" --durations=30 $(PYTEST_ARGS)

test-serial:  ## tests that restart servers run alone (pytest exits 5 when none are selected)
	$(PY) -m pytest -m serial $(PYTEST_ARGS) || [ $$? -eq 5 ]

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

contracts: install  ## regenerate the JSON Schemas and the AsyncAPI document
	$(PY) -m contracts.generate

bench: install  ## the gateway against direct calls, the store's load, cases, appointments, letters and survey answers at volume, my tasks and a timeline as they grow, pages against their calls, uploads and downloads against raw S3, an event to its notification against the raw broker; results in bench/results/
	$(PY) -m portalstack ensure
	@status=0; $(PY) -m bench.gateway_overhead || status=$$?; \
	$(PY) -m bench.store_load || status=$$?; \
	$(PY) -m bench.cases_load || status=$$?; \
	$(PY) -m bench.casework_load || status=$$?; \
	$(PY) -m bench.meetings_load || status=$$?; \
	$(PY) -m bench.surveys_load || status=$$?; \
	$(PY) -m bench.casework_scale || status=$$?; \
	$(PY) -m bench.page_speed || status=$$?; \
	$(PY) -m bench.upload_speed || status=$$?; \
	$(PY) -m bench.notice_path || status=$$?; \
	$(PY) -m portalstack stop --if-started-by-ensure; exit $$status

clean: stop
	rm -rf $(VENV) .data .mypy_cache .ruff_cache .pytest_cache bench/results

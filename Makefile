# The two commands of the README. Both need only python3 (with venv and pip) and make.
#   make lab   - create .venv, install the course, open JupyterLab on the start page
#   make test  - create .venv, install the course with its test tools, run every test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# The course's language: CLV_COURSE_LANG=de make lab opens the German notebooks, with
# JupyterLab's own menus in German (its settings live in .venv/lab-settings/<lang>/).
COURSE_LANG ?= $(or $(CLV_COURSE_LANG),en)
# JupyterLab refuses to run as root unless told; root is common in containers.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
LAB_ARGS ?=
PYTEST_ARGS ?= -n auto --dist loadgroup --durations=15

.PHONY: lab test install bench clean messages notebooks translations sandbox browser \
	test-oldest test-lowest test-newest slides site site-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

lab: $(VENV)/.installed
	@start=$$($(BIN)/python -m clv_course.lab_settings $(COURSE_LANG) $(VENV)/lab-settings) && \
	JUPYTERLAB_SETTINGS_DIR="$(abspath $(VENV))/lab-settings/$(COURSE_LANG)" \
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=notebooks \
		--LabApp.default_url=/lab/tree/$$start $(LAB_ARGS)

test: $(VENV)/.installed sandbox browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The grader contains submissions with bubblewrap; as root, install it when it is missing.
sandbox:
	@command -v bwrap >/dev/null || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null || \
		(apt-get install -y -qq bubblewrap >/dev/null 2>&1 || \
		 (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq bubblewrap >/dev/null 2>&1)) || \
		echo "bubblewrap could not be installed: grading tests run without a sandbox"

# The learner's view is tested in Debian's Chromium; as root, install it when it is missing.
browser:
	@[ -x /usr/bin/chromium ] || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null || \
		(apt-get install -y -qq chromium >/dev/null 2>&1 || \
		 (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1)) || \
		echo "chromium could not be installed: the browser tests are skipped"

# Benchmarks against peers live in their own environment so peers never leak into the course.
BENCH_VENV := .venv-bench
$(BENCH_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e ".[cluster]" "lifetimes==0.11.3" "setuptools<82" \
		"nbgrader==0.9.6"
	touch $@

bench: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python benchmarks/bench_summary.py
	$(BENCH_VENV)/bin/python benchmarks/bench_models.py
	$(BENCH_VENV)/bin/python benchmarks/bench_grader.py
	$(BENCH_VENV)/bin/python benchmarks/bench_loader.py

# The versions we declare are the versions we test. `make test` resolves the newest releases
# within our bounds once, into .venv. These build their own environments; CI runs make test,
# then make test-oldest.
#   make test-oldest  - the whole suite with every direct dependency at its lower bound
#                       (constraints/lowest.txt)
#   make test-lowest  - the same environment, the fast tests (-m "not slow") only
#   make test-newest  - the fast tests on the newest releases of everything, upgraded every run
LOWEST_VENV := .venv-lowest
NEWEST_VENV := .venv-newest
FAST_ARGS   ?= -m "not slow"

$(LOWEST_VENV)/.installed: pyproject.toml constraints/lowest.txt
	$(PYTHON) -m venv $(LOWEST_VENV)
	echo '*' > $(LOWEST_VENV)/.gitignore
	$(LOWEST_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOWEST_VENV)/bin/python -m pip install --quiet -c constraints/lowest.txt -e ".[test]"
	touch $@

test-oldest: $(LOWEST_VENV)/.installed sandbox browser
	$(LOWEST_VENV)/bin/python -m pytest $(PYTEST_ARGS)

test-lowest: $(LOWEST_VENV)/.installed sandbox browser
	$(LOWEST_VENV)/bin/python -m pytest $(PYTEST_ARGS) $(FAST_ARGS)

test-newest: sandbox browser
	[ -x $(NEWEST_VENV)/bin/python ] || $(PYTHON) -m venv $(NEWEST_VENV)
	echo '*' > $(NEWEST_VENV)/.gitignore
	$(NEWEST_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(NEWEST_VENV)/bin/python -m pip install --quiet --upgrade --upgrade-strategy eager -e ".[test]"
	$(NEWEST_VENV)/bin/python -m pytest $(PYTEST_ARGS) $(FAST_ARGS)

clean:
	rm -rf $(VENV) $(BENCH_VENV) build dist *.egg-info

# Every chapter as an offline reveal.js deck, from the student notebooks, in slides/<lang>/.
slides: $(VENV)/.installed
	$(BIN)/clv-course slides --out slides

# The course as a website in site/<lang>/, every chapter executed; opens offline
# (site/index.html, or python -m http.server -d site).
site: $(VENV)/.installed
	$(BIN)/clv-course site --out site

# The website's tests on every chapter of every language (make test builds a few chapters).
site-check: $(VENV)/.installed browser
	CLV_SITE_CHECK=all $(BIN)/python -m pytest tests/test_website.py

# Rewrite the message template after changing a learner-facing string in clv_course/.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract --no-location --sort-output --omit-header \
		-k _ -k N_ -o clv_course/locale/clv_course.pot clv_course

# Regenerate the student and solution notebooks after editing a master in masters/.
notebooks: $(VENV)/.installed
	$(BIN)/python -m clv_course.authoring
	$(BIN)/python -m clv_course.translation update

# Refresh translations/notebooks.pot from the masters and merge it into every
# translations/<lang>.po (changed cells become fuzzy, new ones untranslated).
# Start a language with: $(BIN)/python -m clv_course.translation init <lang>
translations: $(VENV)/.installed
	$(BIN)/python -m clv_course.translation update

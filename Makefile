# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test serve lint typecheck bench clean
# The suite runs in parallel, one worker per core (pytest-xdist); each test module stays on
# one worker, so that a module's expensive fixtures (a written report) are built once.
PYTEST_ARGS ?=

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/research demo demo-study --force
	$(BIN)/research report --study demo-study
	@echo
	@echo "Demo study (fictional data) built in demo-study/, its report in demo-study/report/."
	@echo "Open demo-study/report/report.html in a browser. Next, try:"
	@echo "  . $(VENV)/bin/activate && cd demo-study"
	@echo "  research interviews list"
	@echo "  research code list --code motives/economy/unemployment"
	@echo "  research agreement --unit segment"
	@echo "Or open it in your browser: make serve (http://127.0.0.1:8000/)"

serve: $(STAMP)
	@test -d demo-study || $(BIN)/research demo demo-study
	$(BIN)/research serve --study demo-study

test: $(STAMP)
	$(BIN)/ruff check research codebook interviews analysis tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest -n auto --dist loadfile $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/paging_bench.py
	$(BIN)/python bench/search_bench.py
	$(BIN)/python bench/export_bench.py
	$(BIN)/python bench/analysis_bench.py
	$(BIN)/python bench/report_bench.py
	$(BIN)/python bench/report_bench.py --interviews 10000 --codings 1000000
	$(BIN)/python bench/web_bench.py

clean:
	rm -rf $(VENV) demo-study bench/out .ci-sqlite.log .ci-postgresql.log .pytest_cache .mypy_cache .ruff_cache

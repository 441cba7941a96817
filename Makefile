# The front door. Every target sets up .venv itself when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RESULTS ?= results
RUNS ?= runs
FIGURES ?= figures
WORKERS ?= 2
# budget profile of the experiment files: default (CPU-sized) or paper
BUDGET ?= default
MODNAS := $(BIN)/modnas-bench
FIGURE_IDS := nb201-hv-radar nb201-pareto nb201-hv-vs-evals nb201-hv-table nb201-ablations nb201-3obj surrogate-fidelity \
	metapredictor-zero-shot search-cost

.PHONY: setup test test-fast bench data surrogates reproduce-nb201-true-fronts reproduce-all \
	$(addprefix reproduce-,$(FIGURE_IDS)) clean clean-data

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade --quiet pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/pytest -q

test-fast: $(STAMP)
	$(BIN)/pytest -q -m "not slow"

bench: $(STAMP)
	$(BIN)/pytest -q tests/benchmarks/test_speed.py tests/surrogates/test_speed_surrogates.py \
		tests/modnas/baselines/test_speed_baselines.py \
		--benchmark-only --benchmark-columns=min,mean,median,ops,rounds

data: $(STAMP)
	$(BIN)/modnas-bench data fetch

surrogates: data
	$(BIN)/modnas-bench surrogate train

reproduce-nb201-true-fronts: data
	$(BIN)/modnas-bench fronts nb201 --out $(RESULTS)
	$(BIN)/modnas-bench fronts nb201 --objectives error,latency,params --out $(RESULTS)

# Run (through the runner, skipping complete runs) every experiment a figure reads, then draw it.
$(addprefix reproduce-,$(FIGURE_IDS)): reproduce-%: data
	@for experiment in $$($(MODNAS) figs experiments $*); do \
		echo "== experiment $$experiment (budget profile $(BUDGET), $(WORKERS) workers)"; \
		$(MODNAS) run experiments/$$experiment.yaml --workers $(WORKERS) --budgets $(BUDGET) --out $(RUNS) || exit 1; \
	done
	$(MODNAS) figs make $* --runs $(RUNS) --out $(FIGURES)

reproduce-all: $(addprefix reproduce-,$(FIGURE_IDS)) reproduce-nb201-true-fronts

clean:
	rm -rf $(VENV) .pytest_cache .benchmarks *.egg-info

clean-data:
	$(BIN)/python -c "from benchmarks.data import data_home; import shutil; shutil.rmtree(data_home(), ignore_errors=True)"

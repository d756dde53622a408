# `make bench`: privatelink.ecr's deploy playbook against the amazon.aws way on 1, 6 and 60
# targets in moto_server (bench/README.md). Not a test: it is not in TEST_TARGETS and asserts
# no timing. The amazon.aws baseline gets its own venv, installed only here.
BENCH_VENV := bench/.work/venv-amazon
BENCH_ARGS ?=

$(BENCH_VENV)/.installed: requirements-bench.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/pip install --quiet -r requirements-bench.txt
	touch $@

.PHONY: bench bench-venv
bench-venv: $(BENCH_VENV)/.installed

bench: venv link bench-venv
	$(BIN)/python bench/run_bench.py $(BENCH_ARGS)

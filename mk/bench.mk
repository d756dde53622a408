# `make bench`: an AWS Organization of 300 VPCs (50 accounts x 3 regions x 2) on one moto_server:
# the aws_vpcs inventory, deploy (first converge, no-op) and audit (host_per: region); then
# privatelink.ecr's deploy playbook against the amazon.aws way on 1, 6 and 60 targets
# (bench/README.md). BENCH_ARGS="--org-only" or "--no-org" runs one stage. Not a test: it is not
# in TEST_TARGETS and asserts no timing. The amazon.aws baseline gets its own venv, installed only here,
# held to requirements-lock.txt like .venv: both sides run the same ansible-core, boto3 and botocore.
BENCH_VENV := bench/.work/venv-amazon
BENCH_ARGS ?=

$(BENCH_VENV)/.installed: requirements-bench.txt $(LOCK)
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/$(PIP_LOCKED) --upgrade pip
	$(BENCH_VENV)/bin/$(PIP_LOCKED) -r requirements-bench.txt
	touch $@

.PHONY: bench bench-venv
bench-venv: $(BENCH_VENV)/.installed

bench: venv link bench-venv
	$(BIN)/python bench/run_bench.py $(BENCH_ARGS)

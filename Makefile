# privatelink.ecr — `make test` and `make demo` work from a fresh clone: they build
# their own virtualenv in .venv and install what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# The checkout is the collection root; Ansible finds it through this path.
COLLECTIONS := $(CURDIR)/.build/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/privatelink/ecr
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := false
export PATH := $(BIN):$(PATH)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: all venv link test test-unit test-integration demo clean
all: test

$(VENV)/.installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

venv: $(VENV)/.installed

link:
	@mkdir -p $(dir $(COLLECTION_LINK))
	@ln -sfn $(CURDIR) $(COLLECTION_LINK)

test-unit: venv link
	$(BIN)/python -m pytest -q tests/unit tests/bench

# Two workers (one moto_server each), a file's tests on one worker: most of the time is spent in
# ansible-playbook processes waiting on moto_server, so two cores run two files at once.
INTEGRATION_WORKERS ?= 2
test-integration: venv link
	$(BIN)/python -m pytest -q -n $(INTEGRATION_WORKERS) --dist loadfile tests/integration

# Every suite; other suites add themselves to TEST_TARGETS from mk/*.mk.
TEST_TARGETS := test-unit test-integration
-include mk/*.mk

test: $(TEST_TARGETS)

clean:
	rm -rf .build .pytest_cache tests/output

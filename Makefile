# privatelink.ecr — `make test` and `make demo` work from a fresh clone: they build
# their own virtualenv in .venv and install what they need, at requirements-lock.txt's versions.
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

.PHONY: all venv link test test-unit test-integration demo clean lock-refresh
all: test

# Every pip install of make (here and in mk/*.mk) is held to the lock's exact versions, the ones CI last
# passed with: a new release of a test tool cannot change what a fresh clone tests with. A change to the
# lock reinstalls (the stamps depend on it). `make lock-refresh` moves it on purpose.
LOCK := requirements-lock.txt
PIP_LOCKED = pip install --quiet -c $(LOCK)

$(VENV)/.installed: requirements.txt requirements-test.txt $(LOCK)
	$(PYTHON) -m venv $(VENV)
	@lock_python=$$(sed -n 's/^# Python: //p' $(LOCK)); \
	venv_python=$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
	[ "$$lock_python" = "$$venv_python" ] || echo "WARNING: $(LOCK) was resolved on Python $$lock_python," \
	  "this venv runs $$venv_python: a pin may not exist for it (make lock-refresh PYTHON=python$$lock_python)"
	$(BIN)/$(PIP_LOCKED) --upgrade pip
	$(BIN)/$(PIP_LOCKED) -r requirements-test.txt
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

# Re-resolve the lock to the newest versions the requirements-*.txt ranges allow, in fresh temporary
# venvs on $(PYTHON) (tests/utils/refresh_lock.py), then run every suite on them: .venv reinstalls since
# the lock changed. Commit the lock when `make test` passes; `git checkout requirements-lock.txt` otherwise.
lock-refresh:
	$(PYTHON) tests/utils/refresh_lock.py
	$(MAKE) --no-print-directory test

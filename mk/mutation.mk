# Mutation testing of the pure cores (docs/docsite/rst/guide_development.rst, "Mutation testing").
# Not part of `make test`: it runs the unit tests once per mutant and takes tens of minutes.
#   make mutation                                 every module below, the score per module at the end
#   make mutation MUTATION_MODULES="_nacl_eval"   one module (audit.routes_hubs: a family of the audit)
#   make mutation MUTATION_JOBS=2                 two modules at once
#   make mutation MUTATION_SAMPLE=5               every fifth mutant (a measured subset, quicker)
# mutmut (requirements-mutation.txt) lives in its own venv under .build/mutation and makes the mutants;
# tests/utils/mutation.py runs the tests with .venv's python, one mutant at a time. Each module is
# mutated in its own copy of the tree (.build/mutation/<module>), so the checkout is never modified and
# a run can be interrupted. Results: .build/mutation/<module>.json and <module>.survivors.txt (diffs).
MUTATION_DIR := $(CURDIR)/.build/mutation
MUTATION_VENV := $(MUTATION_DIR)/venv
MUTATION_MODULES ?= _plan _apply _policy_eval _nacl_eval audit._state audit.endpoints_dns audit.security_groups \
	audit.network_acls audit.policies audit.routes_hubs audit.cost
MUTATION_JOBS ?= 1
# Every K-th mutant only (1: all of them, about 2,500 for the five modules).
MUTATION_SAMPLE ?= 1

# Held to the lock like every install of make: the packages the lock names get its versions.
$(MUTATION_VENV)/.installed: requirements-mutation.txt $(LOCK)
	$(PYTHON) -m venv $(MUTATION_VENV)
	$(MUTATION_VENV)/bin/$(PIP_LOCKED) -r requirements-mutation.txt
	touch $@

.PHONY: mutation mutation-venv
mutation-venv: $(MUTATION_VENV)/.installed

mutation: venv mutation-venv
	$(BIN)/python tests/utils/mutation.py --mutmut-venv $(MUTATION_VENV) --python $(BIN)/python \
		--workdir $(MUTATION_DIR) --jobs $(MUTATION_JOBS) --sample $(MUTATION_SAMPLE) $(MUTATION_MODULES)

# The vpc_endpoints role's Molecule scenario (extensions/molecule/vpc_endpoints): prepare seeds a
# private VPC in moto_server, converge runs the role, idempotence, verify reads AWS back, destroy.
# run_with_moto.py starts moto_server on 127.0.0.1 for it, always stops it, and returns Molecule's
# exit code (Molecule's summary can say "Successful" when idempotence failed).
.PHONY: test-molecule
MOLECULE_STAMP := $(VENV)/.installed-molecule

$(MOLECULE_STAMP): requirements-molecule.txt $(VENV)/.installed $(LOCK)
	$(BIN)/$(PIP_LOCKED) -r requirements-molecule.txt
	touch $@

test-molecule: venv link $(MOLECULE_STAMP)
	$(BIN)/python extensions/molecule/run_with_moto.py test -s vpc_endpoints

TEST_TARGETS += test-molecule

# make demo: the collection on an AWS Organization in a local AWS emulator (moto_server on 127.0.0.1,
# started and always stopped by demo/run_demo.py): the aws_vpcs inventory lists the fleet, deploy with
# data-perimeter policies (twice: the second changes nothing), an audit with no finding, then a broken
# network ACL found with its repair advice. Every command it prints is the exact command it runs.
#   make demo DEMO_INVENTORY=example    the small-fleet alternative: the hand-written inventories/example
# Each act (the organization or the small fleet, then centralized endpoints) starts on a fresh emulator
# and seeds the credentials it needs; a failed act is one line and exit code 1.
# make test-demo (in make test): both demos, the organization's then the example's, acts in make demo's
# order; fails when any act fails (about 60 s).
# make emulator: the same seeded emulator, left running in the background for trying the commands by hand
# (it prints the environment to export and the commands); make emulator-stop stops it.
#   make emulator EMULATOR_PORT=5000    a fixed port (default: a free one)
.PHONY: demo test-demo emulator emulator-stop
DEMO_INVENTORY ?= organization

demo: venv link
	$(BIN)/python demo/run_demo.py --inventory $(DEMO_INVENTORY)

# Both runs happen even when the first fails, so one CI log shows every failing act.
test-demo: venv link
	@status=0; for inventory in organization example; do \
	  $(BIN)/python demo/run_demo.py --inventory $$inventory || status=1; done; exit $$status

TEST_TARGETS += test-demo

emulator: venv link
	$(BIN)/python demo/emulator.py $(if $(EMULATOR_PORT),--port $(EMULATOR_PORT))

emulator-stop: venv
	$(BIN)/python demo/emulator.py --stop

# Reliability and security under faults, races, interruption and hostile input (docs/reliability.md).
# Its tests run in `make test` through test-unit (tests/unit/test_bad_input_table.py,
# test_plan_properties.py, test_retry_and_wait.py) and test-integration
# (tests/integration/reliability/, test_secrets_not_logged.py, test_iam_policy_sufficient.py),
# so this file adds no TEST_TARGETS entry (they would run twice). Here:
#   make test-reliability   just this suite
#   make fault-proxy FAULT_TARGET=http://127.0.0.1:5000 FAULT_ARGS="--throttle 0.3 --drop 0.1"
#                           the fault-injecting proxy in the foreground, in front of a moto_server
FAULT_TARGET ?= http://127.0.0.1:5000
FAULT_ARGS ?= --throttle 0.3 --seed 7
RELIABILITY_TESTS := tests/unit/test_bad_input_table.py tests/unit/test_plan_properties.py \
	tests/unit/test_retry_and_wait.py tests/integration/reliability \
	tests/integration/test_secrets_not_logged.py tests/integration/test_iam_policy_sufficient.py

.PHONY: test-reliability fault-proxy

test-reliability: venv link
	$(BIN)/python -m pytest -q $(RELIABILITY_TESTS)

fault-proxy: venv
	$(BIN)/python tests/support/fault_proxy.py --target $(FAULT_TARGET) $(FAULT_ARGS)

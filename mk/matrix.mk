# Compatibility matrix (docs/docsite/rst/compatibility.rst): every ansible-core minor the collection
# claims (2.17-2.21) x the lowest and the newest boto3/botocore requirements.txt allows, each in its
# own venv under .build/matrix/ on a Python that core supports (pyenv's or PATH's python3.X):
# ansible-test sanity (that core's rules), pytest tests/unit, and an integration smoke against one
# moto_server (tests/matrix/run_matrix.py, smoke.py). Every step has a timeout; the server is always stopped.
#   make test-matrix                      the whole matrix; rewrites the table in compatibility.rst
#   make test-matrix MATRIX_ARGS="--cores 2.17,2.21 --boto floor --suites units,smoke"
#   make test-matrix MATRIX_ARGS="--ref HEAD"    a git archive of a commit instead of the working tree
#   make test-matrix-slice                sanity + units on the oldest core (boto3 floor) and the newest
#                                         (newest boto3): the slice .ci/run runs after `make test`
# The matrix's venvs are not held to requirements-lock.txt: they install the ansible-core and boto3
# versions under test (boto3 1.34.0, other cores, each core's own dependencies) themselves.
MATRIX_ARGS ?=

.PHONY: test-matrix test-matrix-slice

test-matrix: venv link sanity-tools
	$(BIN)/python tests/matrix/run_matrix.py $(MATRIX_ARGS)

test-matrix-slice: venv link sanity-tools
	$(BIN)/python tests/matrix/run_matrix.py --slice --results .build/matrix/results-slice.json $(MATRIX_ARGS)

# `make test` keeps one combination (issue 15); .ci/run adds this slice after it. Measured on 2 cores, venv
# installs included: 4.8 min for 2.17 (load ~5) and 13 min for 2.21 (load ~10, other suites running beside it).

# Quality gates of the collection as a Galaxy / Automation Hub citizen (issue 6):
#   make sanity          ansible-test sanity, all 24 tests, on a Galaxy build of the collection
#   make units           ansible-test units over tests/unit, on the same kind of build
#   make lint            ansible-lint, production profile: roles, playbooks, Molecule scenarios
#   make docs-lint       antsibull-docs lint-collection-docs, and ansible-doc renders every module and role
#   make changelog-lint  antsibull-changelog lint (the fragments) and lint-changelog-yaml (the releases)
# The ecosystem integration tests (tests/integration/ecosystem: Galaxy tarball, ansible-builder,
# ansible-runner, action group, --limit halves) run in test-integration; `make test-ecosystem`
# runs them alone. Tools come from requirements-quality.txt, installed into .venv once (stamp file).

QUALITY_STAMP := $(VENV)/.installed-quality
# ansible-test runs on the venv's interpreter, found on PATH (the Makefile puts .venv/bin first).
ANSIBLE_TEST_PYTHON := 3.11

$(QUALITY_STAMP): $(VENV)/.installed requirements-quality.txt
	$(BIN)/pip install --quiet -r requirements-quality.txt
	touch $@

.PHONY: quality-venv sanity units lint docs-lint changelog-lint changelog-release test-ecosystem
quality-venv: $(QUALITY_STAMP)

# The ecosystem tests live under tests/integration and import ansible_runner.
test-integration: $(QUALITY_STAMP)

sanity: $(QUALITY_STAMP) sanity-tools
	tests/utils/run-ansible-test.sh sanity --python $(ANSIBLE_TEST_PYTHON) --color no

# ansible-test's shellcheck test needs the shellcheck program (a Debian package); without it that
# test only warns. Installed when missing, where this is root with apt-get (CI, a fresh machine).
.PHONY: sanity-tools
sanity-tools:
	@command -v shellcheck >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null 2>&1 || \
	    { apt-get update -qq >/dev/null 2>&1 && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null 2>&1; }; }; } || \
	  echo "WARNING: shellcheck is not installed: ansible-test's shellcheck test will only warn"

units: $(QUALITY_STAMP)
	tests/utils/run-ansible-test.sh units --python $(ANSIBLE_TEST_PYTHON) --color no

# Whatever of these exists when lint runs is linted; nothing is listed file by file.
LINT_PATHS = $(wildcard roles playbooks extensions/molecule)

lint: $(QUALITY_STAMP) link
	$(BIN)/ansible-lint --nocolor $(LINT_PATHS)

docs-lint: $(QUALITY_STAMP) link
	$(BIN)/antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all \
	  --disallow-unknown-collection-refs $(COLLECTION_LINK)
	$(BIN)/python tests/utils/render_docs.py

changelog-lint: $(QUALITY_STAMP)
	$(BIN)/antsibull-changelog lint
	$(BIN)/antsibull-changelog lint-changelog-yaml --strict changelogs/changelog.yaml

# Not a test: folds fragments added since into the 0.1.0 release entry and CHANGELOG.rst.
changelog-release: $(QUALITY_STAMP) link
	$(BIN)/antsibull-changelog release --version 0.1.0 --update-existing --reload-plugins

test-ecosystem: $(QUALITY_STAMP) link
	$(BIN)/python -m pytest -q tests/integration/ecosystem

TEST_TARGETS += changelog-lint docs-lint lint units sanity

# AWX / Automation Platform execution environment build context (no container engine needed):
# .build/ee/context holds the Containerfile and _build/; build it with podman or docker.
.PHONY: ee-context
ee-context: $(QUALITY_STAMP)
	rm -rf .build/ee && mkdir -p .build/ee/dist
	$(BIN)/ansible-galaxy collection build --force --output-path .build/ee/dist .
	mv .build/ee/dist/privatelink-ecr-*.tar.gz .build/ee/dist/privatelink-ecr.tar.gz
	$(BIN)/ansible-builder create -f execution-environment.yml -c .build/ee/context --output-filename Containerfile

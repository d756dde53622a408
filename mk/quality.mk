# Quality gates of the collection as a Galaxy / Automation Hub citizen (issue 6):
#   make sanity          ansible-test sanity, all 24 tests, on a Galaxy build of the collection
#   make units           ansible-test units over tests/unit, on the same kind of build
#   make lint            ansible-lint, production profile: roles, playbooks, Molecule scenarios
#   make docs-lint       antsibull-docs lint-collection-docs (plugins, role, the guides in docs/docsite), ansible-doc
#                        renders every module and role, then docs-render: the docsite built once into .build/docsite
#   make changelog-lint  antsibull-changelog lint (the fragments) and lint-changelog-yaml (the releases)
# The ecosystem integration tests (tests/integration/ecosystem: Galaxy tarball, ansible-builder,
# ansible-runner, action group, --limit halves) run in test-integration; `make test-ecosystem`
# runs them alone. Tools come from requirements-quality.txt, installed into .venv once (stamp file).

QUALITY_STAMP := $(VENV)/.installed-quality
# ansible-test runs on the venv's interpreter, found on PATH (the Makefile puts .venv/bin first).
ANSIBLE_TEST_PYTHON := 3.11

$(QUALITY_STAMP): $(VENV)/.installed requirements-quality.txt $(LOCK)
	$(BIN)/$(PIP_LOCKED) -r requirements-quality.txt
	touch $@

.PHONY: quality-venv sanity units lint docs-lint docs-render changelog-lint changelog-release test-ecosystem
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

# lint-collection-docs checks docs/docsite (extra-docs.yml, links.yml, every guide through rstcheck)
# always; --check-extra-docs-refs also validates the guides' references to plugins and roles.
docs-lint: $(QUALITY_STAMP) link
	$(BIN)/antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs \
	  --validate-collection-refs all --disallow-unknown-collection-refs $(COLLECTION_LINK)
	$(BIN)/python tests/utils/render_docs.py
	$(MAKE) --no-print-directory docs-render

# The collection's docsite as Galaxy / Automation Hub and docs.ansible.com build it, offline: antsibull-docs
# writes the plugin pages, the role and the guides of docs/docsite as RST, Sphinx renders them
# (alabaster theme, which ships with Sphinx) into .build/docsite/html. Fails on a plugin or guide that
# does not render.
DOCSITE := .build/docsite
docs-render: $(QUALITY_STAMP) link
	rm -rf $(DOCSITE) && mkdir -p $(DOCSITE)/rst
	$(BIN)/antsibull-docs collection --use-current --squash-hierarchy --fail-on-error \
	  --dest-dir $(DOCSITE)/rst privatelink.ecr
	printf '%s\n' "project = 'privatelink.ecr'" "extensions = ['sphinx_antsibull_ext']" \
	  "html_theme = 'alabaster'" "root_doc = 'index'" > $(DOCSITE)/rst/conf.py
	$(BIN)/sphinx-build --no-color -q -b html $(DOCSITE)/rst $(DOCSITE)/html 2> $(DOCSITE)/sphinx-warnings.log
	@# Offline, labels of docs.ansible.com (common_return_values, ...) cannot resolve; any other warning,
	@# or an unresolved label of this collection, fails.
	@if grep -v -E "WARNING: undefined label: '[a-z_]+' \[ref\.ref\]$$" $(DOCSITE)/sphinx-warnings.log | grep .; then \
	  echo "docs-render: Sphinx warned (above)"; exit 1; fi
	@for guide in $$(sed -n 's/^ *- \([a-z_]*\)$$/\1/p' docs/docsite/extra-docs.yml); do \
	  test -s $(DOCSITE)/html/docsite/$$guide.html || { echo "docs-render: guide $$guide was not rendered"; exit 1; }; \
	done
	@echo "docs-render: $(DOCSITE)/html/index.html"

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

# Posture audit (privatelink.ecr.ecr_private_endpoints_info and the privatelink.ecr.audit playbook).
# Its unit tests (tests/unit/test_audit_checks.py, test_render_posture.py) and integration tests
# (tests/integration/test_audit*.py) run in test-unit / test-integration. Here:
#   make test-audit-browser   posture.html in headless Chromium (Debian's `chromium`, installed when
#                             missing); the screenshot stays in tests/output/posture.png
#   make posture-render POSTURE_DIR=posture-report
#                             re-render posture.json/.md/.html from POSTURE_DIR/targets/*.json
POSTURE_DIR ?= posture-report
# apt-get needs root; CI runs as root, a developer's shell may need sudo.
AUDIT_SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: chromium test-audit-browser posture-render

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  $(AUDIT_SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(AUDIT_SUDO) apt-get install -y -qq chromium >/dev/null; }
	@command -v chromium >/dev/null 2>&1

test-audit-browser: venv link chromium
	$(BIN)/python -m pytest -q tests/browser

posture-render:
	$(PYTHON) playbooks/files/render_posture.py $(POSTURE_DIR)

TEST_TARGETS += test-audit-browser

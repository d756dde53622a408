#!/usr/bin/env bash
# Run ansible-test (sanity, units) against a Galaxy build of the collection, as users get it.
#
# ansible-test needs the collection under .../ansible_collections/privatelink/ecr, and outside
# this git checkout: inside it, ansible-test lists files through git, which ignores .build/,
# and would find nothing to test. So: build the tarball, install it into a temporary
# collections path, run ansible-test there, delete it. Usage (make puts .venv/bin first on PATH):
#   tests/utils/run-ansible-test.sh sanity --python 3.11
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/privatelink-ecr-ansible-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# ansible-test bootstraps pip in each test's virtualenv with a script it downloads from a host
# this network cannot reach; put the offline stand-in where it looks first. The file name
# follows the pip version that this ansible-core's ansible-test pins.
pip_version="$(python - <<'PY'
import os, re, ansible_test
source = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")
print(re.search(r"pip='([0-9.]+)'", open(source).read()).group(1))
PY
)"
cache="$HOME/.ansible/test/cache"
mkdir -p "$cache"
cp "$root/tests/utils/get_pip_offline.py" "$cache/get_pip_${pip_version//./_}.py"

ansible-galaxy collection build --force --output-path "$work" "$root" >/dev/null
ansible-galaxy collection install --offline --force -p "$work/collections" \
  "$work"/privatelink-ecr-*.tar.gz >/dev/null 2>&1
cd "$work/collections/ansible_collections/privatelink/ecr"
# ansible-test sets up its own collection path; the Makefile's would point back at the checkout.
unset ANSIBLE_COLLECTIONS_PATH ANSIBLE_COLLECTIONS_SCAN_SYS_PATH
ansible-test "$@"

"""Headless Chromium (Debian's `chromium`) for tests: dump a page's rendered DOM, take a screenshot.

`make test-audit-browser` installs the package when it is missing. The flags keep Chromium off
the network (this machine's network is closed; Chromium would otherwise try Google's hosts).
"""

import os
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         "--disable-extensions", "--hide-scrollbars")


def binary():
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def run(url, *extra, timeout=120):
    """Run Chromium once on ``url`` with a fresh profile; return its stdout."""
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        cmd = [binary()] + list(FLAGS) + ["--user-data-dir=" + profile] + list(extra) + [url]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise RuntimeError("chromium exited with %s: %s" % (proc.returncode, proc.stderr[-2000:]))
    return proc.stdout


def dump_dom(url):
    return run(url, "--dump-dom")


def screenshot(url, path, width=1400, height=1600):
    run(url, "--screenshot=%s" % path, "--window-size=%d,%d" % (width, height))
    return path


class Dom(HTMLParser):
    """The parts of a rendered report a test asserts on: body attributes, tables' rows, ids' text."""

    def __init__(self, text):
        super().__init__()
        self.body = {}
        self.tables = {}          # table id -> {"attrs": {...}, "headers": [attrs], "rows": [attrs]}
        self.text_of_id = {}
        self._table = None
        self._section = None
        self._id_stack = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self.body = attrs
        elif tag == "table":
            self._table = attrs.get("id")
            self.tables[self._table] = {"attrs": attrs, "headers": [], "rows": []}
        elif tag in ("thead", "tbody"):
            self._section = tag
        elif tag == "tr" and self._table and self._section == "tbody":
            self.tables[self._table]["rows"].append(attrs)
        elif tag == "th" and self._table:
            self.tables[self._table]["headers"].append(attrs)
        if tag in ("span", "div", "p", "h2"):
            # Every such element is pushed (id or None) so that end tags pop the right one.
            self._id_stack.append(attrs.get("id"))
            if attrs.get("id"):
                self.text_of_id[attrs["id"]] = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag in ("span", "div", "p", "h2") and self._id_stack:
            self._id_stack.pop()

    def handle_data(self, data):
        for element_id in self._id_stack:
            if element_id:
                self.text_of_id[element_id] += data

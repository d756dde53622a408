"""bench/memory.py samples a real process tree: a child that holds memory is seen, and its parent apart."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import memory  # noqa: E402  pylint: disable=wrong-import-position

# A parent holding ~8 MiB whose child holds ~64 MiB for half a second (bounded: both exit by themselves).
HOLDER = (
    "import subprocess, sys, time\n"
    "kept = bytearray(8 << 20)\n"
    "child = subprocess.Popen([sys.executable, '-c', 'import time; b = bytearray(64 << 20); time.sleep(0.6)'])\n"
    "child.wait(timeout=30)\n"
)


def test_peaks_of_the_main_process_and_of_the_tree():
    with subprocess.Popen([sys.executable, "-c", HOLDER]) as proc:
        with memory.PeakMemory(proc.pid, interval=0.05) as peak:
            proc.wait(timeout=30)
    found = peak.result()

    # The child's 64 MiB count in the tree, not in the main process's high-water mark.
    assert found["tree_pss_mb"] >= 64
    assert 8 <= found["main_rss_mb"] < 64


def test_a_finished_process_reads_as_nothing():
    with subprocess.Popen([sys.executable, "-c", "pass"]) as proc:
        proc.wait(timeout=30)
    assert memory.tree_pss_kib(proc.pid) == 0 and memory.high_water_kib(proc.pid) == 0

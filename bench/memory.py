"""Peak memory of a running process tree, sampled from /proc (Linux): the controller's, for `make bench`.

Two numbers per run:

- ``main_rss_mb``: the peak resident set of the ``ansible-playbook`` process itself (``VmHWM``, the kernel's
  own high-water mark, read at each sample). It holds the inventory, the host variables and every task
  result; it is the one that would grow with the number of hosts if anything were kept per host.
- ``tree_pss_mb``: the peak, over the samples, of the proportional set size summed over the process and
  every process under it (workers, module interpreters). PSS divides a page shared by N processes by N,
  so the forked workers' copy-on-write pages (botocore and its models, imported once before the fork on the
  in-process path) count once, not once per worker as a sum of RSS would.

Sampling misses what lives shorter than the interval; the interval is a tenth of a second, shorter
than any worker of a play with AWS requests in it.
"""

import os
import threading

INTERVAL = 0.1


def _children(pid):
    """Direct children of ``pid`` (/proc/PID/task/*/children: every thread's children)."""
    found = []
    try:
        threads = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return found
    for tid in threads:
        try:
            with open("/proc/%d/task/%s/children" % (pid, tid)) as handle:
                found.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError):
            continue
    return found


def tree(pid):
    """``pid`` and every process under it, at this moment."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(_children(current))
    return found


def _kib(path, field):
    """A ``Field:  N kB`` value of a /proc status-like file, in KiB (0 when the process is gone)."""
    try:
        with open(path) as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def high_water_kib(pid):
    return _kib("/proc/%d/status" % pid, "VmHWM")


def tree_pss_kib(pid):
    return sum(_kib("/proc/%d/smaps_rollup" % member, "Pss") for member in tree(pid))


class PeakMemory:
    """Samples a process tree in a thread until ``stop()``; ``result()`` gives the peaks in MiB."""

    def __init__(self, pid, interval=INTERVAL):
        self.pid = pid
        self.interval = interval
        self.main_kib = 0
        self.tree_kib = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def sample(self):
        self.main_kib = max(self.main_kib, high_water_kib(self.pid))
        self.tree_kib = max(self.tree_kib, tree_pss_kib(self.pid))

    def _run(self):
        while not self._done.is_set():
            self.sample()
            self._done.wait(self.interval)

    def stop(self):
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()

    def result(self):
        return {"main_rss_mb": self.main_kib / 1024.0, "tree_pss_mb": self.tree_kib / 1024.0}

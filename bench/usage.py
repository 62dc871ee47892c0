"""A benchmark child's own peak memory, imported by the children's scripts."""

from __future__ import annotations

import resource


def peak_kb() -> int:
    """The process's peak resident memory in KB: on Linux its high-water mark since it
    began the program it runs (``VmHWM``). ``ru_maxrss`` would not do there: Linux
    carries it over ``exec`` from the process that spawned the child, so every child
    would report at least the benchmark's own peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

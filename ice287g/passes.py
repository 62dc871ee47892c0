"""What one live pass does and what it did: its options (for ``run`` and ``schedule``)
and its result (what ``run`` prints and exits with, and the scheduler logs). Apart
from the pass itself (``ice287g/live.py``), so the scheduler and the CLI read them
without the fetcher."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

CRASH_ENV = "ICE287G_TEST_CRASH_AFTER"
"""Test hook: the name of a step after which the pass kills itself (``os._exit``)."""
CRASH_STEPS = ("page", "sheet", "lists", "diff", "process", "moa", "moas", "publish")


@dataclass(frozen=True)
class PassOptions:
    """What one pass does: ``moas`` False skips the MOA PDFs; ``crash_after`` is the
    test hook (a step of :data:`CRASH_STEPS`)."""

    moas: bool = True
    crash_after: str | None = None
    # whether the pass is asked to stop (the scheduler's SIGTERM): the MOA downloads,
    # which may take half an hour on a first pass, stop between two files
    stopping: Callable[[], bool] = field(default=lambda: False)


@dataclass
class PassResult:
    """What one pass did and what went wrong (failures are one line each)."""

    failures: list[str] = field(default_factory=list)
    rejections: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    recorded: int = 0
    accepted: int = 0
    moas_checked: int = 0

    @property
    def exit_code(self) -> int:
        """0 completed, 1 some fetch failed, 3 a snapshot was rejected (and none failed)."""
        if self.failures:
            return 1
        return 3 if self.rejections else 0

"""``ice287g schedule``: the live pass on a cron schedule, as a long-running service.

APScheduler's BlockingScheduler fires one job: never two at once (``max_instances=1``),
missed firings coalesced into one, late firings run within ``misfire_grace_time``.
Each firing builds its own :class:`~ice287g.app.App` and runs the same pass as
``ice287g run`` under the same lock. A failed pass is logged and the schedule goes on.
SIGTERM or SIGINT stops the scheduler; a pass in progress finishes first.
"""

from __future__ import annotations

import contextlib
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import FrameType
from typing import Any

from apscheduler.events import EVENT_JOB_MAX_INSTANCES
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import SQLAlchemyError

from common.errors import ConfigError, Ice287gError
from ice287g.config import Config
from ice287g.failures import INTERNAL_ERROR_EXIT, failure_exit, failure_text
from ice287g.lock import LockHeld
from ice287g.passes import PassResult

log = logging.getLogger("ice287g.schedule")

CRON_MISFIRE_GRACE = 3600
"""Seconds a cron firing may start late (machine asleep, pass overran) and still run."""

PassJob = Callable[[], PassResult]
Reporter = Callable[[PassResult], None]


@dataclass(frozen=True)
class ScheduleOptions:
    """``every`` seconds (an interval, first pass at once) instead of the config's cron;
    stop by itself after ``max_runs`` firings when given."""

    every: float | None = None
    max_runs: int | None = None


def make_trigger(config: Config, every: float | None) -> BaseTrigger:
    """The interval trigger for ``--every``, else the cron line of ``schedule.cron``."""
    timezone = config.schedule.timezone
    try:
        if every is not None:
            return IntervalTrigger(seconds=every, timezone=timezone)
        return CronTrigger.from_crontab(config.schedule.cron, timezone=timezone)
    except (ValueError, LookupError) as exc:
        raise ConfigError(
            f"schedule.cron {config.schedule.cron!r} in timezone {timezone!r} is not usable: {exc}"
        ) from exc


class PassScheduler:
    """Runs ``job`` on a trigger until stopped by a signal or ``max_runs``."""

    def __init__(
        self, config: Config, options: ScheduleOptions, job: PassJob, report: Reporter
    ) -> None:
        self.config, self.options, self.job, self.report = config, options, job, report
        self.runs = 0
        self.last_code = 0  # the exit code of the last firing (a bounded schedule's)
        self.stopping = False
        self.overrun_said = False  # this pass's later firings skipped, said once
        self.scheduler: BlockingScheduler | None = None

    def start(self) -> int:
        """Block until stopped; return the exit code: 0 when stopped by a signal; after
        ``max_runs`` firings, the last firing's, as ``run`` exits (0 done, 1 failed, 3
        a list rejected, 75 skipped for another pass's lock, 70 crashed): a bounded
        schedule is a step of a script, which must know whether it ended well."""
        every = self.options.every
        trigger = make_trigger(self.config, every)
        self.scheduler = BlockingScheduler(
            timezone=self.config.schedule.timezone,
            executors={"default": ThreadPoolExecutor(max_workers=1)},
        )
        self.scheduler.add_job(
            self.fire,
            trigger,
            id="live-pass",
            name="ice287g live pass",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=CRON_MISFIRE_GRACE if every is None else max(1, int(every)),
            **({"next_run_time": datetime.now().astimezone()} if every is not None else {}),
        )
        # a firing while the pass still runs is skipped: said once a pass, in our words
        # (APScheduler's own warning, every firing, was a line a second with --every 1)
        logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
        self.scheduler.add_listener(self._overrun, EVENT_JOB_MAX_INSTANCES)
        previous = self._install_signals()
        try:
            log.info("schedule started (%s)", self._describe())
            if not self.stopping:  # a signal may come before the loop starts
                self.scheduler.start()
        finally:
            self._restore_signals(previous)
        log.info("schedule stopped after %d pass(es)", self.runs)
        bounded = self.options.max_runs is not None and self.runs >= self.options.max_runs
        return self.last_code if bounded else 0

    def _describe(self) -> str:
        if self.options.every is not None:
            return f"every {self.options.every:g} s"
        return f"cron {self.config.schedule.cron!r}, {self.config.schedule.timezone}"

    def _overrun(self, _event: object) -> None:
        if not self.overrun_said:
            self.overrun_said = True
            log.warning("firing skipped: the pass before it is still running")

    def fire(self) -> None:
        """One firing: the pass, its report; any failure is logged, never raised."""
        self.overrun_said = False
        try:
            result = self.job()
            self.report(result)
            self.last_code = result.exit_code
        except LockHeld as exc:
            log.warning("pass skipped: %s", exc)
            self.last_code = exc.exit_code
        except Ice287gError as exc:
            log.error("pass failed: %s", exc)
            self.last_code = exc.exit_code
        except (OSError, SQLAlchemyError) as exc:  # a full disk, a locked database
            log.error("pass failed: %s", failure_text(exc))
            self.last_code = failure_exit(exc)
        except Exception:
            log.exception("pass crashed")
            self.last_code = INTERNAL_ERROR_EXIT
        finally:
            self.runs += 1
            if self.options.max_runs is not None and self.runs >= self.options.max_runs:
                self.stop()

    def stop(self, *_args: Any) -> None:
        """Stop the scheduler (safe from a signal handler or from the job itself)."""
        self.stopping = True
        if self.scheduler is None:
            return
        with contextlib.suppress(SchedulerNotRunningError):
            self.scheduler.shutdown(wait=False)

    def _install_signals(self) -> dict[int, Any]:
        previous: dict[int, Any] = {}
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, self._on_signal)
        return previous

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        log.info("%s received, stopping", signal.Signals(signum).name)
        self.stop()

    @staticmethod
    def _restore_signals(previous: dict[int, Any]) -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

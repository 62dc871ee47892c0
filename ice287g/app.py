"""The one place that builds things: config, database engine, archive, pipeline.

Commands receive an :class:`App` and ask it for what they need; nothing is built at
import time and nothing is global.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine

from diffs.gate import Rules
from diffs.identity import load_aliases
from ice287g.config import Config
from ice287g.errors import ConfigError
from ice287g.pipeline import Pipeline
from parsers.records import ParsedListing
from snapshots.archive import Archive, utc_iso
from store.db import open_engine


@dataclass
class App:
    """Lazily built collaborators of one CLI invocation."""

    config: Config
    _engine: Engine | None = field(default=None, repr=False)
    _archive: Archive | None = field(default=None, repr=False)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = open_engine(self.config.db)
        return self._engine

    @property
    def archive(self) -> Archive:
        if self._archive is None:
            self._archive = Archive(self.config.snapshots)
        return self._archive

    def rules(self) -> Rules:
        d = self.config.diff
        return Rules(
            withdraw_after_snapshots=d.withdraw_after_snapshots,
            withdraw_after_days=d.withdraw_after_days,
            max_row_loss_share=d.max_row_loss_share, min_row_loss=d.min_row_loss,
            loss_confirm_hours=d.loss_confirm_hours, min_rows=d.min_rows,
            rename_similarity=d.rename_similarity,
        )

    def pipeline(self, parsed: dict[str, Any] | None = None) -> Pipeline:
        cache: dict[str, Any] = parsed if parsed is not None else {}
        return Pipeline(self.engine, self.archive, self.rules(), load_aliases(), cache)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def end_of_day(text: str | None) -> str | None:
    """``2025-04-04`` -> ``2025-04-04T23:59:59Z`` (the end of that UTC day)."""
    if text is None:
        return None
    day = parse_day(text)
    return utc_iso(datetime.combine(day, time(23, 59, 59), tzinfo=UTC))


def start_of_day(text: str | None) -> str | None:
    if text is None:
        return None
    return utc_iso(datetime.combine(parse_day(text), time(0, 0, 0), tzinfo=UTC))


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError as exc:
        raise ConfigError(f"{text!r} is not a date (expected YYYY-MM-DD)") from exc


def parse_moment(text: str) -> datetime:
    """A date-time flag: ISO 8601, naive means UTC; a bare date means its noon UTC."""
    try:
        if len(text.strip()) == 10:
            return datetime.combine(date.fromisoformat(text.strip()), time(12), tzinfo=UTC)
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ConfigError(f"{text!r} is not a date-time (expected e.g. 2025-04-04T23:10:38Z)"
                          ) from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def today_end() -> str:
    return utc_iso(datetime.now(UTC) + timedelta(seconds=1))


ParsedCache = dict[str, ParsedListing]

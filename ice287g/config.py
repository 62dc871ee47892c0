"""Configuration: defaults in code, then config.toml, then environment, then flags.

Every value is validated at load; a bad value raises :class:`ConfigError` naming the
setting, what was found and what is expected.
"""

from __future__ import annotations

import difflib
import math
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from common.errors import ConfigError
from diffs.gate import Rules

ENV_PREFIX = "ICE287G_"
DEFAULT_CONFIG_NAME = "config.toml"
DEFAULT_LOCK = Path("ice287g.lock")


# The diff engine's rules are their own settings section: one definition, in diffs/.
DiffSettings = Rules


@dataclass(frozen=True)
class SourceSettings:
    """Where ICE publishes, and how we introduce ourselves."""

    base_url: str = "https://www.ice.gov"
    page_path: str = "/identify-and-arrest/287g"
    contact: str = "ice287g-maintainers@example.org"
    allowed_hosts: tuple[str, ...] = ("www.ice.gov", "ice.gov", "web.archive.org")


@dataclass(frozen=True)
class FetchSettings:
    """Politeness and safety limits for HTTP."""

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    max_retries: int = 4
    backoff_base: float = 2.0
    backoff_max: float = 120.0
    retry_after_max: float = 600.0
    per_host_interval: float = 2.0
    max_page_bytes: int = 5_000_000
    max_sheet_bytes: int = 20_000_000
    max_pdf_bytes: int = 50_000_000
    moa_recheck_hours: float = 168.0
    # the page and the sheets are fetched whole, not conditionally, once their last whole
    # download is this old: a server's validators are trusted for a bounded time
    revalidate_hours: float = 24.0
    # one download's transfer (every attempt; not the waits between them) ends after
    # this many seconds, however slow the drip
    download_deadline: float = 300.0
    # a whole pass of `run` stops cleanly (and says so) after this many seconds
    pass_deadline: float = 3600.0


@dataclass(frozen=True)
class DatabaseSettings:
    """How long to wait for the database (seconds): to connect (and, on SQLite, for a
    lock), and for one statement (PostgreSQL; 0 for no limit)."""

    connect_timeout: float = 10.0
    statement_timeout: float = 600.0


@dataclass(frozen=True)
class ScheduleSettings:
    """The long-running service's cadence."""

    cron: str = "17 */4 * * *"
    timezone: str = "UTC"


@dataclass(frozen=True)
class WaybackSettings:
    """The Internet Archive endpoints and politeness."""

    cdx_url: str = "https://web.archive.org/cdx/search/cdx"
    archive_url: str = "https://web.archive.org/web"
    cdx_per_minute: float = 20.0
    backoff_429: float = 120.0
    # Page captures kept a day (UTC) by ``backfill wayback``; every sheet capture is
    # kept. 0 keeps every page capture.
    page_captures_per_day: int = 1

    @property
    def cdx_min_interval(self) -> float:
        return 60.0 / self.cdx_per_minute


@dataclass(frozen=True)
class MoaSettings:
    """Reading MOA PDFs: OCR for pages without a text layer.

    ``ocr`` is ``auto`` (use Tesseract when installed), ``off``, or ``required`` (fail
    when Tesseract cannot be run). ``reviewed`` is the file of values read by a person
    (empty: the repository's ``diffs/moa_reviewed.toml``)."""

    ocr: str = "auto"
    tesseract: str = "tesseract"
    ocr_dpi: int = 300
    reviewed: str = ""


@dataclass(frozen=True)
class PublishSettings:
    """Where ``publish`` writes the site; when set, ``run`` and ``schedule`` republish
    after a pass that recorded something. Empty: no automatic publication."""

    dir: str = ""


@dataclass(frozen=True)
class Config:
    """The whole configuration. Build it with :func:`load_config`."""

    db: str = "sqlite:///ice287g.db"
    snapshots: Path = Path("snapshots/archive")
    lock_file: Path = DEFAULT_LOCK
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    diff: DiffSettings = field(default_factory=DiffSettings)
    source: SourceSettings = field(default_factory=SourceSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    wayback: WaybackSettings = field(default_factory=WaybackSettings)
    moa: MoaSettings = field(default_factory=MoaSettings)
    publish: PublishSettings = field(default_factory=PublishSettings)
    config_path: Path | None = None

    @property
    def page_url(self) -> str:
        return self.source.base_url.rstrip("/") + self.source.page_path


_SECTIONS = {
    "diff": DiffSettings,
    "source": SourceSettings,
    "fetch": FetchSettings,
    "schedule": ScheduleSettings,
    "wayback": WaybackSettings,
    "moa": MoaSettings,
    "publish": PublishSettings,
    "database": DatabaseSettings,
}
# the file's tables of top-level settings (flags of their own), as the environment names them
_TOP_TABLES = {
    "archive": {"path": "snapshots", "lock_file": "lock_file"},
    "database": {"url": "db"},
}
_TOP = {"db": "database.url", "snapshots": "archive.path", "lock_file": "archive.lock_file"}


def find_config(explicit: str | None, cwd: Path) -> Path | None:
    """The config file to read: the flag, else $ICE287G_CONFIG, else ./config.toml."""
    chosen = explicit or os.environ.get(ENV_PREFIX + "CONFIG")
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise ConfigError(f"config file {path} does not exist (from --config/ICE287G_CONFIG)")
        return path
    default = cwd / DEFAULT_CONFIG_NAME
    return default if default.is_file() else None


def load_config(
    explicit: str | None = None,
    overrides: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Config:
    """Build the Config: defaults, then the TOML file, then environment, then flags."""
    cwd = cwd or Path.cwd()
    env = dict(os.environ) if env is None else env
    path = find_config(explicit, cwd)
    config = Config(config_path=path)
    if path is not None:
        config = _apply_toml(config, _read_toml(path), path.parent)
    config = _apply_env(config, env, cwd)
    for key, value in (overrides or {}).items():
        if value is not None:
            config = _set_top(config, key, value, cwd)
    return _validate(_default_lock(config))


def _default_lock(config: Config) -> Config:
    """The run lock guards the archive: unless ``archive.lock_file`` is set, it is
    ``ice287g.lock`` beside the archive folder (one archive, one lock)."""
    if config.lock_file != DEFAULT_LOCK:
        return config
    return replace(config, lock_file=config.snapshots.parent / DEFAULT_LOCK.name)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))  # a BOM (Notepad) read past
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc


def _apply_toml(config: Config, data: dict[str, Any], base: Path) -> Config:
    known = set(_SECTIONS) | {"archive"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(
            f"unknown section(s) in config: {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    for section, table in data.items():
        if not isinstance(table, dict):  # ``archive = "..."``: a value, not a table
            raise ConfigError(f"[{section}] must be a table of settings, got {table!r}")
    database = data.get("database", {})
    data = {**data, "database": {k: v for k, v in database.items() if k != "url"}}
    for section, cls in _SECTIONS.items():
        if section in data:
            current = getattr(config, section)
            config = replace(config, **{section: _merge(cls, current, data[section], section)})
    config = _relative_paths(config, base)
    url = {"url": database["url"]} if "url" in database else {}
    config = _apply_top_table(config, url, {"url": "db"}, base, "database")
    return _apply_top_table(
        config, data.get("archive", {}), _TOP_TABLES["archive"], base, "archive"
    )


def _relative_paths(config: Config, base: Path) -> Config:
    """A relative ``publish.dir`` or ``moa.reviewed`` in the file is relative to the
    file's folder (as the database's and the archive's are), wherever the command runs."""
    publish, moa = config.publish, config.moa
    publish = replace(publish, dir=_in_folder(publish.dir, base))
    return replace(
        config, publish=publish, moa=replace(moa, reviewed=_in_folder(moa.reviewed, base))
    )


def _in_folder(path: str, base: Path) -> str:
    if not path or Path(path).expanduser().is_absolute():
        return path
    return str(base / path)


def _apply_top_table(
    config: Config, table: dict[str, Any], mapping: dict[str, str], base: Path, name: str
) -> Config:
    for key, value in table.items():
        if key not in mapping:
            raise ConfigError(f"unknown setting {name}.{key}; known: {', '.join(mapping)}")
        if not isinstance(value, str):  # a path or a URL; a list would name a folder
            raise ConfigError(f"{name}.{key} must be a text, got {value!r}")
        config = _set_top(config, mapping[key], value, base)
    return config


def _set_top(config: Config, key: str, value: Any, base: Path) -> Config:
    if key == "db":
        return replace(config, db=_sqlite_relative(str(value), base))
    if key in ("snapshots", "lock_file"):
        path = Path(str(value)).expanduser()
        path = path if path.is_absolute() else base / path
        return (
            replace(config, snapshots=path)
            if key == "snapshots"
            else replace(config, lock_file=path)
        )
    if key == "base_url":
        return replace(config, source=replace(config.source, base_url=str(value).rstrip("/")))
    raise ConfigError(f"unknown override {key}")


def _sqlite_relative(url: str, base: Path) -> str:
    """Resolve a relative SQLite file against the config file's folder."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        rest = url[len(prefix) :]
        if rest and rest != ":memory:":
            return prefix + str((base / rest).resolve())
    return url


def _merge(cls: type, current: Any, table: Any, section: str) -> Any:
    if not isinstance(table, dict):
        raise ConfigError(f"[{section}] must be a table of settings")
    names = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in names:
            raise ConfigError(f"unknown setting {section}.{key}; known: {', '.join(names)}")
        values[key] = _coerce(getattr(current, key), value, f"{section}.{key}")
    return replace(current, **values)


def _coerce(default: Any, value: Any, name: str) -> Any:
    """Convert a TOML or environment value to the type of the default, or explain.

    A number is taken only as what it is: ``true`` is not 1, ``2.7`` is not the whole
    number 2, and ``inf`` or ``nan`` is no number of seconds."""
    try:
        if isinstance(default, bool):
            return _flag(value)
        if isinstance(default, int | float):
            return _number(default, value, name)
        if isinstance(default, tuple):
            items = value.split(",") if isinstance(value, str) else list(value)
            return tuple(str(i).strip() for i in items if str(i).strip())
        if isinstance(default, str) and not isinstance(value, str):
            raise TypeError(value)  # ``dir = true`` published into ./True
        return str(value)
    except (TypeError, ValueError) as exc:
        kind = _KINDS.get(type(default), type(default).__name__)
        raise ConfigError(f"{name} must be {kind}, got {value!r}") from exc


_KINDS = {bool: "true or false", int: "a whole number", float: "a number", str: "a text"}
_KINDS[tuple] = "a list"
_FLAGS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


def _flag(value: Any) -> bool:
    """A TOML boolean, or an environment variable's ``1``/``true``/``yes`` or
    ``0``/``false``/``no``; anything else is no answer (``7`` was read as false)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _FLAGS:
        return _FLAGS[value.strip().lower()]
    raise ValueError(value)


def _number(default: int | float, value: Any, name: str) -> int | float:
    if isinstance(value, bool):
        raise ValueError(value)
    number = float(value.strip()) if isinstance(value, str) else float(value)
    if not math.isfinite(number):
        raise ConfigError(f"{name} must be a finite number, got {value!r}")
    if isinstance(default, int):
        if not number.is_integer():
            raise ConfigError(f"{name} must be a whole number, got {value!r}")
        return int(number)
    return number


ENV_NAMES = frozenset({"CONFIG", "DB", "SNAPSHOTS", "BASE_URL", "DEBUG", "TEST_CRASH_AFTER"})
"""The variables of ENV_PREFIX that are no ``SECTION__KEY`` setting; names beginning
``ICE287G_TEST_`` or ``ICE287G_REQUIRE_`` are the test suite's (``tests/conftest.py``)."""


def _check_env_names(env: dict[str, str]) -> None:
    """A variable of ours naming nothing we read is refused, as a key in the file is
    (``ICE287G_SNAPSHOT=/srv/archive`` was ignored: a new empty archive in the working
    folder, the history's evidence elsewhere)."""
    for name in sorted(env):
        rest = name[len(ENV_PREFIX) :]
        if not name.startswith(ENV_PREFIX) or "__" in rest or rest in ENV_NAMES:
            continue
        if rest.startswith(("TEST_", "REQUIRE_")):
            continue
        close = difflib.get_close_matches(rest, ENV_NAMES, n=1)
        hint = f" (did you mean {ENV_PREFIX}{close[0]}?)" if close else ""
        known = ", ".join(ENV_PREFIX + n for n in sorted(ENV_NAMES - {"TEST_CRASH_AFTER"}))
        raise ConfigError(
            f"unknown environment variable {name}{hint}; known: {known}, "
            f"{ENV_PREFIX}<SECTION>__<KEY>"
        )


def _apply_env(config: Config, env: dict[str, str], cwd: Path) -> Config:
    """ICE287G_DB, ICE287G_SNAPSHOTS, ICE287G_BASE_URL, and ICE287G_<SECTION>__<KEY>."""
    _check_env_names(env)
    for key in ("db", "snapshots", "base_url"):
        value = env.get(ENV_PREFIX + key.upper())
        if value:
            config = _set_top(config, key, value, cwd)
    for name, value in sorted(env.items()):
        if name.startswith(ENV_PREFIX) and "__" in name:
            section, _, key = name[len(ENV_PREFIX) :].lower().partition("__")
            top = _TOP_TABLES.get(section, {})
            if key in top or (top and section not in _SECTIONS):  # [archive]; [database] url
                config = _apply_top_table(config, {key: value}, _TOP_TABLES[section], cwd, section)
            elif section in _SECTIONS:
                table = {key: value}
                merged = _merge(_SECTIONS[section], getattr(config, section), table, section)
                config = replace(config, **{section: merged})
            else:  # a setting no section has is refused, as in the file, not ignored
                known = ", ".join(sorted({*_SECTIONS, *_TOP_TABLES}))
                raise ConfigError(f"unknown setting {name}: no section {section}; known: {known}")
    return config


# Settings that must be above zero (a rate, a timeout, a size); every other number
# (a count, a number of hours, an interval) must be zero or more.
_POSITIVE = {
    "fetch.connect_timeout",
    "fetch.read_timeout",
    "fetch.download_deadline",
    "fetch.pass_deadline",
    "fetch.max_page_bytes",
    "fetch.max_sheet_bytes",
    "fetch.max_pdf_bytes",
    "wayback.cdx_per_minute",
    "database.connect_timeout",
    "moa.ocr_dpi",
}


def _check_numbers(config: Config) -> None:
    for section in _SECTIONS:
        settings = getattr(config, section)
        for item in fields(settings):
            value, name = getattr(settings, item.name), f"{section}.{item.name}"
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            if name in _POSITIVE:
                _check(value > 0, f"{name} must be > 0, got {value!r}")
            else:
                _check(value >= 0, f"{name} must be >= 0, got {value!r}")
            _check(value <= MAX_NUMBER, f"{name} must be at most {MAX_NUMBER:g}, got {value!r}")


MAX_NUMBER = 1e9
"""No setting needs more (a billion seconds is 31 years; bytes, a gigabyte): a larger one
is a typo, and 1e300 seconds overflowed a clock's arithmetic (an internal error), 1e12 a
PostgreSQL timeout."""


def _validate(config: Config) -> Config:
    _check_numbers(config)
    _check(
        bool(config.source.contact.strip()),
        "source.contact must name a way to reach whoever runs this (an e-mail address or URL)",
    )
    d = config.diff
    _check(d.withdraw_after_snapshots >= 1, "diff.withdraw_after_snapshots must be >= 1")
    _check(d.withdraw_after_days >= 0, "diff.withdraw_after_days must be >= 0")
    _check(0 < d.max_row_loss_share <= 1, "diff.max_row_loss_share must be in (0, 1]")
    _check(0 < d.rename_similarity <= 1, "diff.rename_similarity must be in (0, 1]")
    _check(d.max_growth_factor > 1, "diff.max_growth_factor must be > 1")
    _check(d.typo_future_days >= 0, "diff.typo_future_days must be >= 0")
    _check(d.max_future_typos >= 0, "diff.max_future_typos must be >= 0")
    _check(d.stale_history >= 2, "diff.stale_history must be >= 2")
    _check(d.stale_min_restored >= 1, "diff.stale_min_restored must be >= 1")
    _check(d.stale_min_lost >= 1, "diff.stale_min_lost must be >= 1")
    check_base_url(config.source.base_url, "source.base_url")
    _check(
        "://" in config.db,
        f"database URL {config.db!r} is not a URL "
        "(e.g. sqlite:///ice287g.db or postgresql+psycopg://user@host/db)",
    )
    dialect = config.db.partition("://")[0].partition("+")[0].lower()
    _check(
        dialect in ("sqlite", "postgresql"),
        f"database URL {config.db!r}: {dialect} is not supported (SQLite or PostgreSQL)",
    )
    _check(
        config.source.page_path.startswith("/"),
        f"source.page_path must start with /, got {config.source.page_path!r}",
    )
    for name in ("cdx_url", "archive_url"):
        url = getattr(config.wayback, name)
        _check(
            url.startswith(("http://", "https://")),
            f"wayback.{name} must start with http:// or https://, got {url!r}",
        )
    f = config.fetch
    _check(
        f.max_retries >= 0 and f.read_timeout > 0 and f.connect_timeout > 0,
        "fetch.max_retries must be >= 0 and timeouts > 0",
    )
    _check(
        len(config.schedule.cron.split()) == 5,
        f"schedule.cron must have 5 fields (min hour day month weekday), "
        f"got {config.schedule.cron!r}",
    )
    _check(
        config.wayback.page_captures_per_day >= 0,
        "wayback.page_captures_per_day must be >= 0 (0 keeps every page capture)",
    )
    m = config.moa
    _check(
        m.ocr in ("auto", "off", "required"),
        f"moa.ocr must be auto, off or required, got {m.ocr!r}",
    )
    _check(72 <= m.ocr_dpi <= 600, f"moa.ocr_dpi must be between 72 and 600, got {m.ocr_dpi}")
    return config


def check_base_url(url: str, name: str) -> None:
    """A ConfigError naming ``name`` (the setting, or ``--base-url``) unless ``url`` is
    http(s) and its port, if it gives one, is a port (``:99999`` was read as a host not
    allowed, exit 1)."""
    _check(
        url.startswith(("http://", "https://")),
        f"{name} must start with http:// or https://, got {url!r}",
    )
    try:
        port_ok = urlsplit(url).port != 0
    except ValueError:
        port_ok = False
    _check(port_ok, f"{name} {url!r}: its port is no port (1 to 65535)")


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ConfigError(message)

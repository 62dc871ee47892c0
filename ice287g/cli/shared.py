"""What every command module shares: the group class that turns errors into one line
and an exit code, the App of an invocation, the progress bar, and common options."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import Any

import click
from sqlalchemy.exc import SQLAlchemyError

from common.errors import Ice287gError
from ice287g.app import App
from ice287g.escape import for_terminal, for_terminal_text
from ice287g.failures import INTERNAL_ERROR_EXIT, failure_exit, failure_text, first_line
from ice287g.render import KIND_LABELS, LISTING_FORMATS
from parsers.normalize import model_code, state_code

FORMATS = click.Choice(LISTING_FORMATS)


class UsageLine(click.UsageError):
    """A usage mistake (an option's value, an option or a command unknown) shown as the
    one line every other error is (click shows usage, a hint and the error on four)."""

    def show(self, file: Any = None) -> None:
        where = f" (see {self.ctx.command_path} --help)" if self.ctx else ""
        say_line(f"ice287g: error: {self.format_message()}{where}", err=True)


def _one_line(exc: click.UsageError) -> UsageLine:
    message = exc.format_message() if isinstance(exc, click.BadParameter) else exc.message
    return UsageLine(message, exc.ctx)


class Ice287gGroup(click.Group):
    """Turns every expected error into one line on stderr and a non-zero exit code.
    ``lazy`` names the module (with a ``COMMANDS`` list) of each command not added yet:
    a command's module is imported when that command runs, so ``rebuild`` does not load
    the HTTP client and the scheduler."""

    def __init__(self, *args: Any, lazy: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            for command in importlib.import_module(self.lazy[cmd_name]).COMMANDS:
                self.add_command(command)
        return super().get_command(ctx, cmd_name)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except UsageLine:
            raise
        except click.UsageError as exc:
            raise _one_line(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageLine:
            raise
        except click.UsageError as exc:
            raise _one_line(exc) from None
        except Ice287gError as exc:
            say_line(f"ice287g: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:  # its reader closed the pipe (``| head``): it has read
            _output_dropped()  # what it wanted, no error; the rest goes nowhere
            ctx.exit(0)
        except (OSError, SQLAlchemyError) as exc:
            say_line(f"ice287g: error: {failure_text(exc)}", err=True)
            ctx.exit(failure_exit(exc))
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("ICE287G_DEBUG"):
                raise
            say_line(
                f"ice287g: internal error: {type(exc).__name__}: {first_line(exc)} "
                "(set ICE287G_DEBUG=1 for the traceback)",
                err=True,
            )
            ctx.exit(INTERNAL_ERROR_EXIT)
        finally:
            app = ctx.obj
            if isinstance(app, App):
                app.close()


def _output_dropped() -> None:
    """Standard output, whose reader is gone, written to nowhere from now on (flushing
    it at exit would fail again)."""
    with suppress(OSError, ValueError):  # no file descriptor (a test's captured output)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def say(text: str = "", err: bool = False, nl: bool = True) -> None:
    """Print for a person or a pipe: every command's output goes through here, so no
    control character from ICE's files (ESC, BEL, OSC titles) acts on a terminal."""
    click.echo(for_terminal_text(text), err=err, nl=nl)


def say_line(text: str, err: bool = False) -> None:
    """Print one line of a report (an event, a warning, a rejection, an error): no value
    in it (a file name, a link's target, an agency) breaks it into more lines, which a
    reader or a mail filter would take for lines of their own (its breaks shown as
    ``\\n``)."""
    click.echo(for_terminal(text), err=err)


def app_of(ctx: click.Context) -> App:
    """The App built by the root group for this invocation."""
    app = ctx.find_object(App)
    assert app is not None
    return app


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int, str], None] | None]:
    """A rich progress bar on a terminal; nothing when output is piped (cron)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn(label),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int, _name: str) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def state_option(value: str | None) -> str | None:
    """A ``--state`` value as its USPS code (a name is accepted too)."""
    if value is None:
        return None
    code = state_code(value)
    if code is None:
        raise click.BadParameter(f"{value!r} is not a US state")
    return code


def kind_options(values: tuple[str, ...]) -> tuple[str, ...]:
    """``--kind`` values as the vocabulary writes them: a kind (``agreement.added``) or
    a family (``agreement``), in any case; anything else is refused (a typo read as
    no events would say there were none)."""
    families = {kind.split(".")[0] for kind in KIND_LABELS}
    found = []
    for value in values:
        kind = value.strip().lower()
        if kind not in KIND_LABELS and kind not in families:
            known = ", ".join(sorted(families))
            raise click.BadParameter(f"{value!r} is no event kind nor family ({known})")
        found.append(kind)
    return tuple(found)


def model_option(value: str | None) -> str | None:
    """A ``--model`` value as JEM, TFM or WSO."""
    if value is None:
        return None
    code = model_code(value)
    if code is None:
        raise click.BadParameter(f"{value!r} is not a model (JEM, TFM or WSO)")
    return code

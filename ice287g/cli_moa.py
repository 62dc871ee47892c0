"""Commands of the moa feature, added to the ``ice287g`` group by :mod:`ice287g.cli`."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []

"""The parsers' one error: a file that cannot be read as what it claims to be."""

from __future__ import annotations

from common.errors import Ice287gError


class ParseError(Ice287gError):
    """Raised when a file cannot be read as what it claims to be (names the file and why)."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return (type(self), (self.source, self.reason))

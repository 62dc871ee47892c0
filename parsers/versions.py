"""The parsers' versions, in one light module: each is a parse cache's key with a file's
sha256, and part of what a history is derived with (``ice287g/pipeline.py`` replays the
archive when one changes). Raise one whenever that parser's output can change, for any
file: a cached parse of a file must be redone when the parser would now read it
differently."""

LISTS = "89"
"""The list parsers (``parsers/detect.py``: XLSX and the legacy HTML table)."""

MOA = "20"
"""The MOA parser (``parsers/moa/``)."""

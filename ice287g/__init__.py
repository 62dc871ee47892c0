"""ice287g: a dated, provable history of ICE's 287(g) agreements.

This package is the thin application layer (CLI, config, orchestration). The work is
done by the sibling packages ``scraper``, ``parsers``, ``diffs``, ``store`` and
``snapshots``.
"""

__version__ = "0.1.0"

"""The model a document's label names: a PDF's title or its file name (``287(g) MOA TF -
...``, ``287gJEM_...``, ``..._WSO_MOA_...``). Apart from ``parsers/moa/`` (which loads
the PDF library): the list diff reads an MOA link's file name with it too."""

from __future__ import annotations

import re

_MODEL_TOKEN = re.compile(r"(?<![A-Z])(JEM|WSO|TFM|TFO|TF)(?![A-Za-z])")
_MODEL_WORDS = re.compile(r"Jail\s+Enforcement|Task\s+Force|Warrant\s+Service", re.I)


def model_from_label(text: str) -> str | None:
    """The model a PDF title or a file name gives (``287(g) MOA TF - ...``, ``287gJEM_``);
    None when it names none, or several."""
    tokens = {"TF": "TFM", "TFO": "TFM"}
    found = {tokens.get(t, t) for t in _MODEL_TOKEN.findall(text)}
    for words in _MODEL_WORDS.findall(text):
        found.add({"j": "JEM", "t": "TFM", "w": "WSO"}[words[0].lower()])
    return found.pop() if len(found) == 1 else None

"""The workbook's structure: XML parts parsed safely, relationships, the list of sheets.

XML parts are read by expat (the parser behind ElementTree) with every DTD refused, so
no entity can be declared, expanded or fetched: a part is a list of elements with their
attributes. Only the elements asked for are kept.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection
from dataclasses import dataclass
from typing import NamedTuple
from xml.parsers import expat

from parsers.xlsx.container import Package

PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL_NAMESPACES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
_REL_ID_KEYS = tuple(f"{ns}}}id" for ns in DOC_REL_NAMESPACES)
SHARED_STRINGS = "xl/sharedStrings.xml"
_UTF16_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")


class Rel(NamedTuple):
    """One relationship: its type URI, its target as written, and whether it is external."""

    type: str
    target: str
    external: bool


@dataclass(frozen=True)
class SheetEntry:
    """A worksheet as the workbook lists it: name, visibility and zip path."""

    name: str
    state: str
    path: str


class Element(NamedTuple):
    """One element of a part: its name and attributes, namespaced names written as
    expat gives them, ``namespace}local``."""

    tag: str
    attributes: dict[str, str]


class _DTDRefused(Exception):
    """Raised from expat's handlers when a part declares a DTD."""


def parse_xml(package: Package, xml: bytes, part: str, wanted: Collection[str]) -> list[Element]:
    """The root element and the elements of ``part`` whose local name is in ``wanted``,
    in document order; a ParseError naming the part if it is malformed, declares a DTD
    or is UTF-16 (every XLSX writer writes UTF-8)."""
    found: list[Element] = []
    parser = expat.ParserCreate(namespace_separator="}")

    def start(name: str, attributes: dict[str, str]) -> None:
        if not found or name.rpartition("}")[2] in wanted:
            found.append(Element(name, attributes))

    parser.StartElementHandler = start
    run_parser(package, parser, xml, part)
    if not found:
        raise package.fail(f"malformed XML in {part} (no root element)")
    return found


def parse_xml_texts(
    package: Package, xml: bytes, part: str, wanted: Collection[str]
) -> list[tuple[Element, str]]:
    """Like :func:`parse_xml`, each element with its own text (the character data directly
    inside it, not inside its children; empty for the root and for elements without)."""
    found: list[tuple[Element, list[str]]] = []
    open_texts: list[list[str] | None] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        text: list[str] | None = None
        if not found or name.rpartition("}")[2] in wanted:
            text = []
            found.append((Element(name, attributes), text))
        open_texts.append(text)

    def end(_name: str) -> None:
        open_texts.pop()

    def characters(data: str) -> None:
        text = open_texts[-1] if open_texts else None
        if text is not None:
            text.append(data)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    run_parser(package, parser, xml, part)
    if not found:
        raise package.fail(f"malformed XML in {part} (no root element)")
    return [(element, "".join(text)) for element, text in found]


def run_parser(package: Package, parser: expat.XMLParserType, xml: bytes, part: str) -> None:
    """Feed ``xml`` to ``parser``, every DTD refused; failures as ParseErrors."""
    if xml.startswith(_UTF16_STARTS):
        raise package.fail(f"{part}: UTF-16 XML parts are not supported")
    parser.StartDoctypeDeclHandler = _refuse_dtd
    try:
        parser.Parse(xml, True)
    except _DTDRefused:
        reason = "DTDs and entity declarations are not allowed in XLSX"
        raise package.fail(f"{part}: {reason}") from None
    except expat.ExpatError as exc:
        raise package.fail(f"malformed XML in {part} ({exc})") from None
    except (LookupError, ValueError) as exc:  # expat asks Python's codecs for the rest
        raise package.fail(f"{part}: its declared encoding cannot be read ({exc})") from None


def _refuse_dtd(*_args: object) -> None:
    raise _DTDRefused


def local_name(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rpartition("}")[2]


def rel_id(element: Element) -> str | None:
    """The ``r:id`` of an element, in either relationships namespace."""
    for key in _REL_ID_KEYS:
        value = element.attributes.get(key)
        if value is not None:
            return value
    return None


def resolve(base: str, target: str) -> str:
    """The zip path of a relationship target, relative to the source part's folder."""
    target = target.replace("\\", "/")
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(base, target))


def read_rels(package: Package, part: str) -> dict[str, Rel]:
    """Relationships of a part, by Id (empty when the part has none)."""
    folder, name = posixpath.split(part)
    rels_path = posixpath.join(folder, "_rels", f"{name}.rels")
    if not package.has(rels_path):
        return {}
    elements = parse_xml(package, package.read(rels_path), rels_path, {"Relationship"})
    rels: dict[str, Rel] = {}
    tag = f"{PACKAGE_RELS_NS}}}Relationship"
    for name, attributes in elements[1:]:
        key = attributes.get("Id")
        if name == tag and key is not None:
            external = attributes.get("TargetMode") == "External"
            rels[key] = Rel(attributes.get("Type", ""), attributes.get("Target", ""), external)
    return rels


def sheet_entries(package: Package) -> list[SheetEntry]:
    """The worksheets in workbook order (chart sheets and other parts left out)."""
    path = _workbook_path(package)
    root, *sheets = parse_xml(package, package.read(path), path, {"sheet"})
    if local_name(root.tag) != "workbook":
        raise package.fail(f"{path} is not a SpreadsheetML workbook")
    rels = read_rels(package, path)
    base = posixpath.dirname(path)
    entries = []
    for element in sheets:
        rel = rels.get(rel_id(element) or "")
        if rel is None or not rel.type.endswith("/worksheet"):
            continue
        part = resolve(base, rel.target)
        if not package.has(part):
            raise package.fail(f"worksheet part {part} is missing")
        state = element.attributes.get("state") or "visible"
        entries.append(SheetEntry(element.attributes.get("name", ""), state, part))
    return entries


def _workbook_path(package: Package) -> str:
    for rel in read_rels(package, "").values():
        if rel.type.endswith("/officeDocument") and not rel.external:
            path = resolve("", rel.target)
            if package.has(path):
                return path
    if package.has("xl/workbook.xml"):
        return "xl/workbook.xml"
    raise package.fail("missing xl/workbook.xml: a zip, but not an XLSX workbook")


def shared_strings(package: Package) -> bytes:
    """The workbook's shared strings part, where its relationships say (else the usual
    ``xl/sharedStrings.xml``); empty when it has none."""
    path = _workbook_path(package)
    for rel in read_rels(package, path).values():
        if rel.type.endswith("/sharedStrings") and not rel.external:
            part = resolve(posixpath.dirname(path), rel.target)
            if package.has(part):
                return package.read(part)
    return package.read(SHARED_STRINGS) if package.has(SHARED_STRINGS) else b""

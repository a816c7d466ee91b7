"""What changed between two versions of a thesis: their text, and a comparison of it.

Pure functions over bytes and plain values (no database, no network, no aiogram). The
comparison worker (bot/workers/comparison.py) runs them in a child process with a time and
a memory limit (bot/compare_child.py), since a hostile file can make any parser slow or
greedy; here every input is bounded on top of that:

- PDF (pypdfium2, Apache-2.0/BSD): at most ``MAX_PAGES`` pages and ``MAX_OUTLINE`` outline
  items are read. Headings come from the outline when it has any, else from numbered lines
  ("4.2 Evaluation"). A file with (almost) no text on its pages, a scan, or one that needs
  a password has no text layer: ``NoTextLayer``.
- DOCX: the zip is checked with the limits of services/documents.py (declared sizes and
  ratio), every member is read through a counter that stops at its bound whatever the zip
  claims, and the XML goes through defusedxml with DTDs forbidden (no entity bombs, no
  external entities). Headings come from the paragraph styles (Title, Heading 1..n, or an
  outline level).

The text is kept as sections (a heading and its paragraphs), stored per version so that
the next comparison reads only the new file. ``compare`` matches sections by number and
title, diffs paragraphs and then words, and ``render_html`` writes the self-contained
detail (no external resources, everything escaped).
"""

from __future__ import annotations

import difflib
import html
import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from services.documents import MAX_RATIO, MAX_UNPACKED

MAX_PAGES = 5000
MAX_OUTLINE = 5000
# document.xml of a 300-page thesis is a few MB; the others are small.
DOCUMENT_XML_MAX = 64 * 1024 * 1024
SMALL_XML_MAX = 4 * 1024 * 1024
# Below this many letters a page on average, a PDF is a scan (or pictures of text).
MIN_CHARS_PER_PAGE = 20
# Above this many words on a side, a changed block is counted whole rather than diffed
# word by word (a section rewritten from scratch; the count stays right, the marks coarse).
WORD_DIFF_MAX = 20000
SUMMARY_SECTIONS_MAX = 8
FORMAT_VERSION = 1

_NUMBERED = re.compile(r"^((?:\d{1,2}\.){0,4}\d{1,2})\.?\s+(\S.{0,150})$")
_TOC_TAIL = re.compile(r"(\.{3,}|\s)\d{1,4}$")
_PAGE_NUMBER = re.compile(r"^(page\s+)?\d{1,4}(\s*(/|of)\s*\d{1,4})?$", re.IGNORECASE)
_SENTENCE_END = tuple(".!?:;\"”’)»")
_HEADING_STYLE = re.compile(r"^heading\s*([1-9])$")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_EP = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"


class ComparisonError(Exception):
    """A version's text could not be read; ``reason`` is a short metric label."""

    reason = "unreadable"


class NoTextLayer(ComparisonError):
    """A scan, or an encrypted file: there is no text to compare."""

    def __init__(self, reason: str = "no_text") -> None:
        super().__init__(reason)
        self.reason = reason


class Unreadable(ComparisonError):
    def __init__(self, reason: str = "unreadable") -> None:
        super().__init__(reason)
        self.reason = reason


# --- the text of a version ----------------------------------------------------------------

@dataclass(frozen=True)
class Section:
    """A heading and the paragraphs under it; the text before the first heading has none."""

    number: str
    title: str
    paragraphs: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def short(self) -> str:
        return self.number or self.title

    @property
    def words(self) -> int:
        return sum(len(paragraph.split()) for paragraph in self.paragraphs)


@dataclass(frozen=True)
class DocumentText:
    pages: int | None
    sections: tuple[Section, ...]

    @property
    def words(self) -> int:
        return sum(section.words for section in self.sections)

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT_VERSION, "pages": self.pages,
                           "sections": [[s.number, s.title, list(s.paragraphs)]
                                        for s in self.sections]},
                          ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, data: str) -> DocumentText:
        raw = json.loads(data)
        return cls(pages=raw["pages"], sections=tuple(
            Section(number, title, tuple(paragraphs))
            for number, title, paragraphs in raw["sections"]))


def extract(kind: str, data: bytes) -> DocumentText:
    """The text of a version's file ("pdf" or "docx")."""
    if kind == "pdf":
        return pdf_text(data)
    if kind == "docx":
        return docx_text(data)
    raise Unreadable("unsupported")


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def split_number(heading: str) -> tuple[str, str]:
    """ "4.2 Evaluation" → ("4.2", "Evaluation"); a heading without a number → ("", it)."""
    heading = " ".join(heading.split())
    match = _NUMBERED.match(heading)
    if match is None:
        return "", heading
    return match.group(1), match.group(2)


class _Builder:
    """Collects headings and paragraphs into sections, in reading order."""

    def __init__(self) -> None:
        self.sections: list[Section] = []
        self._number, self._title = "", ""
        self._paragraphs: list[str] = []

    def heading(self, number: str, title: str) -> None:
        self._close()
        self._number, self._title = number, title

    def paragraph(self, text: str) -> None:
        text = " ".join(text.split())
        if text:
            self._paragraphs.append(text)

    def _close(self) -> None:
        if self._paragraphs or self._number or self._title:
            self.sections.append(Section(self._number, self._title, tuple(self._paragraphs)))
        self._paragraphs = []

    def finish(self, pages: int | None) -> DocumentText:
        self._close()
        return DocumentText(pages=pages, sections=tuple(self.sections))


# --- PDF ----------------------------------------------------------------------------------

def pdf_text(data: bytes) -> DocumentText:
    import pypdfium2 as pdfium  # only the child process needs it

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise NoTextLayer("encrypted") from None
        raise Unreadable("unreadable") from None
    try:
        pages = len(pdf)
        if pages > MAX_PAGES:
            raise Unreadable("too_many_pages")
        outline = _outline(pdf)
        texts = [_page_text(pdf, index) for index in range(pages)]
    finally:
        pdf.close()
    if sum(len(text) - text.count(" ") for text in texts) < MIN_CHARS_PER_PAGE * max(pages, 1):
        raise NoTextLayer()
    return sections_from_pages(texts, outline, pages)


def _outline(pdf: Any) -> list[tuple[int, str]]:
    """(page index, title) of each outline item, in order."""
    items: list[tuple[int, str]] = []
    for bookmark in pdf.get_toc(max_depth=6):
        if len(items) >= MAX_OUTLINE:
            break
        title = " ".join((bookmark.get_title() or "").split())
        dest = bookmark.get_dest()
        index = dest.get_index() if dest is not None else None
        if title and index is not None and index >= 0:
            items.append((int(index), title))
    return items


def _page_text(pdf: Any, index: int) -> str:
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            return str(textpage.get_text_range())
        finally:
            textpage.close()
    finally:
        page.close()


def sections_from_pages(texts: list[str], outline: list[tuple[int, str]],
                        pages: int) -> DocumentText:
    """Paragraphs rebuilt from the lines of each page, cut into sections by the outline's
    headings (found on their page) or, without an outline, by numbered lines."""
    by_page: dict[int, list[tuple[str, str]]] = {}
    for index, title in outline:
        by_page.setdefault(min(index, max(pages - 1, 0)), []).append(split_number(title))
    builder = _Builder()
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            builder.paragraph(_join_lines(paragraph))
            paragraph.clear()

    for index, text in enumerate(texts):
        lines = [" ".join(line.replace("\x02", "\xad").split())
                 for line in text.replace("\r\n", "\n").split("\n")]
        lines = [line for line in lines if not _PAGE_NUMBER.match(line)] \
            if any(lines) else lines
        wanted = by_page.get(index, [])
        found = _place_outline(lines, wanted)
        unplaced = [heading for heading in wanted if heading not in found.values()]
        if unplaced:
            flush()
            for number, title in unplaced:
                builder.heading(number, title)
        width = max((len(line) for line in lines), default=0)
        for position, line in enumerate(lines):
            heading = found.get(position) if outline else _numbered_heading(line)
            if heading is not None:
                flush()
                builder.heading(*heading)
                continue
            if not line:
                flush()
                continue
            paragraph.append(line)
            if line.endswith(_SENTENCE_END) and len(line) < 0.85 * width:
                flush()
    flush()
    return builder.finish(pages)


def _place_outline(lines: list[str], wanted: list[tuple[str, str]]) -> dict[int, tuple[str, str]]:
    """Which line of the page is each outline heading (the first line that reads as it)."""
    found: dict[int, tuple[str, str]] = {}
    start = 0
    for number, title in wanted:
        target = _norm(title)
        for position in range(start, len(lines)):
            line_number, line_title = split_number(lines[position])
            if _norm(line_title) == target or _norm(lines[position]) == target:
                found[position] = (number or line_number, title)
                start = position + 1
                break
    return found


def _numbered_heading(line: str) -> tuple[str, str] | None:
    """A line like "4.2 Evaluation": short, no sentence end, not a table-of-contents entry."""
    if len(line) > 120 or line.endswith((".", ",", ";")) or _TOC_TAIL.search(line):
        return None
    number, title = split_number(line)
    if not number or not title[:1].isupper():
        return None
    return number, title


def _join_lines(lines: list[str]) -> str:
    out = ""
    for line in lines:
        if out.endswith("\xad"):
            out = out[:-1] + line  # a word broken by a soft hyphen
        else:
            out = f"{out} {line}" if out else line
    return out.replace("\xad", "")


# --- DOCX ---------------------------------------------------------------------------------

class _Bounded(io.RawIOBase):
    """A member's bytes, refused once more than ``limit`` come out, whatever the zip says."""

    def __init__(self, raw: IO[bytes], limit: int) -> None:
        self._raw, self._left = raw, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._raw.read(min(len(buffer), 1024 * 1024))
        self._left -= len(chunk)
        if self._left < 0:
            raise Unreadable("too_big")
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise Unreadable("unreadable") from None
    members = archive.infolist()
    packed = sum(member.compress_size for member in members)
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED or unpacked > MAX_RATIO * max(packed, 1):
        raise Unreadable("zip_bomb")
    return archive


def _member(archive: zipfile.ZipFile, name: str, limit: int) -> IO[bytes] | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limit:
        raise Unreadable("too_big")
    return io.BufferedReader(_Bounded(archive.open(info), limit))


def _iterparse(stream: IO[bytes], events: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, iterparse

    try:
        yield from iterparse(stream, events=events, forbid_dtd=True,
                             forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise Unreadable("xml_forbidden") from None
    except (ParseError, zipfile.BadZipFile, zlib.error, EOFError, OSError):
        raise Unreadable("unreadable") from None


def docx_text(data: bytes) -> DocumentText:
    archive = _open_zip(data)
    with archive:
        styles = _heading_styles(archive)
        pages = _docx_pages(archive)
        document = _member(archive, "word/document.xml", DOCUMENT_XML_MAX)
        if document is None:
            raise Unreadable("unreadable")
        builder = _Builder()
        counters: list[int] = []
        for _event, element in _iterparse(document, ("end",)):
            if element.tag != f"{_W}p":
                continue
            text = _paragraph_text(element)
            level, numbered = _paragraph_level(element, styles)
            element.clear()  # keeps memory flat; a nested paragraph's text is not read twice
            if level is None or not text.strip():
                builder.paragraph(text)
                continue
            number, title = split_number(text)
            if not number and numbered and level > 0:
                number = _next_number(counters, level)
            builder.heading(number, title)
        result = builder.finish(pages)
    if result.words == 0:
        raise NoTextLayer()
    return result


def _paragraph_text(element: Any) -> str:
    parts: list[str] = []
    for node in element.iter():
        if node.tag == f"{_W}t" and node.text:
            parts.append(node.text)
        elif node.tag in (f"{_W}tab", f"{_W}br", f"{_W}cr"):
            parts.append(" ")
    return "".join(parts)


def _paragraph_level(element: Any, styles: dict[str, tuple[int, bool]]
                     ) -> tuple[int | None, bool]:
    """(heading level or None, numbered automatically) of a paragraph; Title is level 0."""
    properties = element.find(f"{_W}pPr")
    if properties is None:
        return None, False
    numbered = properties.find(f"{_W}numPr") is not None
    style = properties.find(f"{_W}pStyle")
    if style is not None:
        found = styles.get(style.get(f"{_W}val", ""))
        if found is not None:
            return found[0], numbered or found[1]
    outline = properties.find(f"{_W}outlineLvl")
    if outline is not None:
        try:
            level = int(outline.get(f"{_W}val", "9"))
        except ValueError:
            return None, False
        if 0 <= level < 9:
            return level + 1, numbered
    return None, False


def _style_level(style_id: str, name: str) -> int | None:
    for candidate in (_norm(name), _norm(style_id)):
        if candidate == "title":
            return 0
        match = _HEADING_STYLE.match(candidate)
        if match:
            return int(match.group(1))
    return None


def _heading_styles(archive: zipfile.ZipFile) -> dict[str, tuple[int, bool]]:
    """Style id → (heading level, numbered) for the heading styles the document defines;
    the usual ids (Heading1, Title) count even without a styles part."""
    styles: dict[str, tuple[int, bool]] = {f"Heading{n}": (n, False) for n in range(1, 10)}
    styles["Title"] = (0, False)
    stream = _member(archive, "word/styles.xml", SMALL_XML_MAX)
    if stream is None:
        return styles
    for _event, element in _iterparse(stream, ("end",)):
        if element.tag != f"{_W}style":
            continue
        style_id = element.get(f"{_W}styleId", "")
        name = element.find(f"{_W}name")
        level = _style_level(style_id, name.get(f"{_W}val", "") if name is not None else "")
        if level is not None:
            properties = element.find(f"{_W}pPr")
            numbered = properties is not None and properties.find(f"{_W}numPr") is not None
            styles[style_id] = (level, numbered)
        element.clear()
    return styles


def _docx_pages(archive: zipfile.ZipFile) -> int | None:
    """The page count Word saved in docProps/app.xml (None when it did not)."""
    stream = _member(archive, "docProps/app.xml", SMALL_XML_MAX)
    if stream is None:
        return None
    for _event, element in _iterparse(stream, ("end",)):
        if element.tag == f"{_EP}Pages" and (element.text or "").strip().isdigit():
            return int((element.text or "").strip())
    return None


def _next_number(counters: list[int], level: int) -> str:
    del counters[level:]
    counters.extend([0] * (level - len(counters)))
    counters[level - 1] += 1
    return ".".join(str(max(count, 1)) for count in counters)


# --- the comparison -----------------------------------------------------------------------

@dataclass(frozen=True)
class Summary:
    pages_delta: int | None
    words_added: int
    words_removed: int
    changed_share: float
    sections_added: tuple[str, ...]
    sections_changed: tuple[str, ...]
    sections_removed: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"pages_delta": self.pages_delta, "words_added": self.words_added,
                "words_removed": self.words_removed, "changed_share": self.changed_share,
                "sections_added": list(self.sections_added),
                "sections_changed": list(self.sections_changed),
                "sections_removed": list(self.sections_removed)}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Summary:
        return cls(pages_delta=raw["pages_delta"], words_added=raw["words_added"],
                   words_removed=raw["words_removed"], changed_share=raw["changed_share"],
                   sections_added=tuple(raw["sections_added"]),
                   sections_changed=tuple(raw["sections_changed"]),
                   sections_removed=tuple(raw["sections_removed"]))

    @property
    def unchanged(self) -> bool:
        return not (self.words_added or self.words_removed or self.sections_added
                    or self.sections_removed or self.sections_changed)


Token = tuple[str, str]  # (kind: "same" | "del" | "ins", text)


@dataclass(frozen=True)
class Block:
    """A run of changed paragraphs: the old ones and the new ones, words marked."""

    old: tuple[tuple[Token, ...], ...]
    new: tuple[tuple[Token, ...], ...]


@dataclass(frozen=True)
class SectionChange:
    label: str
    status: str  # "added" | "removed" | "changed"
    blocks: tuple[Block, ...]
    old_label: str | None = None


@dataclass(frozen=True)
class Comparison:
    summary: Summary
    changes: tuple[SectionChange, ...] = field(default=())


def compare(old: DocumentText, new: DocumentText) -> Comparison:
    pairs, added, removed = _match_sections(old.sections, new.sections)
    words_added = words_removed = 0
    changes: list[SectionChange] = []
    changed_labels: list[str] = []
    added_set = set(added)
    removed_after: dict[int, list[int]] = {}
    for old_index in removed:
        previous = max((n for o, n in pairs.items() if o < old_index), default=-1)
        removed_after.setdefault(previous, []).append(old_index)
    reverse = {n: o for o, n in pairs.items()}

    def removed_here(new_index: int) -> None:
        nonlocal words_removed
        for old_index in removed_after.get(new_index, []):
            section = old.sections[old_index]
            words_removed += section.words
            changes.append(SectionChange(section.label, "removed", (
                Block(old=tuple((("del", p),) for p in section.paragraphs), new=()),)))

    removed_here(-1)
    for new_index, section in enumerate(new.sections):
        if new_index in added_set:
            words_added += section.words
            changes.append(SectionChange(section.label, "added", (
                Block(old=(), new=tuple((("ins", p),) for p in section.paragraphs)),)))
        else:
            before = old.sections[reverse[new_index]]
            blocks, plus, minus = _diff_paragraphs(before.paragraphs, section.paragraphs)
            words_added += plus
            words_removed += minus
            if blocks or _norm(before.label) != _norm(section.label):
                changes.append(SectionChange(section.label, "changed", tuple(blocks),
                                             old_label=before.label))
                changed_labels.append(section.short)
        removed_here(new_index)
    total = old.words + new.words
    summary = Summary(
        pages_delta=None if old.pages is None or new.pages is None else new.pages - old.pages,
        words_added=words_added, words_removed=words_removed,
        changed_share=(words_added + words_removed) / total if total else 0.0,
        sections_added=tuple(new.sections[i].label for i in added),
        sections_changed=tuple(changed_labels),
        sections_removed=tuple(old.sections[i].short for i in removed))
    return Comparison(summary=summary, changes=tuple(changes))


def _match_sections(old: tuple[Section, ...], new: tuple[Section, ...]
                    ) -> tuple[dict[int, int], list[int], list[int]]:
    """Pairs old → new index: same number and title first, then the same title (renumbered),
    then the same number (retitled). What is left was added or removed."""
    pairs: dict[int, int] = {}
    keys = (lambda s: (s.number, _norm(s.title)), lambda s: _norm(s.title) or None,
            lambda s: s.number or None)
    for key in keys:
        index: dict[Any, int] = {}
        for i, section in enumerate(old):
            k = key(section)
            if i not in pairs and k is not None and k not in index:
                index[k] = i
        taken = set(pairs.values())
        for j, section in enumerate(new):
            k = key(section)
            if j in taken or k is None or k not in index:
                continue
            pairs[index.pop(k)] = j
            taken.add(j)
    matched_new = set(pairs.values())
    added = [j for j in range(len(new)) if j not in matched_new]
    removed = [i for i in range(len(old)) if i not in pairs]
    return pairs, added, removed


def _diff_paragraphs(old: tuple[str, ...], new: tuple[str, ...]
                     ) -> tuple[list[Block], int, int]:
    blocks: list[Block] = []
    added = removed = 0
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        block, plus, minus = _diff_words(old[i1:i2], new[j1:j2])
        blocks.append(block)
        added += plus
        removed += minus
    return blocks, added, removed


def _diff_words(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[Block, int, int]:
    """Word marks within a run of changed paragraphs; the paragraphs keep their breaks."""
    old_words = [(p, w) for p, text in enumerate(old) for w in text.split()]
    new_words = [(p, w) for p, text in enumerate(new) for w in text.split()]
    if len(old_words) > WORD_DIFF_MAX or len(new_words) > WORD_DIFF_MAX:
        return (Block(old=tuple((("del", p),) for p in old),
                      new=tuple((("ins", p),) for p in new)), len(new_words), len(old_words))
    matcher = difflib.SequenceMatcher(None, [w for _p, w in old_words],
                                      [w for _p, w in new_words], autojunk=False)
    old_marks: list[str] = ["del"] * len(old_words)
    new_marks: list[str] = ["ins"] * len(new_words)
    for i, j, size in matcher.get_matching_blocks():
        old_marks[i:i + size] = ["same"] * size
        new_marks[j:j + size] = ["same"] * size
    removed = old_marks.count("del")
    added = new_marks.count("ins")
    return (Block(old=_tokens(old_words, old_marks, len(old)),
                  new=_tokens(new_words, new_marks, len(new))), added, removed)


def _tokens(words: list[tuple[int, str]], marks: list[str],
            paragraphs: int) -> tuple[tuple[Token, ...], ...]:
    """Consecutive words of a kind joined into one token, paragraph by paragraph."""
    out: list[list[Token]] = [[] for _ in range(paragraphs)]
    for (paragraph, word), mark in zip(words, marks, strict=True):
        tokens = out[paragraph]
        if tokens and tokens[-1][0] == mark:
            tokens[-1] = (mark, f"{tokens[-1][1]} {word}")
        else:
            tokens.append((mark, word))
    return tuple(tuple(tokens) for tokens in out)


# --- the detail, as one HTML file ---------------------------------------------------------

HTML_TEXT = {
    "title": "What changed: v{old} → v{new}",
    "contents": "Changed sections",
    "front": "Before the first heading",
    "added": "new",
    "removed": "removed",
    "changed": "changed",
    "renamed": "was: {old}",
    "nothing": "No change in the text.",
}

_STYLE = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
max-width:1200px;padding:1em;color:#1b1b1b;background:#fff}
h1{font-size:1.4em}h2{font-size:1.15em;border-bottom:1px solid #ccc;padding-top:.6em}
.summary{background:#f4f6f8;padding:.6em .9em;border-radius:6px}
.tag{font-size:.75em;padding:.1em .5em;border-radius:4px;background:#e8e8e8;
vertical-align:middle}
.tag.added{background:#d8f5d8}.tag.removed{background:#fadada}
table{width:100%;border-collapse:collapse;table-layout:fixed;margin:.5em 0}
td,th{vertical-align:top;padding:.4em .6em;border:1px solid #e0e0e0;text-align:left;
overflow-wrap:anywhere}
th{background:#fafafa;font-weight:600;width:50%}
td p{margin:0 0 .5em}
del{background:#ffd7d5;text-decoration:line-through}ins{background:#ccf2d0;
text-decoration:none}
"""


def render_html(comparison: Comparison, *, old_version: int, new_version: int,
                title: str, summary_line: str) -> str:
    """The detailed comparison: changed paragraphs only, old and new side by side, grouped
    under their headings, with a table of contents. Nothing is loaded from anywhere."""
    heading = HTML_TEXT["title"].format(old=old_version, new=new_version)
    out = [
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>{_e(heading)} — {_e(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{_e(heading)}</h1><p><b>{_e(title)}</b></p>",
        f"<p class=\"summary\">{_e(summary_line)}</p>",
    ]
    if not comparison.changes:
        out.append(f"<p>{_e(HTML_TEXT['nothing'])}</p></body></html>\n")
        return "".join(out)
    out.append(f"<nav><h2>{_e(HTML_TEXT['contents'])}</h2><ol>")
    for index, change in enumerate(comparison.changes):
        out.append(f"<li><a href=\"#s{index}\">{_e(_label(change.label))}</a> "
                   f"<span class=\"tag {change.status}\">{_e(HTML_TEXT[change.status])}"
                   "</span></li>")
    out.append("</ol></nav>")
    for index, change in enumerate(comparison.changes):
        out.extend(_section_html(index, change, old_version, new_version))
    out.append("</body></html>\n")
    return "".join(out)


def _section_html(index: int, change: SectionChange, old_version: int,
                  new_version: int) -> Iterable[str]:
    yield (f"<section id=\"s{index}\"><h2>{_e(_label(change.label))} "
           f"<span class=\"tag {change.status}\">{_e(HTML_TEXT[change.status])}</span></h2>")
    if change.old_label is not None and _norm(change.old_label) != _norm(change.label):
        yield f"<p><i>{_e(HTML_TEXT['renamed'].format(old=_label(change.old_label)))}</i></p>"
    if change.blocks:
        yield f"<table><tr><th>v{old_version}</th><th>v{new_version}</th></tr>"
        for block in change.blocks:
            yield f"<tr><td>{_paragraphs_html(block.old)}</td>" \
                  f"<td>{_paragraphs_html(block.new)}</td></tr>"
        yield "</table>"
    yield "</section>"


def _paragraphs_html(paragraphs: tuple[tuple[Token, ...], ...]) -> str:
    parts = []
    for tokens in paragraphs:
        words = []
        for kind, text in tokens:
            if kind == "same":
                words.append(_e(text))
            else:
                words.append(f"<{kind}>{_e(text)}</{kind}>")
        parts.append(f"<p>{' '.join(words)}</p>")
    return "".join(parts)


def _label(label: str) -> str:
    return label or HTML_TEXT["front"]


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def summary_sentence(summary: Summary, old_version: int) -> str:
    """The summary in plain English, for the HTML file's head (cards use the catalog)."""
    parts = []
    if summary.pages_delta is not None:
        parts.append(f"{summary.pages_delta:+d} pages".replace("+0", "±0"))
    parts.append(f"+{summary.words_added:,} words (−{summary.words_removed:,})")
    parts.append(f"{round(summary.changed_share * 100)} % of the text changed")
    line = f"What changed since v{old_version}: " + ", ".join(parts)
    if summary.sections_added:
        line += "; new section " + ", ".join(_label(s) for s in summary.sections_added)
    if summary.sections_changed:
        line += "; changed " + ", ".join(_label(s) for s in summary.sections_changed)
    if summary.sections_removed:
        line += "; removed " + ", ".join(_label(s) for s in summary.sections_removed)
    return line


# --- one job, as the child process runs it ------------------------------------------------

@dataclass(frozen=True)
class JobResult:
    text: str | None  # the new version's DocumentText as JSON (None: it had none)
    summary: dict[str, Any] | None
    html: str | None
    reason: str | None  # why there is no comparison (no_text, encrypted, unreadable…)
    pages: int | None = None  # of the new version (so that the parent need not parse text)
    words: int | None = None


def run_job(new_kind: str, new_data: bytes, old_text: str | None, old_kind: str | None,
            old_data: bytes | None, old_version: int | None, new_version: int,
            title: str, old_reason: str | None = None) -> JobResult:
    """Extract the new version; compare it with the old one when there is one. The old
    one's text is given when it is stored, else its file, else why it has none
    (``old_reason``: the note for a scan, "base_failed" for anything else)."""
    try:
        new = extract(new_kind, new_data)
    except ComparisonError as exc:
        return JobResult(text=None, summary=None, html=None, reason=exc.reason)
    size = {"pages": new.pages, "words": new.words}
    if old_version is None:
        return JobResult(text=new.to_json(), summary=None, html=None, reason=None, **size)
    try:
        if old_text is not None:
            old = DocumentText.from_json(old_text)
        elif old_kind is not None and old_data is not None:
            old = extract(old_kind, old_data)
        elif old_reason in ("no_text", "encrypted"):
            raise NoTextLayer(old_reason)
        else:
            raise Unreadable("base_failed")
    except ComparisonError as exc:
        return JobResult(text=new.to_json(), summary=None, html=None, reason=exc.reason,
                         **size)
    comparison = compare(old, new)
    page = render_html(comparison, old_version=old_version, new_version=new_version,
                       title=title, summary_line=summary_sentence(comparison.summary,
                                                                  old_version))
    return JobResult(text=new.to_json(), summary=comparison.summary.to_dict(), html=page,
                     reason=None, **size)

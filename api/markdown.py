"""The small Markdown the guide is written in (docs/guide/), rendered to safe HTML.

Only what the guide uses, so that nothing else can reach a page:

- ``#``, ``##``, ``###`` headings; paragraphs (lines joined until a blank line);
- ``- item`` lists and ``1. item`` numbered lists (an indented line continues an item);
- a picture alone on its line, ``![what it shows](img/name.png)``: a file of the page's own
  ``img/`` folder, nothing else;
- inline ``**bold**``, `` `code` `` and ``[text](https://…)`` links (http(s) only, or another
  page of the guide by its name: ``[Supervisor](supervisor)``).

Every character of the text is escaped; the only tags are the ones written here. Pure: no I/O.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$")
BULLET = re.compile(r"^[-*]\s+(.*)$")
NUMBERED = re.compile(r"^\d{1,3}[.)]\s+(.*)$")
IMAGE = re.compile(r"^!\[([^\]]*)\]\((img/[a-z0-9-]+\.png)\)$")
INLINE = re.compile(r"`([^`]+)`|\*\*(.+?)\*\*|\[([^\]]+)\]\(([^)\s]+)\)")
# Where a link may point: the web, or another page of the guide (by its bare name).
WEB_HREF = re.compile(r"^https?://[^\s\"'<>]+$")
PAGE_HREF = re.compile(r"^[a-z]+$")
Mapper = Callable[[str], str]


def _same(href: str) -> str:
    return href


@dataclass(frozen=True)
class Block:
    kind: str  # h1 h2 h3 p ul ol img
    items: tuple[str, ...]  # the inline text of a heading or paragraph (one), or of each item
    src: str = ""  # img: the file under the page's folder (img/name.png)


def parse(text: str) -> list[Block]:
    blocks: list[Block] = []
    lines: list[str] = []
    kind = ""

    def flush() -> None:
        nonlocal lines, kind
        if lines:
            blocks.append(Block(kind, tuple(lines)))
        lines, kind = [], ""

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        heading, image = HEADING.match(line), IMAGE.match(line)
        item = BULLET.match(line) or NUMBERED.match(line)
        if heading is not None or image is not None:
            flush()
            if heading is not None:
                blocks.append(Block(f"h{len(heading.group(1))}", (heading.group(2),)))
            elif image is not None:
                blocks.append(Block("img", (image.group(1),), image.group(2)))
        elif item is not None and not raw.startswith((" ", "\t")):
            wanted = "ul" if BULLET.match(line) else "ol"
            if kind != wanted:
                flush()
                kind = wanted
            lines.append(item.group(1))
        elif kind in ("ul", "ol") and raw.startswith((" ", "\t")):
            lines[-1] += " " + line  # the item goes on
        else:
            if kind in ("ul", "ol"):
                flush()
            kind = "p"
            lines = [" ".join([*lines, line])]
    flush()
    return blocks


def inline(text: str, page_url: Mapper = _same) -> str:
    """One block's text as HTML: escaped, with bold, code and safe links (``page_url`` maps
    another page's name to where it is read)."""
    out: list[str] = []
    at = 0
    for match in INLINE.finditer(text):
        out.append(html.escape(text[at:match.start()]))
        code, bold, label, href = match.groups()
        if code is not None:
            out.append(f"<code>{html.escape(code)}</code>")
        elif bold is not None:
            out.append(f"<strong>{inline(bold, page_url)}</strong>")
        elif WEB_HREF.match(href) or PAGE_HREF.match(href):
            target = href if WEB_HREF.match(href) else page_url(href)
            out.append(f'<a href="{html.escape(target)}">{inline(label, page_url)}</a>')
        else:
            out.append(inline(label, page_url))  # an unsafe target: the words stay, not the link
        at = match.end()
    out.append(html.escape(text[at:]))
    return "".join(out)


def plain(text: str) -> str:
    """What a reader sees of one block's text (for the glossary test and the page title)."""
    return html.unescape(re.sub(r"<[^>]+>", "", inline(text)))


def render(blocks: list[Block], image_url: Mapper, page_url: Mapper = _same) -> str:
    """The blocks as HTML; ``image_url`` maps ``img/name.png`` to where the page finds it,
    ``page_url`` another page's name to its address."""
    out = []
    for block in blocks:
        if block.kind == "img":
            alt = html.escape(block.items[0])
            out.append(f'<figure><img src="{html.escape(image_url(block.src))}" alt="{alt}">'
                       "</figure>")
        elif block.kind in ("ul", "ol"):
            items = "".join(f"<li>{inline(item, page_url)}</li>" for item in block.items)
            out.append(f"<{block.kind}>{items}</{block.kind}>")
        else:
            out.append(f"<{block.kind}>{inline(block.items[0], page_url)}</{block.kind}>")
    return "\n".join(out)


def images(blocks: list[Block]) -> list[str]:
    """The pictures a page shows (``img/name.png``), in order."""
    return [block.src for block in blocks if block.kind == "img"]

"""Where an anchored comment's passage went in the next version (pure; the comparison
worker's child process runs it beside services/comparison.py).

Each quote is looked for in the new version's pages after the same normalisation
(Unicode NFKC, soft hyphens and hyphenation at line ends dropped, whitespace squeezed,
case folded):

- found as it was → **unchanged**, on the page where it is (the one nearest the old page
  when it occurs more than once);
- else the best fuzzy match (rapidfuzz's ``partial_ratio`` of the quote against a page, with
  the previous page's tail so a passage cut by a page break is found; only the
  ``CANDIDATES`` pages sharing most of the quote's words are tried) scoring at least
  ``CHANGED_MIN`` → **changed**, on that page;
- else **removed**.

A DOCX has no pages: its text is one "page" and the new page is left out (None).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from services.vocabulary import PassageState

# Below this score (0..100) the passage counts as gone.
CHANGED_MIN = 60.0
# How much of the previous page is put before a page (passages cut by a page break).
CARRY = 400
QUOTE_MAX = 2000
# Pages (those sharing the most words with the quote) given to the fuzzy match.
CANDIDATES = 12
_HYPHEN_BREAK = re.compile(r"(\w)-\s*\n\s*(\w)")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    return _SPACE.sub(" ", text).strip().casefold()


@dataclass(frozen=True)
class Wanted:
    id: int
    page: int
    quote: str


@dataclass(frozen=True)
class Located:
    id: int
    state: PassageState
    page: int | None  # in the new version (None: removed, or a document without pages)

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "state": self.state.value, "page": self.page}

    @classmethod
    def from_dict(cls, raw: dict[str, object]) -> Located:
        page = raw.get("page")
        return cls(int(str(raw["id"])), PassageState(str(raw["state"])),
                   int(str(page)) if page is not None else None)


class Pages:
    """A version's pages, normalised once for every quote looked for in them."""

    def __init__(self, pages: Sequence[str], paged: bool = True) -> None:
        self.paged = paged
        self.texts = [normalise(page) for page in pages]
        # Each page with the tail of the one before, for fuzzy matches across a break.
        self.windows = [(self.texts[i - 1][-CARRY:] + " " if i else "") + text
                        for i, text in enumerate(self.texts)]
        self.words = [set(window.split()) for window in self.windows]

    def _page(self, index: int) -> int | None:
        return index + 1 if self.paged else None

    def locate(self, wanted: Wanted) -> Located:
        quote = normalise(wanted.quote)[:QUOTE_MAX]
        if not quote or not self.texts:
            return Located(wanted.id, PassageState.REMOVED, None)
        near = sorted(range(len(self.texts)), key=lambda i: abs(i + 1 - wanted.page))
        for index in near:
            if quote in self.windows[index]:
                # Within the carried tail only: it is the previous page's.
                if quote not in self.texts[index] and index and \
                        quote in self.texts[index - 1]:
                    index -= 1
                return Located(wanted.id, PassageState.UNCHANGED, self._page(index))
        # Fuzzy matching on the pages sharing the most of the quote's words only.
        words = set(quote.split())
        overlap = {i: len(words & self.words[i]) for i in near}
        candidates = sorted(near, key=lambda i: -overlap[i])[:CANDIDATES]
        # Imported here: the bot process imports this module for ``Located``/``Wanted`` only;
        # the comparison's child preloads rapidfuzz (bot/isolation.py).
        from rapidfuzz import fuzz

        best, best_score = -1, CHANGED_MIN
        for index in candidates:
            score = fuzz.partial_ratio(quote, self.windows[index], score_cutoff=best_score)
            if score > best_score:
                best, best_score = index, score
                if score >= 99.5:
                    break
        if best < 0:
            return Located(wanted.id, PassageState.REMOVED, None)
        return Located(wanted.id, PassageState.CHANGED, self._page(best))


def relocate(pages: Sequence[str], wanted: Sequence[Wanted], paged: bool = True
             ) -> list[Located]:
    found = Pages(pages, paged)
    return [found.locate(item) for item in wanted]


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF (the child process only)."""
    import pypdfium2 as pdfium

    from services.text_diff import MAX_PAGES, Unreadable

    pdf = pdfium.PdfDocument(data)
    try:
        if len(pdf) > MAX_PAGES:
            raise Unreadable("too_many_pages")
        texts = []
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                try:
                    texts.append(str(textpage.get_text_range()))
                finally:
                    textpage.close()
            finally:
                page.close()
        return texts
    finally:
        pdf.close()

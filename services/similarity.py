"""Text a thesis shares with the other theses of the deployment (pure; run in a child).

The comparison worker (bot/workers/comparison.py) runs this in the same child process as
"what changed" (bot/isolation.py: time and memory limits), on the text it extracted. Two
steps, with the database in between (the child has none):

1. ``fingerprint``: the version's words, normalised, and the locality-sensitive hashes
   (LSH bands) of its MinHash signatures. The parent stores the *chunk* bands in
   ``similarity_bands`` (every replica reads them; they survive restarts) and looks the
   *window* bands up there to find candidate theses.
2. ``check``: the exact passage match of the version against each candidate's stored text:
   runs of at least ``MIN_RUN`` words the two share. Their words over the version's words is
   the shared share; the HTML report shows each passage beside the other thesis's.

Normalisation. Text in quotation marks ("…", «…», “…”, „…“, within a paragraph) and the
bibliography (from a heading "References", "Bibliography", «Список литературы»,
«Литература»… to the end) are left out of both sides. Words are lower-cased (``casefold``),
``ё`` is ``е``, punctuation and spacing are gone, and a word mixing Latin and Cyrillic
letters has its look-alike letters (а/a, е/e, о/o, р/p, с/c…) turned into the script most of
its letters are in, so that "rеsearch" with a Cyrillic е is "research".

The index (the algorithm; datasketch's MinHash is the reference, see the unit tests):

- a shingle is ``SHINGLE`` consecutive words; its 32-bit hash is a polynomial of its words'
  64-bit hashes (blake2b), cut to 32 bits;
- a *chunk* is a paragraph (a longer one is cut into even pieces of at most ``CHUNK``
  words); its MinHash signature has ``NUM_PERM`` values, each the minimum over the chunk's
  shingles of datasketch's permutation ``((a·h + b) mod (2⁶¹−1)) & (2³²−1)`` (the same
  ``a``, ``b`` and seed as ``datasketch.MinHash(NUM_PERM, SEED, scheme="legacy")``, so a
  chunk's signature is the one ``update_batch`` gives: a unit test checks it);
- the signature is cut into ``BANDS`` bands of ``ROWS`` values; each band is hashed into one
  signed 64-bit number (the band's index is mixed in). Two chunks with Jaccard similarity
  ``s`` share a band with probability ``1 − (1 − s^ROWS)^BANDS``: a copied paragraph (s = 1)
  always;
- a version is *stored* as the bands of its chunks, and *looked up* with the bands of its
  chunks and of its *windows* (``WINDOW`` words every ``STEP`` words), so that a passage
  copied into a paragraph of one's own is found too (a window lies within ``STEP/2`` words
  of the copied paragraph).

Every input is bounded: at most ``MAX_WORDS`` words of a version are read, at most
``MAX_POSITIONS`` places of one 8-word run are remembered (a text repeating itself cannot
make the match quadratic), at most ``MAX_CANDIDATES`` theses are compared.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from services.text_diff import DocumentText

SHINGLE = 5
CHUNK = 80  # words of a stored chunk at most (a paragraph, or an even piece of one)
WINDOW = 50  # words of a looked-up window
STEP = 10  # words between two looked-up windows
NUM_PERM = 4
BANDS = 2
ROWS = 2
SEED = 1
MIN_RUN = 8  # words: a shorter run in common is chance
MAX_WORDS = 400_000
MAX_POSITIONS = 16
MAX_CANDIDATES = 12
MAX_PASSAGE_CHARS = 4000
FORMAT = 1

_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
_POLY = np.uint64(0x9E3779B97F4A7C15)

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_QUOTED = re.compile(r"\"[^\"\n]*\"|«[^«»\n]*»|“[^“”\n]*”|„[^„“”\n]*[“”]")
_BIBLIOGRAPHY = re.compile(
    r"^\s*(?:\d{1,2}\.?\s*)?(?:references|bibliography|works cited|literature|"
    r"list of references|список\s+(?:использованной\s+|использованных\s+)?"
    r"(?:литературы|источников)|литература|библиография)\s*:?\s*$", re.IGNORECASE)
_LATIN = re.compile("[a-z]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_CYR_TO_LAT = str.maketrans("аесорхукіјԁһмтвн", "aecopxykijdhmtbh")
_LAT_TO_CYR = str.maketrans("aecopxyk", "аесорхук")


# --- normalisation ----------------------------------------------------------------------

@dataclass(frozen=True)
class Words:
    """A version's words as compared, and the paragraph each one is in."""

    words: list[str]
    paragraphs: list[str]
    paragraph_of: list[int]  # per word
    first: list[int]  # per paragraph: the index of its first word

    def passage(self, start: int, end: int) -> str:
        """The original text of words [start, end), paragraphs joined by a line break."""
        first, last = self.paragraph_of[start], self.paragraph_of[end - 1]
        parts = []
        for index in range(first, last + 1):
            spans = _tokens(self.paragraphs[index])
            a = spans[start - self.first[index]][0] if index == first else 0
            b = spans[end - 1 - self.first[index]][1] if index == last \
                else len(self.paragraphs[index])
            parts.append(self.paragraphs[index][a:b])
        return "\n".join(parts)[:MAX_PASSAGE_CHARS]


def is_bibliography_heading(line: str) -> bool:
    return len(line) <= 80 and _BIBLIOGRAPHY.match(line) is not None


@functools.lru_cache(maxsize=1 << 17)
def fold(word: str) -> str:
    """One word as compared: lower case, ``ё`` as ``е``, look-alike letters in one script."""
    word = unicodedata.normalize("NFKC", word).casefold().replace("ё", "е")
    if _LATIN.search(word) and _CYRILLIC.search(word):
        latin, cyrillic = len(_LATIN.findall(word)), len(_CYRILLIC.findall(word))
        word = word.translate(_CYR_TO_LAT if latin >= cyrillic else _LAT_TO_CYR)
    return word


def _tokens(paragraph: str) -> list[tuple[int, int]]:
    """Where the counted words of a paragraph are: every word outside quotation marks."""
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(paragraph)]
    return [(m.start(), m.end()) for m in _WORD.finditer(paragraph)
            if not any(a <= m.start() < b for a, b in quoted)]


def words_of(text: DocumentText) -> Words:
    """The words that count: no quotations, nothing from the bibliography on."""
    out = Words([], [], [], [])
    for section in text.sections:
        if is_bibliography_heading(section.title) \
                or is_bibliography_heading(f"{section.number} {section.title}"):
            break
        for paragraph in section.paragraphs:
            if is_bibliography_heading(paragraph):
                return out
            if _QUOTED.search(paragraph):
                found = [paragraph[a:b] for a, b in _tokens(paragraph)]
            else:
                found = _WORD.findall(paragraph)
            found = found[:MAX_WORDS - len(out.words)]
            out.first.append(len(out.words))
            out.paragraph_of.extend([len(out.paragraphs)] * len(found))
            out.paragraphs.append(paragraph)
            out.words.extend(map(fold, found))
            if len(out.words) >= MAX_WORDS:
                return out
    return out


# --- MinHash and LSH --------------------------------------------------------------------

def _word_ids(words: Sequence[str]) -> npt.NDArray[np.uint64]:
    cache: dict[str, int] = {}
    ids = np.empty(len(words), dtype=np.uint64)
    for i, word in enumerate(words):
        value = cache.get(word)
        if value is None:
            value = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(),
                                   "little")
            cache[word] = value
        ids[i] = value
    return ids


def _grams(ids: npt.NDArray[np.uint64], size: int) -> npt.NDArray[np.uint64]:
    """A 64-bit hash of every run of ``size`` words (a polynomial, wrapping)."""
    count = len(ids) - size + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint64)
    out = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(size):
            out = out * _POLY + ids[k:k + count]
    return out


def shingle_hashes(words: Sequence[str]) -> npt.NDArray[np.uint64]:
    """The 32-bit hash of each shingle (the values datasketch's MinHash is fed)."""
    return _grams(_word_ids(words), SHINGLE) & _MAX_HASH


def permutations() -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """datasketch's (a, b) of its "legacy" scheme for ``NUM_PERM`` and ``SEED``, drawn as
    ``MinHash._init_permutations`` draws them (datasketch itself imports scipy, too big for
    the child's address space; a unit test checks the two agree)."""
    generator = np.random.RandomState(SEED)
    pairs = np.array([(generator.randint(1, int(_MERSENNE), dtype=np.uint64),
                       generator.randint(0, int(_MERSENNE), dtype=np.uint64))
                      for _ in range(NUM_PERM)], dtype=np.uint64).T
    return pairs[0], pairs[1]


_A, _B = permutations()


def permuted(hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """Each shingle hash under each permutation: shape (shingles, NUM_PERM)."""
    with np.errstate(over="ignore"):
        out: npt.NDArray[np.uint64] = np.bitwise_and(
            (hashes[:, None] * _A + _B) % _MERSENNE, _MAX_HASH)
    return out


def _ranges(paragraph_of: Sequence[int]) -> list[tuple[int, int]]:
    """The stored chunks as word ranges: each paragraph, cut into even pieces of at most
    ``CHUNK`` words; none shorter than ``MIN_RUN`` words."""
    out: list[tuple[int, int]] = []
    start = 0
    for end in range(1, len(paragraph_of) + 1):
        if end < len(paragraph_of) and paragraph_of[end] == paragraph_of[start]:
            continue
        size = end - start
        pieces = -(-size // CHUNK)
        for k in range(pieces):
            a, b = start + size * k // pieces, start + size * (k + 1) // pieces
            if b - a >= MIN_RUN:
                out.append((a, b))
        start = end
    return out


def _windows(words: int) -> list[tuple[int, int]]:
    """The looked-up windows: ``WINDOW`` words every ``STEP`` words (one if shorter)."""
    if words < MIN_RUN:
        return []
    last = max(words - WINDOW, 0)
    starts = list(range(0, last + 1, STEP))
    if starts[-1] != last:
        starts.append(last)
    return [(a, min(a + WINDOW, words)) for a in starts]


def signatures(hashes: npt.NDArray[np.uint64], ranges: Sequence[tuple[int, int]]
               ) -> npt.NDArray[np.uint64]:
    """The MinHash signature of each word range [a, b): the minimum, per permutation, over
    the shingles that start in [a, b − SHINGLE]. Shape (ranges, NUM_PERM)."""
    spans = [(a, b - SHINGLE + 1) for a, b in ranges if b - SHINGLE + 1 > a]
    if not spans or len(hashes) == 0:
        return np.empty((0, NUM_PERM), dtype=np.uint64)
    table = np.vstack([permuted(hashes), np.full((1, NUM_PERM), _MAX_HASH, dtype=np.uint64)])
    bounds = np.array([x for span in spans for x in span], dtype=np.intp)
    bounds = np.minimum(bounds, len(hashes))
    out: npt.NDArray[np.uint64] = np.minimum.reduceat(table, bounds, axis=0)[::2]
    return out


def band_hashes(signatures: npt.NDArray[np.uint64]) -> list[int]:
    """The distinct LSH band hashes of these signatures, as signed 64-bit integers."""
    if len(signatures) == 0:
        return []
    out = set()
    with np.errstate(over="ignore"):
        for band in range(BANDS):
            value = np.full(len(signatures), np.uint64(band + 1) * _POLY, dtype=np.uint64)
            for row in range(ROWS):
                value = (value ^ signatures[:, band * ROWS + row]) * np.uint64(
                    0xBF58476D1CE4E5B9)
                value ^= value >> np.uint64(31)
            out.update(value.view(np.int64).tolist())
    return sorted(out)


@dataclass(frozen=True)
class Fingerprint:
    words: int
    chunks: list[int]  # stored bands
    windows: list[int]  # looked-up bands


def fingerprint(text: DocumentText) -> Fingerprint:
    words = words_of(text)
    hashes = shingle_hashes(words.words)
    chunks = _ranges(words.paragraph_of)
    return Fingerprint(words=len(words.words),
                       chunks=band_hashes(signatures(hashes, chunks)),
                       windows=band_hashes(signatures(hashes, [*chunks,
                                                               *_windows(len(words.words))])))


# --- the exact passage match --------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    """Another thesis's version the index proposed, with what the report says of it."""

    submission_id: int
    title: str
    year: int
    supervisor: str
    text: DocumentText


@dataclass(frozen=True)
class Passage:
    start: int  # word positions in this version
    end: int
    source_start: int  # in the other thesis
    source_end: int


@dataclass(frozen=True)
class SourceMatch:
    submission_id: int
    title: str
    year: int
    supervisor: str
    words: int  # of this version's words shared with this source
    passages: tuple[Passage, ...]
    source_words: Words = field(repr=False)


@dataclass(frozen=True)
class Check:
    words: int  # counted words of the version
    shared: int  # of them in a passage shared with any source
    sources: tuple[SourceMatch, ...]  # most shared first

    @property
    def percent(self) -> float:
        return 100.0 * self.shared / self.words if self.words else 0.0

    def summary(self) -> dict[str, Any]:
        """What is stored and shown on the card (no other thesis's text)."""
        return {"format": FORMAT, "words": self.words, "shared": self.shared,
                "percent": round(self.percent, 2),
                "sources": [{"submission_id": s.submission_id, "title": s.title,
                             "year": s.year, "words": s.words,
                             "percent": round(100.0 * s.words / self.words, 2)
                             if self.words else 0.0,
                             "passages": len(s.passages)} for s in self.sources]}


def shared_runs(mine: Sequence[str], theirs: Sequence[str],
                min_run: int = MIN_RUN) -> list[Passage]:
    """Maximal runs of at least ``min_run`` words found in both, greedy from the start of
    ``mine``; each of ``mine``'s words is in one passage at most. Of the places a run of
    ``min_run`` words has in ``theirs``, the first ``MAX_POSITIONS`` are tried."""
    if len(mine) < min_run or len(theirs) < min_run:
        return []
    vocabulary = {word: k for k, word in enumerate({*mine, *theirs}, start=1)}
    a = np.fromiter(map(vocabulary.__getitem__, mine), dtype=np.uint64, count=len(mine))
    b = np.fromiter(map(vocabulary.__getitem__, theirs), dtype=np.uint64, count=len(theirs))
    grams_a, grams_b = _grams(a, min_run), _grams(b, min_run)
    order = np.argsort(grams_b, kind="stable")
    sorted_b = grams_b[order]
    hits = np.flatnonzero(np.isin(grams_a, sorted_b))
    runs: list[Passage] = []
    covered = 0  # mine's words before this are in a passage already
    for i in hits.tolist():
        if i < covered:
            continue
        value = grams_a[i]
        low = int(np.searchsorted(sorted_b, value, "left"))
        high = min(int(np.searchsorted(sorted_b, value, "right")), low + MAX_POSITIONS)
        best_len, best_j = 0, -1
        for j in order[low:high].tolist():
            length = _common_prefix(a, i, b, j)
            if length > best_len:
                best_len, best_j = length, j
        if best_len >= min_run:
            runs.append(Passage(i, i + best_len, best_j, best_j + best_len))
            covered = i + best_len
    return runs


def _common_prefix(a: npt.NDArray[np.uint64], i: int, b: npt.NDArray[np.uint64],
                   j: int) -> int:
    """How many words from a[i] and b[j] on are the same (compared a block at a time)."""
    length, block = 0, 64
    while i + length < len(a) and j + length < len(b):
        size = min(block, len(a) - i - length, len(b) - j - length)
        same = a[i + length:i + length + size] == b[j + length:j + length + size]
        if not same.all():
            return length + int(np.argmin(same))
        length += size
        block = min(block * 4, 1 << 16)
    return length


def check(text: DocumentText, candidates: Iterable[Candidate]) -> tuple[Check, Words]:
    """The passages this version shares with each candidate, most shared source first."""
    mine = words_of(text)
    covered = np.zeros(len(mine.words), dtype=bool)
    sources = []
    for candidate in list(candidates)[:MAX_CANDIDATES]:
        theirs = words_of(candidate.text)
        passages = shared_runs(mine.words, theirs.words)
        if not passages:
            continue
        for passage in passages:
            covered[passage.start:passage.end] = True
        sources.append(SourceMatch(
            submission_id=candidate.submission_id, title=candidate.title,
            year=candidate.year, supervisor=candidate.supervisor,
            words=sum(p.end - p.start for p in passages), passages=tuple(passages),
            source_words=theirs))
    sources.sort(key=lambda s: (-s.words, s.submission_id))
    return Check(words=len(mine.words), shared=int(covered.sum()), sources=tuple(sources)), mine


# --- the report ---------------------------------------------------------------------------

HTML_TEXT = {
    "title": "Shared text", "percent": "{percent} % of the text is shared with other theses",
    "none": "No shared text found.", "source": "{title} ({year}, {percent} %)",
    "supervisor": "Supervisor: {supervisor}", "this": "This version", "other": "Other thesis",
    "note": "Text in quotation marks and the bibliography are left out.",
}
_STYLE = (
    "body{font:15px/1.5 system-ui,sans-serif;margin:1.5em auto;max-width:1100px;"
    "padding:0 1em;color:#222}h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em}"
    "table{border-collapse:collapse;width:100%;table-layout:fixed}"
    "td,th{border:1px solid #ccc;padding:.5em;vertical-align:top;text-align:left;"
    "white-space:pre-wrap;overflow-wrap:anywhere}th{background:#f4f4f4}"
    "mark{background:#ffe08a}.meta{color:#555}"
)


def render_html(result: Check, mine: Words, *, title: str, version: int) -> str:
    """The report: every shared passage beside the other thesis's, grouped by source.
    Self-contained (no script, nothing loaded), every text escaped."""
    heading = f"{HTML_TEXT['title']} — v{version}"
    out = [
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>{_e(heading)} — {_e(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{_e(heading)}</h1><p><b>{_e(title)}</b></p>",
        f"<p>{_e(HTML_TEXT['percent'].format(percent=_pct(result.percent)))}</p>",
        f"<p class=\"meta\">{_e(HTML_TEXT['note'])}</p>",
    ]
    if not result.sources:
        out.append(f"<p>{_e(HTML_TEXT['none'])}</p>")
    for index, source in enumerate(result.sources):
        share = 100.0 * source.words / result.words if result.words else 0.0
        out.append(f"<section id=\"s{index}\"><h2>«{_e(source.title)}» "
                   f"<span class=\"meta\">({source.year}, {_pct(share)} %)</span></h2>")
        supervisor = HTML_TEXT["supervisor"].format(supervisor=source.supervisor)
        out.append(f"<p class=\"meta\">{_e(supervisor)}</p>")
        out.append(f"<table><tr><th>{_e(HTML_TEXT['this'])}</th>"
                   f"<th>{_e(HTML_TEXT['other'])}</th></tr>")
        for passage in source.passages:
            left = mine.passage(passage.start, passage.end)
            right = source.source_words.passage(passage.source_start, passage.source_end)
            out.append(f"<tr><td><mark>{_e(left)}</mark></td>"
                       f"<td><mark>{_e(right)}</mark></td></tr>")
        out.append("</table></section>")
    out.append("</body></html>\n")
    return "".join(out)


def _pct(percent: float) -> str:
    if 0 < percent < 1:
        return "<1"
    return str(round(percent))


def _e(text: str) -> str:
    return html.escape(text, quote=True)

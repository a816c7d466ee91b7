"""Text shared with other theses: services/similarity.py on generated theses in English and
Russian (pure functions, no services): the index finds the source of three copied
paragraphs, the passage match flags exactly those, quotations and the bibliography do not
count, an unrelated thesis shares nothing, and hostile text stays bounded."""

from __future__ import annotations

import re
import time

import numpy as np
import pytest
from datasketch import MinHash

from services import similarity
from services.similarity import Candidate, check, fingerprint, render_html, shared_runs, words_of
from services.text_diff import DocumentText, Section
from tests.support.shared_text import copying, document, pick, source_thesis

pytestmark = pytest.mark.unit
LANGUAGES = ["en", "ru"]


def candidate(thesis_doc: DocumentText, title: str = "Graph methods in logistics",
              submission_id: int = 7) -> Candidate:
    return Candidate(submission_id=submission_id, title=title, year=2025,
                     supervisor="Dr Vera Nagel", text=thesis_doc)


def found_by_index(new: DocumentText, old: DocumentText) -> bool:
    """Whether looking the new version up in an index holding the old one proposes it."""
    return bool(set(fingerprint(new).windows) & set(fingerprint(old).chunks))


def normalised(text: str) -> str:
    return " ".join(similarity.fold(w) for w in re.findall(r"[^\W_]+", text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_three_copied_paragraphs_are_found_and_flagged_exactly(language: str) -> None:
    source = source_thesis(language)
    thesis = copying(language, source, "plain")
    new, old = document(thesis), document(source)
    assert found_by_index(new, old)

    result, mine = check(new, [candidate(old, source.title)])

    assert [s.title for s in result.sources] == [source.title]
    passages = result.sources[0].passages
    assert len(passages) == 3
    copied = pick(source)
    assert [normalised(mine.passage(p.start, p.end)) for p in passages] \
        == [normalised(p) for p in copied]
    theirs = result.sources[0].source_words
    assert [theirs.passage(p.source_start, p.source_end) for p in passages] \
        == [p.rstrip(".") for p in copied]
    copied_words = sum(len(words_of(document_of([p])).words) for p in copied)
    assert result.shared == copied_words
    assert result.percent == pytest.approx(100 * copied_words / len(mine.words))
    summary = result.summary()
    assert summary["sources"][0]["title"] == source.title
    assert summary["sources"][0]["passages"] == 3


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("how", ["quoted", "bibliography", "none"])
def test_quoted_bibliography_and_own_text_are_not_shared(language: str, how: str) -> None:
    source = source_thesis(language)
    new, old = document(copying(language, source, how)), document(source)

    result, _mine = check(new, [candidate(old, source.title)])

    assert result.shared == 0 and result.sources == ()
    assert result.summary()["percent"] == 0
    assert not found_by_index(new, old)


def document_of(paragraphs: list[str]) -> DocumentText:
    return DocumentText(pages=None, sections=(Section("1", "Intro", tuple(paragraphs)),))


def test_normalisation_folds_case_punctuation_yo_and_look_alike_letters() -> None:
    text = document_of(["Rеsеarch, RESEARCH… research! Ёлка — ёлка, елка; pабота"])
    # "Rеsеarch" has Cyrillic е's, "pабота" a Latin p: each is read in its majority script
    assert words_of(text).words == ["research"] * 3 + ["елка"] * 3 + ["работа"]


@pytest.mark.parametrize("heading", ["References", "BIBLIOGRAPHY", "Список литературы",
                                     "Литература", "5. Список использованных источников"])
def test_the_bibliography_ends_the_counted_text(heading: str) -> None:
    as_paragraph = document_of(["one two three", heading, "four five six"])
    as_section = DocumentText(pages=None, sections=(
        Section("1", "Intro", ("one two three",)), Section("", heading, ("four five",))))
    assert words_of(as_paragraph).words == ["one", "two", "three"]
    assert words_of(as_section).words == ["one", "two", "three"]


def test_quotations_in_any_of_the_marks_are_left_out() -> None:
    text = document_of(['a "b c" d «e f» g “h i” j „k l“ m', 'unclosed "n o'])
    assert words_of(text).words == ["a", "d", "g", "j", "m", "unclosed", "n", "o"]


def test_chunk_signature_is_datasketchs_minhash() -> None:
    words = [f"w{i % 97}" for i in range(300)]
    hashes = similarity.shingle_hashes(words)
    signature = similarity.signatures(hashes, [(10, 90)])[0]
    reference = MinHash(num_perm=similarity.NUM_PERM, seed=similarity.SEED,
                        hashfunc=lambda value: value, scheme="legacy")
    reference.update_batch([int(h) for h in hashes[10:90 - similarity.SHINGLE + 1]])
    assert np.array_equal(reference.hashvalues, signature)


def test_a_long_thesis_is_fingerprinted_and_checked_quickly() -> None:
    source = source_thesis("en", words=20000)
    thesis = copying("en", source, "plain", words=20000)
    started = time.process_time()
    found = fingerprint(document(thesis))
    result, _mine = check(document(thesis), [candidate(document(source))] * 3)
    # Generous: the benchmark holds the budget; this catches a quadratic slip.
    assert time.process_time() - started < 10
    assert [len(s.passages) for s in result.sources] == [3, 3, 3]
    assert result.shared == result.sources[0].words  # a word shared twice counts once
    assert 100 < len(found.chunks) < 2000


def test_hostile_repetition_stays_linear() -> None:
    mine = ["the"] * 50000
    started = time.process_time()
    runs = shared_runs(mine, ["the"] * 40000)
    assert time.process_time() - started < 5
    assert sum(r.end - r.start for r in runs) == 50000


def test_the_report_is_self_contained_and_escaped() -> None:
    source = document_of(["<script>alert(1)</script> " + " ".join(f"w{i}" for i in range(30))])
    mine = document_of(["mine " + " ".join(f"w{i}" for i in range(30))])
    result, words = check(mine, [Candidate(1, "<b>Title</b>", 2024, "Dr <i>X</i>", source)])
    page = render_html(result, words, title="My & thesis", version=2)
    assert "default-src 'none'" in page
    assert "<script" not in page and "&lt;b&gt;Title&lt;/b&gt;" in page
    assert "Dr &lt;i&gt;X&lt;/i&gt;" in page and "My &amp; thesis" in page
    assert "<td><mark>w0 w1" in page

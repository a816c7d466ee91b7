"""Where an anchored comment's passage went in the next version (services/relocate.py), and
how an anchored comment reads as a checklist item (services/anchors.py). Pure."""

from __future__ import annotations

import random

import pytest

from services.anchors import InvalidAnchor, clean_rects, item_text, short_quote
from services.relocate import Located, Pages, Wanted, normalise, relocate
from services.vocabulary import PassageState

WORDS = ("thesis graph network model training data result method section figure table "
         "baseline accuracy loss layer node edge attention sample error metric study "
         "approach corpus feature").split()


def filler(seed: int, words: int = 450) -> str:
    rng = random.Random(seed)
    lines, line = [], []
    for _ in range(words):
        line.append(rng.choice(WORDS))
        if len(line) == 12:
            lines.append(" ".join(line))
            line = []
    return "\r\n".join(lines) + "."


CLAIM = "Cats sleep sixteen hours a day, which our survey of 212 owners confirms."
METHOD = "We trained the classifier for forty epochs with a cosine learning-rate schedule."


def test_a_passage_left_as_it_was_is_unchanged_on_its_new_page() -> None:
    old = [filler(1), filler(2) + " " + METHOD, filler(3)]
    new = [filler(10), filler(11), filler(12) + "\r\n" + METHOD.replace("cosine ",
                                                                         "cosine\r\n")]
    [found] = relocate(new, [Wanted(7, 2, METHOD)])
    assert found == Located(7, PassageState.UNCHANGED, 3)
    assert relocate(old, [Wanted(7, 2, METHOD)])[0].page == 2


def test_a_rewritten_passage_is_changed_and_a_deleted_one_removed() -> None:
    rewritten = "Cats sleep about sixteen hours a day, which our survey of 240 owners supports."
    new = [filler(20), filler(21) + " " + rewritten, filler(22)]
    changed, removed = relocate(new, [Wanted(1, 2, CLAIM), Wanted(2, 2, METHOD)])
    assert (changed.state, changed.page) == (PassageState.CHANGED, 2)
    assert (removed.state, removed.page) == (PassageState.REMOVED, None)


def test_a_passage_cut_by_a_page_break_is_found_where_it_starts() -> None:
    first, _, second = METHOD.partition(" with ")
    first, second = first + " with", second
    new = [filler(30), filler(31) + " " + first, second + " " + filler(32)]
    [found] = relocate(new, [Wanted(3, 2, METHOD)])
    assert found.state is PassageState.UNCHANGED and found.page in (2, 3)


def test_of_two_copies_the_one_nearest_the_old_page_is_taken() -> None:
    pages = [METHOD + " " + filler(n) for n in range(8)]
    assert Pages(pages).locate(Wanted(1, 6, METHOD)).page == 6
    assert Pages(pages).locate(Wanted(1, 1, METHOD)).page == 1


def test_a_document_without_pages_says_no_page() -> None:
    [found] = relocate([filler(5) + " " + METHOD], [Wanted(1, 4, METHOD)], paged=False)
    assert found == Located(1, PassageState.UNCHANGED, None)
    assert Located.from_dict(found.to_dict()) == found


def test_normalisation_ignores_case_spacing_soft_hyphens_and_hyphenation() -> None:
    assert normalise("Learn-\r\n ing  RATE\u00ad s") == normalise("learning rate s")


def test_an_anchored_comment_reads_as_page_quote_and_comment() -> None:
    assert item_text(2, CLAIM, "Which survey? Cite it.") == \
        f"p. 2 «{CLAIM}» — Which survey? Cite it."
    long = "word " * 60
    quoted = short_quote(long)
    assert quoted.endswith("…") and len(quoted) <= 80
    assert item_text(5, "", "Blurry figure") == "p. 5 — Blurry figure"


@pytest.mark.parametrize("rects", [[[0, 0, 0, 0.1]], [[0.5, 0.5, 2, 0.1]], [[0.1, 0.2, 0.3]],
                                   [[float("nan"), 0, 0.1, 0.1]], [[0, 0, 0.1, 0.1]] * 65])
def test_a_position_outside_the_page_is_refused(rects: list[list[float]]) -> None:
    with pytest.raises(InvalidAnchor):
        clean_rects(rects)

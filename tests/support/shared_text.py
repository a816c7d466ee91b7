"""Generated theses for the shared-text tests, in English and in Russian: a source thesis,
and theses that copy three of its paragraphs plainly, in quotation marks, or into their
bibliography, or copy nothing."""

from __future__ import annotations

import random
from dataclasses import dataclass

from services.text_diff import DocumentText, Section
from tests.support.theses import GenSection, GenThesis, Writer

RU_SYLLABLES = ("ка", "ло", "ми", "рен", "тос", "ва", "ни", "дел", "пар", "сон", "те", "бри",
                "ган", "у", "зен", "ор", "фал", "дис", "не", "мо")
HEADINGS = {"en": "References", "ru": "Список литературы"}
QUOTES = {"en": ("“", "”"), "ru": ("«", "»")}


class RuWriter(Writer):
    def __init__(self, seed: int = 1) -> None:
        super().__init__(seed)
        rng = random.Random(seed + 1000)
        words: set[str] = set()
        while len(words) < 3000:
            words.add("".join(rng.choice(RU_SYLLABLES) for _ in range(rng.randint(1, 4))))
        self.words = sorted(words)


def writer(language: str, seed: int) -> Writer:
    return RuWriter(seed) if language == "ru" else Writer(seed)


@dataclass
class Case:
    source: GenThesis
    copied: list[str]  # the three paragraphs, as the source has them


def source_thesis(language: str, words: int = 3000, seed: int = 11) -> GenThesis:
    thesis = writer(language, seed).thesis(words, chapters=3, per_chapter=2)
    thesis.title = "Графовые методы в логистике" if language == "ru" \
        else "Graph methods in logistics"
    return thesis


def pick(source: GenThesis) -> list[str]:
    """Three paragraphs of the source, from three different sections."""
    with_text = [s for s in source.sections if len(s.paragraphs) >= 2]
    return [with_text[0].paragraphs[1], with_text[2].paragraphs[0], with_text[4].paragraphs[1]]


def copying(language: str, source: GenThesis, how: str = "plain", words: int = 3000,
            seed: int = 23, title: str | None = None) -> GenThesis:
    """A thesis of its own text with the source's three paragraphs copied ``how``: "plain"
    (in three places of its own), "quoted" (each in quotation marks) or "bibliography"
    (after a References heading at the end); "none" copies nothing."""
    thesis = writer(language, seed).thesis(words, chapters=3, per_chapter=2)
    thesis.title = title or ("Моя работа" if language == "ru" else "My own thesis")
    if how == "none":
        return thesis
    copied = pick(source)
    if how == "bibliography":
        thesis.sections.append(GenSection("", HEADINGS[language], copied))
        return thesis
    opening, closing = QUOTES[language]
    places = [s for s in thesis.sections if s.paragraphs]
    for place, paragraph in zip([places[1], places[3], places[5]], copied, strict=True):
        text = f"{opening}{paragraph}{closing}" if how == "quoted" else paragraph
        place.paragraphs.insert(1, text)
    return thesis


def document(thesis: GenThesis) -> DocumentText:
    """What the comparison's extraction gives for a thesis (its sections of paragraphs)."""
    return DocumentText(pages=None, sections=tuple(
        Section(s.number, s.title, tuple(s.paragraphs)) for s in thesis.sections))

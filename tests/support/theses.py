"""Generated theses for the comparison tests and the benchmark: a thesis as sections of
paragraphs, a revision of it with known edits, and its PDF (fpdf2, with an outline) and
DOCX (python-docx, heading styles)."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field, replace

SYLLABLES = ("ka", "lo", "mi", "ren", "tos", "va", "qui", "del", "par", "son", "te", "bri",
             "gan", "u", "xen", "or", "fal", "dis", "ne", "mo")


def vocabulary(size: int = 3000, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))))
    return sorted(words)


@dataclass
class GenSection:
    number: str
    title: str
    paragraphs: list[str] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}"


@dataclass
class GenThesis:
    title: str
    sections: list[GenSection]

    def copy(self) -> GenThesis:
        return GenThesis(self.title, [replace(s, paragraphs=list(s.paragraphs))
                                      for s in self.sections])

    @property
    def words(self) -> int:
        return sum(len(p.split()) for s in self.sections for p in s.paragraphs)

    def section(self, number: str) -> GenSection:
        return next(s for s in self.sections if s.number == number)


class Writer:
    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.words = vocabulary()

    def sentence(self, words: int | None = None) -> str:
        count = words or self.rng.randint(8, 18)
        text = " ".join(self.rng.choice(self.words) for _ in range(count))
        return text[0].upper() + text[1:] + "."

    def paragraph(self, sentences: int | None = None) -> str:
        return " ".join(self.sentence() for _ in range(sentences or self.rng.randint(4, 7)))

    def thesis(self, words: int, chapters: int = 6, per_chapter: int = 4) -> GenThesis:
        sections: list[GenSection] = []
        titles = iter(self.words[::7])
        for chapter in range(1, chapters + 1):
            sections.append(GenSection(str(chapter), next(titles).title()))
            for sub in range(1, per_chapter + 1):
                sections.append(GenSection(f"{chapter}.{sub}", next(titles).title()))
        thesis = GenThesis("A generated thesis", sections)
        index = 0
        while thesis.words < words:
            sections[index % len(sections)].paragraphs.append(self.paragraph())
            index += 1
        return thesis

    def revise(self, thesis: GenThesis, share: float) -> GenThesis:
        """About ``share`` of the words changed: whole paragraphs rewritten here and there."""
        revised = thesis.copy()
        paragraphs = [(s, i) for s in revised.sections for i in range(len(s.paragraphs))]
        target = share * thesis.words  # words removed; as many come in
        done = 0
        for section, index in self.rng.sample(paragraphs, len(paragraphs)):
            if done >= target:
                break
            old = section.paragraphs[index]
            sentences = old.split(". ")
            keep = sentences[: len(sentences) // 2]
            new = ". ".join(keep + [self.sentence() for _ in sentences[len(keep):]])
            section.paragraphs[index] = new if new.endswith(".") else new + "."
            done += len(old.split()) - len(". ".join(keep).split())
        return revised


def to_pdf(thesis: GenThesis, *, outline: bool = True) -> bytes:
    return pdf_and_pages(thesis, outline=outline)[0]


def pdf_and_pages(thesis: GenThesis, *, outline: bool = True) -> tuple[bytes, int]:
    """The thesis as a PDF, and how many pages fpdf2 made of it."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_margins(22, 20, 22)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 10, thesis.title, new_x="LMARGIN", new_y="NEXT")
    for section in thesis.sections:
        level = section.number.count(".")
        if level == 0:
            pdf.add_page()
        if outline:
            pdf.start_section(section.heading, level=level)
        pdf.set_font("Helvetica", "B", 14 if level == 0 else 12)
        pdf.ln(3)
        pdf.multi_cell(0, 8, section.heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 11)
        for paragraph in section.paragraphs:
            pdf.multi_cell(0, 5.5, paragraph, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2.5)
    return bytes(pdf.output()), pdf.pages_count


def scanned_pdf(pages: int = 3) -> bytes:
    """Pages with pictures only (drawn shapes), no text: what a scan looks like inside."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    for page in range(pages):
        pdf.add_page()
        for row in range(30):
            pdf.rect(20, 20 + row * 8, 120 + (row * 7 + page) % 50, 4, style="F")
    return bytes(pdf.output())


def to_docx(thesis: GenThesis) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(thesis.title, level=0)
    for section in thesis.sections:
        document.add_heading(section.heading, level=section.number.count(".") + 1)
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()

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


def pdf_and_pages(thesis: GenThesis, *, outline: bool = True,
                  font_size: float = 11) -> tuple[bytes, int]:
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
        pdf.set_font("Helvetica", "", font_size)
        for paragraph in section.paragraphs:
            pdf.multi_cell(0, font_size / 2, paragraph, new_x="LMARGIN", new_y="NEXT")
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


# --- a known set of edits ------------------------------------------------------------

INSERTED = "Moreover the calibrated baseline outperforms every earlier variant on all three datasets."


@dataclass
class Edits:
    old: GenThesis
    new: GenThesis
    added: int
    removed: int
    deleted_sentence: str
    replaced: tuple[str, str]


def known_edits() -> Edits:
    """Five edits: a sentence inserted in 2.1, one deleted from 3.1, a word replaced in 1.2,
    a new section 2.3 Evaluation, section 3.2 removed."""
    writer = Writer(seed=11)
    old = writer.thesis(2500, chapters=3, per_chapter=2)
    new = old.copy()
    # 2.1: a sentence inserted after the first sentence of its first paragraph.
    target = new.section("2.1")
    first, rest = target.paragraphs[0].split(". ", 1)
    target.paragraphs[0] = f"{first}. {INSERTED} {rest}"
    # 3.1: the second sentence of its second paragraph deleted.
    target = new.section("3.1")
    sentences = target.paragraphs[1].split(". ")
    deleted = sentences.pop(1)
    target.paragraphs[1] = ". ".join(sentences)
    # 1.2: one word replaced.
    target = new.section("1.2")
    words = target.paragraphs[0].split(" ")
    replaced = (words[3], "transformerless")
    words[3] = replaced[1]
    target.paragraphs[0] = " ".join(words)
    # A new section after 2.2, and 3.2 gone.
    section = GenSection("2.3", "Evaluation",
                         [writer.paragraph(), "Results in <b>bold</b> & 'quotes' stay text."])
    at = new.sections.index(new.section("2.2")) + 1
    new.sections.insert(at, section)
    removed_section = new.section("3.2")
    new.sections.remove(removed_section)
    added = len(INSERTED.split()) + 1 + sum(len(p.split()) for p in section.paragraphs)
    removed = len(deleted.split()) + 1 + sum(len(p.split()) for p in removed_section.paragraphs)
    return Edits(old, new, added, removed, deleted + ".", replaced)


# --- hostile files (each passes services/documents.py: only the comparison meets them) ----

def text_ops_pdf(ops: int) -> bytes:
    """A small PDF whose one page draws ``ops`` text objects (a compressed stream of ~40
    bytes each): 500,000 take pdfium seconds, 1,000,000 more memory than a child has."""
    import zlib

    content = zlib.compress(b"BT /F1 1 Tf 1 0 0 1 10 10 Tm (x) Tj ET\n" * ops, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return _pdf_file(objects)


ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&lol5;</w:t></w:r></w:p></w:body></w:document>"""


def docx_with(document_xml: bytes, compress: bool = True) -> bytes:
    """A minimal DOCX (what services/documents.py accepts) around the given document.xml."""
    import zipfile

    out = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(out, "w", method) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://'
                         'schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("word/document.xml", document_xml)
    return out.getvalue()


def many_pages_pdf(pages: int, ops: int) -> bytes:
    """Many page objects sharing one content stream of ``ops`` text objects: a few KB,
    little memory, and slow to read (1,000 pages × 20,000 ops: over ten seconds)."""
    import zlib

    content = zlib.compress(b"BT /F1 1 Tf 1 0 0 1 10 10 Tm (x) Tj ET\n" * ops, 9)
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 4 0 R >> >> /Contents 3 0 R >>")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *([page] * pages),
    ]
    return _pdf_file(objects)


def _pdf_file(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)

"""PDF documents the bot hands out (receipts), drawn with fpdf2 in the reader's language.

Cyrillic needs a Unicode TrueType font: DejaVu Sans, which the image installs
(``fonts-dejavu-core``) and ``./dev.sh`` installs when missing. ``RECEIPT_FONT`` may point
at another .ttf. Without any, the PDF falls back to fpdf2's core Helvetica, where letters
outside Latin-1 are replaced (logged once), so a receipt is never refused for a font.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import structlog

from services.assessment import Protocol
from services.assessment_rules import marked_components
from services.receipts import ReceiptData
from services.roster import LinkRow
from telegram.qr import qr_symbol
from telegram.texts import Texts

if TYPE_CHECKING:
    from fpdf import FPDF

log = structlog.get_logger(__name__)

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
)


@cache
def unicode_font() -> Path | None:
    """The .ttf used for every PDF, or None (core Helvetica)."""
    configured = os.environ.get("RECEIPT_FONT")
    for candidate in ((configured,) if configured else ()) + FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    log.warning("pdf_font_missing", tried=list(FONT_CANDIDATES))
    return None


class Document:
    """A plain A4 page of a heading and labelled lines."""

    def __init__(self, title: str) -> None:
        # fpdf2 (with fontTools and Pillow) is ~45 MiB of modules: imported on the first PDF,
        # not by every replica at start (issue 33).
        from fpdf import FPDF

        self.pdf: FPDF = FPDF(format="A4")
        self.pdf.set_title(title)
        self.pdf.set_creator("Thesis Supervisor")
        self.pdf.add_page()
        self.font = unicode_font()
        if self.font is not None:
            self.pdf.add_font("body", fname=str(self.font))
        self._set(16)
        self.pdf.multi_cell(0, 9, self._text(title), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(4)

    def _set(self, size: int) -> None:
        self.pdf.set_font("body" if self.font else "helvetica", size=size)

    def _text(self, value: str) -> str:
        if self.font is not None:
            return value
        return value.encode("latin-1", "replace").decode("latin-1")

    def line(self, label: str, value: str) -> None:
        self._set(9)
        self.pdf.multi_cell(0, 5, self._text(label), new_x="LMARGIN", new_y="NEXT")
        self._set(12)
        self.pdf.multi_cell(0, 7, self._text(value), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def paragraph(self, text: str, size: int = 10) -> None:
        self._set(size)
        self.pdf.ln(2)
        self.pdf.multi_cell(0, 5, self._text(text), new_x="LMARGIN", new_y="NEXT")

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def receipt_pdf(t: Texts, data: ReceiptData) -> bytes:
    """The receipt's page (unsigned: services/receipts.sign adds the signature)."""
    doc = Document(t("receipt.pdf.title"))
    for label, value in (
        ("receipt.pdf.name", data.student_name),
        ("receipt.pdf.thesis", data.title),
        ("receipt.pdf.version", str(data.version)),
        ("receipt.pdf.file", data.file_name),
        ("receipt.pdf.submitted", t.dt(data.submitted_at)),
        ("receipt.pdf.size", t("receipt.pdf.bytes", size=data.size)),
        ("receipt.pdf.sha256", data.sha256),
        ("receipt.pdf.issued", t.dt(data.issued_at)),
    ):
        doc.line(t(label), value)
    doc.paragraph(t("receipt.pdf.signed"), size=9)
    return doc.output()


def protocol_pdf(t: Texts, view: Protocol) -> bytes:
    """The assessment's protocol: each marker's marks and report, the agreed grade, how it was
    agreed, the declaration, and who signed what when (names and times)."""
    released = view.released
    total = released.assessment.agreed_total or 0.0
    doc = Document(t("protocol.pdf.title"))
    doc.line(t("receipt.pdf.name"), view.student.full_name)
    doc.line(t("receipt.pdf.thesis"), released.thesis.title)
    doc.line(t("protocol.pdf.scheme"), ", ".join(
        f"{c.name} {c.weight}" for c in released.rules.components)
        + f" · {released.rules.scale.value}")
    for name, role, row in released.reports:
        marks = ", ".join(f"{c.name} {row.marks.get(c.name)}"
                          for c in marked_components(released.rules))
        doc.line(t("protocol.pdf.marker", name=name, role=t(f"assess.role.{role.value}")),
                 f"{marks} → {row.total:g}")
        if row.report:
            doc.paragraph(row.report[:3000], size=9)
        doc.paragraph(t("protocol.pdf.signed", name=name, at=t.dt(row.submitted_at)), size=8)
    if view.defence is not None:
        defence = view.defence
        mark = f" · {defence.defence_mark}" if defence.defence_mark is not None else ""
        doc.line(t("protocol.pdf.defence"),
                 t("protocol.pdf.defence.when", at=t.dt(defence.starts_at),
                   place=defence.place) + mark)
        doc.paragraph(t("protocol.pdf.defence.committee",
                        committee=", ".join(view.committee)), size=9)
        if defence.minutes:
            doc.paragraph(defence.minutes[:3000], size=9)
        if defence.minutes_at is not None:
            doc.paragraph(t("protocol.pdf.defence.minutes", name=view.minute_taker or "?",
                            at=t.dt(defence.minutes_at)), size=8)
    doc.line(t("protocol.pdf.agreed"),
             f"{released.grade} ({released.rules.scale.value}; {total:g} %) · "
             + t(f"protocol.pdf.how.{released.assessment.agreed_how or 'computed'}"))
    if view.declaration is not None:
        doc.line(t("protocol.pdf.declaration"),
                 f"{t.dt(view.declaration.confirmed_at)} · SHA-256 {view.declaration.sha256}")
    if released.assessment.released_at is not None:
        doc.paragraph(t("protocol.pdf.released", name=view.released_by,
                        at=t.dt(released.assessment.released_at)), size=9)
    return doc.output()


def roster_links_pdf(t: Texts, rows: Sequence[LinkRow], link_base: str) -> bytes:
    """The printable sheet of personal links: per person their name, e-mail and role, the
    link and its QR code, four to a page (cut along the lines)."""
    from fpdf import FPDF  # on the first PDF only, as Document does

    pdf = FPDF(format="A4")
    pdf.set_title(t("roster.pdf.title"))
    pdf.set_creator("Thesis Supervisor")
    font = unicode_font()
    if font is not None:
        pdf.add_font("body", fname=str(font))

    def text(value: str) -> str:
        return value if font is not None else value.encode("latin-1", "replace").decode(
            "latin-1")

    def size(points: int) -> None:
        pdf.set_font("body" if font else "helvetica", size=points)

    pdf.set_auto_page_break(False)
    pdf.set_draw_color(180)
    if not rows:
        pdf.add_page()
        size(12)
        pdf.multi_cell(0, 7, text(t("roster.pdf.none")))
    for index, row in enumerate(rows):
        slot = index % 4
        if slot == 0:
            pdf.add_page()
            size(9)
            pdf.set_xy(10, 8)
            pdf.multi_cell(190, 4, text(t("roster.pdf.how")))
        top = 20 + slot * 68
        link = link_base + row.code
        _qr(pdf, link, x=12, y=top, size=55)
        size(14)
        pdf.text(72, top + 10, text(row.name[:60]))
        size(10)
        pdf.text(72, top + 18, text(f"{row.email} · {t(f'role.{row.role}')}"))
        pdf.text(72, top + 25, text(t("roster.pdf.valid", expires=row.expires_at)))
        size(8)
        pdf.text(72, top + 32, link)
        with pdf.local_context(dash_pattern={"dash": 1, "gap": 1}):
            pdf.line(10, top + 62, 200, top + 62)
    return bytes(pdf.output())


def _qr(pdf: FPDF, link: str, x: float, y: float, size: float) -> None:
    """The link's QR code (telegram/qr.py's symbol) drawn as vector squares, one rectangle
    per run of dark modules written as raw path operators and filled once: sharp at any
    print size, and hundreds of codes in a second or two."""
    matrix = [list(row) for row in qr_symbol(link, fast=True).matrix_iter(border=4)]
    module = size / len(matrix)
    k, height = pdf.k, pdf.h
    ops = []
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            ops.append(f"{(x + start * module) * k:.2f} {(height - y - r * module) * k:.2f} "
                       f"{(c - start) * module * k:.2f} {-module * k:.2f} re")
    pdf._out("q 0 g " + " ".join(ops) + " f Q")

"""Documents for the review desk's tests: a thesis whose page 2 holds two sentences the
supervisor comments on, and its next version with one of them rewritten."""

from __future__ import annotations

from tests.support.theses import Writer

CLAIM = "Cats sleep sixteen hours a day, which our survey of 212 owners confirms."
CLAIM_V2 = "Cats sleep about sixteen hours a day, as our survey of 240 owners suggests."
METHOD = "We trained the classifier for forty epochs with a cosine learning rate schedule."


def pages_pdf(pages: list[str], title: str = "Graph Networks and Cats") -> bytes:
    """A PDF of these pages (fpdf2, Helvetica), each page's text as one paragraph."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(False)
    for index, text in enumerate(pages):
        pdf.add_page()
        pdf.set_font("Helvetica", "B" if index == 0 else "", 16 if index == 0 else 11)
        pdf.multi_cell(0, 6, title if index == 0 else text, new_x="LMARGIN", new_y="NEXT")
        if index == 0:
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _filler(seed: int, sentences: int = 6) -> str:
    writer = Writer(seed)
    return " ".join(writer.sentence() for _ in range(sentences))


def thesis_v1() -> bytes:
    return pages_pdf([_filler(1), f"{_filler(2, 3)} {CLAIM} {_filler(3, 2)} {METHOD} "
                      f"{_filler(4, 2)}", _filler(5)])


def thesis_v2() -> bytes:
    return pages_pdf([_filler(1), f"{_filler(2, 3)} {CLAIM_V2} {_filler(3, 2)} {METHOD} "
                      f"{_filler(4, 2)}", _filler(5), _filler(6)])

"""What changed between two versions: services/text_diff.py on generated PDFs and DOCX
files with a known set of edits, and on hostile files (pure functions, no services)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from services import text_diff as comparison
from services.text_diff import NoTextLayer, Unreadable, compare, extract, run_job
from tests.support.theses import (
    ENTITY_BOMB,
    INSERTED,
    Edits,
    docx_with,
    known_edits,
    pdf_and_pages,
    scanned_pdf,
    to_docx,
)


@pytest.fixture(scope="module")
def edits() -> Edits:
    return known_edits()


def check_summary(summary: comparison.Summary, edits: Edits) -> None:
    assert summary.words_added == edits.added
    assert summary.words_removed == edits.removed
    assert summary.sections_added == ("2.3 Evaluation",)
    assert summary.sections_changed == ("1.2", "2.1", "3.1")
    assert summary.sections_removed == ("3.2",)
    total = edits.old.words + edits.new.words + 6  # the title's words, in the PDFs' text
    assert summary.changed_share == pytest.approx((edits.added + edits.removed) / total,
                                                  rel=0.01)


@pytest.mark.parametrize("outline", [True, False], ids=["outline", "numbered-lines"])
def test_pdf_summary_is_exactly_the_known_edits(edits: Edits, outline: bool) -> None:
    old_pdf, old_pages = pdf_and_pages(edits.old, outline=outline)
    new_pdf, new_pages = pdf_and_pages(edits.new, outline=outline)
    assert old_pages >= 4
    old, new = extract("pdf", old_pdf), extract("pdf", new_pdf)
    assert old.pages == old_pages and new.pages == new_pages
    assert [s.label for s in old.sections][1:] == [s.heading for s in edits.old.sections]
    summary = compare(old, new).summary
    check_summary(summary, edits)
    assert summary.pages_delta == new_pages - old_pages


def test_docx_summary_is_exactly_the_known_edits(edits: Edits) -> None:
    old, new = extract("docx", to_docx(edits.old)), extract("docx", to_docx(edits.new))
    assert [s.label for s in old.sections] == [edits.old.title] + \
        [s.heading for s in edits.old.sections]
    summary = compare(old, new).summary
    assert summary.words_added == edits.added
    assert summary.words_removed == edits.removed
    assert summary.sections_added == ("2.3 Evaluation",)
    assert summary.sections_changed == ("1.2", "2.1", "3.1")
    assert summary.sections_removed == ("3.2",)


def test_the_html_shows_the_inserted_and_deleted_text_and_loads_nothing(edits: Edits) -> None:
    old_pdf, new_pdf = pdf_and_pages(edits.old)[0], pdf_and_pages(edits.new)[0]
    result = run_job("pdf", new_pdf, None, "pdf", old_pdf, 4, 5, "Thesis <A&B>")
    assert result.reason is None and result.html is not None
    page = result.html
    inserted = re.search(r"<ins>([^<]*)</ins>", page[page.index('id="s'):])
    assert inserted is not None
    assert INSERTED in page.replace("</ins>", "").replace("<ins>", "")
    assert f"<del>{edits.deleted_sentence}</del>" in page
    assert f"<del>{edits.replaced[0]}</del>" in page and f"<ins>{edits.replaced[1]}</ins>" in page
    # Grouped under the headings, with a table of contents of the changed sections only.
    toc = page[page.index("<nav>"):page.index("</nav>")]
    assert [re.sub("<.*?>", "", li).strip() for li in re.findall(r"<li>.*?</li>", toc)] == [
        "1.2 " + edits.old.section("1.2").title + " changed",
        "2.1 " + edits.old.section("2.1").title + " changed",
        "2.3 Evaluation new",
        "3.1 " + edits.old.section("3.1").title + " changed",
        "3.2 " + edits.old.section("3.2").title + " removed"]
    # Unchanged paragraphs are not there.
    assert edits.old.section("1.1").paragraphs[0] not in page
    # Everything escaped, nothing loaded from anywhere.
    assert "Thesis &lt;A&amp;B&gt;" in page and "<b>bold</b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &#x27;quotes&#x27;" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert "<script" not in page and "@import" not in page and "url(" not in page
    assert "What changed since v4: " in page


def test_text_round_trips_through_json(edits: Edits) -> None:
    text = extract("pdf", pdf_and_pages(edits.old)[0])
    assert comparison.DocumentText.from_json(text.to_json()) == text


def test_an_unchanged_version_has_nothing_to_show(edits: Edits) -> None:
    text = extract("docx", to_docx(edits.old))
    result = compare(text, text)
    assert result.summary.unchanged and result.changes == ()


def test_a_scan_has_no_text_layer() -> None:
    with pytest.raises(NoTextLayer) as caught:
        extract("pdf", scanned_pdf())
    assert caught.value.reason == "no_text"
    result = run_job("pdf", scanned_pdf(), None, "pdf", scanned_pdf(2), 1, 2, "t")
    assert (result.reason, result.summary, result.html) == ("no_text", None, None)


def test_an_encrypted_pdf_has_no_text_layer(edits: Edits) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 6, edits.old.sections[1].paragraphs[0])
    with pytest.raises(NoTextLayer) as caught:
        extract("pdf", bytes(pdf.output()))
    assert caught.value.reason == "encrypted"


def test_an_xml_entity_bomb_is_refused() -> None:
    with pytest.raises(Unreadable) as caught:
        extract("docx", docx_with(ENTITY_BOMB))
    assert caught.value.reason == "xml_forbidden"


def test_a_decompression_bomb_is_refused_without_unpacking_it() -> None:
    # 200 MB of zeros in document.xml: far beyond the ratio services/documents.py allows.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(200):
                member.write(block)
    with pytest.raises(Unreadable) as caught:
        extract("docx", out.getvalue())
    assert caught.value.reason == "zip_bomb"


def test_a_member_bigger_than_it_claims_is_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    body = b"<w:p><w:r><w:t>word</w:t></w:r></w:p>" * 20000
    xml = (b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
           b'main"><w:body>' + body + b"</w:body></w:document>")
    data = docx_with(xml, compress=False)
    monkeypatch.setattr(comparison, "DOCUMENT_XML_MAX", 64 * 1024)
    with pytest.raises(Unreadable) as caught:
        extract("docx", data)
    assert caught.value.reason == "too_big"
    # The bound holds even when the zip lies about the size (checked while reading).
    stream = comparison._Bounded(io.BytesIO(xml), 64 * 1024)
    with pytest.raises(Unreadable):
        io.BufferedReader(stream).read()


def test_garbage_is_unreadable() -> None:
    with pytest.raises(Unreadable):
        extract("pdf", b"%PDF-1.7\nnot really a pdf\n%%EOF")
    with pytest.raises(Unreadable):
        extract("docx", b"PK\x03\x04 broken")


def test_headings_numbered_in_lines_but_not_toc_entries() -> None:
    assert comparison._numbered_heading("4.2 Evaluation") == ("4.2", "Evaluation")
    assert comparison._numbered_heading("4.2 Evaluation ........ 23") is None
    assert comparison._numbered_heading("2019 was a good year for the lab.") is None
    assert comparison._numbered_heading("3 apples") is None

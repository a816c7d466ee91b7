"""What a thesis file is: the pure rules of services/documents.py, no services needed."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from services.documents import (
    DocumentKind,
    DocumentSniffer,
    check_file_name,
    name_for_kind,
)
from services.errors import UnsupportedDocument
from tests import documents

WORD_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
MACRO_TYPES = WORD_TYPES.replace(
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "vnd.ms-word.document.macroEnabled.main+xml")


def sniff(data: bytes, chunk: int = 64 * 1024) -> DocumentKind:
    sniffer = DocumentSniffer()
    for start in range(0, len(data), chunk):
        sniffer.feed(data[start:start + chunk])
    return sniffer.finish().kind


def refusal(data: bytes, chunk: int = 64 * 1024) -> str:
    with pytest.raises(UnsupportedDocument) as refused:
        sniff(data, chunk)
    return str(refused.value.params["reason"])


def archive(entries: list[tuple[str, bytes]],
            method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as zipped:
        for name, data in entries:
            zipped.writestr(name, data)
    return buffer.getvalue()


def word(types: str = WORD_TYPES, *, first: bool = True, middle: bytes = b"",
         extra: list[tuple[str, bytes]] | None = None) -> bytes:
    """A DOCX whose [Content_Types].xml comes first or last, with stored filler around it."""
    body = [("word/document.xml", b"<w:document><w:t>Thesis</w:t></w:document>")]
    if middle:
        body.append(("word/media/before.bin", middle))
    types_entry = [("[Content_Types].xml", types.encode())]
    if middle:
        body_after = [("word/media/after.bin", middle)]
        return archive(body + types_entry + body_after + (extra or []), zipfile.ZIP_STORED)
    entries = types_entry + body if first else body + types_entry
    return archive(entries + (extra or []))


# --- names ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["thesis.pdf", "report.PDF", "x.docx", "Final.DocX", "thesis",
                                  "  spaced.pdf  ", ".pdf"])
def test_names_of_theses_pass(name: str) -> None:
    check_file_name(name)


@pytest.mark.parametrize("name", ["Thesis_final.pdf.exe", "thesis.docm", "thesis.DOCM",
                                  "thesis.doc", "notes.txt", "page.html", "thesis.pdf.zip"])
def test_other_names_are_refused(name: str) -> None:
    with pytest.raises(UnsupportedDocument) as refused:
        check_file_name(name)
    assert refused.value.params["reason"] == "not_pdf_or_docx"


@pytest.mark.parametrize(("name", "kind", "sent_as"), [
    ("report.PDF", DocumentKind.PDF, "report.PDF"),
    ("thesis", DocumentKind.PDF, "thesis.pdf"),
    ("x.docx", DocumentKind.DOCX, "x.docx"),
    ("x.pdf", DocumentKind.DOCX, "x.docx"),
    ("draft.DOCX", DocumentKind.PDF, "draft.pdf"),
    ("feedback", DocumentKind.DOCX, "feedback.docx"),
])
def test_the_name_ends_with_the_kind_found(name: str, kind: DocumentKind, sent_as: str) -> None:
    assert name_for_kind(name, kind) == sent_as


# --- PDF ------------------------------------------------------------------------------------

def test_a_pdf_starts_with_its_header() -> None:
    assert sniff(documents.pdf("ok")) is DocumentKind.PDF
    assert sniff(documents.pdf("small chunks"), chunk=3) is DocumentKind.PDF


def test_an_html_page_with_a_pdf_header_inside_is_not_a_pdf() -> None:
    page = b"<html><body>" + documents.pdf("smuggled") + b"</body></html>\n%%EOF\n"
    assert refusal(page) == "not_pdf_or_docx"
    assert refusal(b" " + documents.pdf("one space first")) == "not_pdf_or_docx"


def test_an_executable_is_not_a_document() -> None:
    assert refusal(documents.EXE) == "not_pdf_or_docx"
    assert refusal(b"MZ" + documents.pdf("pe with a pdf inside")) == "not_pdf_or_docx"


# --- DOCX -----------------------------------------------------------------------------------

@pytest.mark.parametrize("first", [True, False])
@pytest.mark.parametrize("chunk", [7, 64 * 1024])
def test_a_word_document_passes(first: bool, chunk: int) -> None:
    assert sniff(word(first=first), chunk) is DocumentKind.DOCX
    assert sniff(documents.docx("ok"), chunk) is DocumentKind.DOCX


def test_a_vba_project_is_refused() -> None:
    assert refusal(word(extra=[("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")])) == "not_docx"
    assert refusal(word(extra=[("word/VBAPROJECT.BIN", b"x")])) == "not_docx"


@pytest.mark.parametrize("first", [True, False])
@pytest.mark.parametrize("chunk", [5, 64 * 1024])
def test_a_macro_content_type_is_refused(first: bool, chunk: int) -> None:
    assert refusal(word(MACRO_TYPES, first=first), chunk) == "not_docx"


def test_a_vba_part_declared_under_another_name_is_refused() -> None:
    types = WORD_TYPES.replace("</Types>", '<Override PartName="/word/a.bin" ContentType='
                               '"application/vnd.ms-office.vbaProject"/></Types>')
    assert refusal(word(types, extra=[("word/a.bin", b"x")])) == "not_docx"


def test_content_types_deep_inside_a_large_file_are_read() -> None:
    # Beyond the head and the 4 MiB tail the sniffer keeps: caught as it streamed past.
    filler = os.urandom(5 * 1024 * 1024)
    assert sniff(word(middle=filler), chunk=512 * 1024) is DocumentKind.DOCX
    assert refusal(word(MACRO_TYPES, middle=filler), chunk=512 * 1024) == "not_docx"


def test_an_archive_without_content_types_is_not_a_word_document() -> None:
    data = archive([("word/document.xml", b"<w:document/>")])
    assert refusal(data) == "not_docx"

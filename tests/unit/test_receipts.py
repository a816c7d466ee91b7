"""Receipts: the signature holds for the file as issued and fails for any change; the PDF is
drawn with Cyrillic and reads back. Pure: no database, no bot."""

from __future__ import annotations

from datetime import UTC, datetime

import pypdfium2

from services.receipts import ReceiptData, sign, verify
from telegram.pdf import receipt_pdf, unicode_font
from telegram.texts import Texts

KEY = b"k" * 32
DATA = ReceiptData(student_name="Дарья Иванова", title="Графовые сети", version=3,
                   file_name="thesis.pdf", size=123456, sha256="ab" * 32,
                   submitted_at=datetime(2030, 3, 1, 10, 0, tzinfo=UTC),
                   issued_at=datetime(2030, 3, 2, 9, 30, tzinfo=UTC))


def text_of(blob: bytes) -> str:
    pdf = pypdfium2.PdfDocument(blob)
    try:
        return "".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def test_a_receipt_verifies_and_reads_back_in_russian() -> None:
    signed = sign(KEY, receipt_pdf(Texts("ru"), DATA), DATA)
    fields = verify(KEY, signed)
    assert fields is not None and fields["sha256"] == "ab" * 32 and fields["version"] == 3
    text = text_of(signed)
    assert "Квитанция" in text and "ab" * 32 in text and "123456" in text
    if unicode_font() is not None:  # the image and ./dev.sh install DejaVu Sans
        assert "Дарья Иванова" in text and "Графовые сети" in text


def test_any_change_fails() -> None:
    signed = sign(KEY, receipt_pdf(Texts("en"), DATA), DATA)
    assert verify(KEY, signed) is not None
    assert verify(b"another key".ljust(32), signed) is None
    for at in (10, len(signed) // 2, len(signed) - 80, len(signed) - 5):
        tampered = bytearray(signed)
        tampered[at] ^= 0x01
        assert verify(KEY, bytes(tampered)) is None, at
    # No signature at all.
    assert verify(KEY, signed.split(b"\n%THESIS-RECEIPT-SIGNATURE")[0]) is None

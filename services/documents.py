"""What a thesis file is, decided by its bytes, never by its name or claimed MIME type.

Rules, checked while the file streams past (only a small head and tail are kept):
- PDF: ``%PDF-`` in the first 1024 bytes and ``%%EOF`` in the last 2048 bytes; a file
  cut short (or a bare header with nothing behind it) has no trailer and is refused.
- DOCX: a zip archive (``PK\\x03\\x04`` at the start) whose end-of-central-directory record
  is in the tail and whose central directory lists ``word/document.xml``. Nothing is ever
  decompressed, and an archive that claims more than ``MAX_UNPACKED`` bytes unpacked or a
  ratio above ``MAX_RATIO`` is refused as a likely zip bomb.
- Anything else (images, executables, text, empty files) is refused.
"""

from __future__ import annotations

import struct
from collections import deque
from dataclasses import dataclass
from enum import StrEnum

from services.errors import EmptyFile, UnsupportedDocument

HEAD_BYTES = 4096
PDF_TAIL_BYTES = 2048
# The central directory of a real thesis DOCX (many images) fits easily in this.
DOCX_TAIL_BYTES = 4 * 1024 * 1024
MAX_UNPACKED = 2 * 1024**3
MAX_RATIO = 200
EOCD = b"PK\x05\x06"
CENTRAL = b"PK\x01\x02"


class DocumentKind(StrEnum):
    PDF = "pdf"
    DOCX = "docx"


CONTENT_TYPES = {
    DocumentKind.PDF: "application/pdf",
    DocumentKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass
class Sniffed:
    kind: DocumentKind
    size: int


class DocumentSniffer:
    """Fed chunk by chunk; ``finish`` says what the whole file was or raises."""

    def __init__(self) -> None:
        self._head = bytearray()
        # Whole chunks, dropped from the left once the rest still covers the tail we need.
        self._tail: deque[bytes] = deque()
        self._tail_size = 0
        self._tail_limit = DOCX_TAIL_BYTES
        self.size = 0

    def feed(self, chunk: bytes) -> None:
        if len(self._head) < HEAD_BYTES:
            self._head += chunk[: HEAD_BYTES - len(self._head)]
            # Refuse early, before the rest of a large non-document is transferred.
            if len(self._head) >= 8:
                kind = self._guess_kind()
                self._tail_limit = PDF_TAIL_BYTES if kind is DocumentKind.PDF \
                    else DOCX_TAIL_BYTES
        self._tail.append(chunk)
        self._tail_size += len(chunk)
        while self._tail_size - len(self._tail[0]) >= self._tail_limit:
            self._tail_size -= len(self._tail.popleft())
        self.size += len(chunk)

    def _guess_kind(self) -> DocumentKind:
        head = bytes(self._head)
        if b"%PDF-" in head[:1024]:
            return DocumentKind.PDF
        if head.startswith(b"PK\x03\x04"):
            return DocumentKind.DOCX
        raise UnsupportedDocument(reason="not_pdf_or_docx")

    def finish(self) -> Sniffed:
        if self.size == 0:
            raise EmptyFile()
        if len(self._head) < 8:
            raise UnsupportedDocument(reason="not_pdf_or_docx")
        kind = self._guess_kind()
        tail = b"".join(self._tail)[-self._tail_limit:]
        if kind is DocumentKind.PDF:
            if b"%%EOF" not in tail[-PDF_TAIL_BYTES:]:
                raise UnsupportedDocument(reason="truncated_pdf")
        else:
            _check_docx_directory(tail, self.size)
        return Sniffed(kind=kind, size=self.size)


def _check_docx_directory(tail: bytes, total_size: int) -> None:
    eocd_at = tail.rfind(EOCD)
    if eocd_at < 0 or len(tail) - eocd_at < 22:
        raise UnsupportedDocument(reason="broken_zip")
    entries, cd_size, cd_offset = struct.unpack("<HII", tail[eocd_at + 10 : eocd_at + 20])
    cd_start = len(tail) - (total_size - cd_offset)
    if cd_start < 0 or cd_start + cd_size > eocd_at:
        raise UnsupportedDocument(reason="broken_zip")
    names, packed, unpacked = _read_central_directory(tail[cd_start : cd_start + cd_size], entries)
    if "word/document.xml" not in names:
        raise UnsupportedDocument(reason="not_docx")
    if unpacked > MAX_UNPACKED or unpacked > MAX_RATIO * max(packed, 1):
        raise UnsupportedDocument(reason="zip_bomb")


def _read_central_directory(directory: bytes, entries: int) -> tuple[set[str], int, int]:
    names: set[str] = set()
    packed = unpacked = pos = 0
    for _ in range(entries):
        if directory[pos : pos + 4] != CENTRAL or pos + 46 > len(directory):
            raise UnsupportedDocument(reason="broken_zip")
        comp, uncomp, name_len, extra_len, comment_len = struct.unpack(
            "<IIHHH", directory[pos + 20 : pos + 34]
        )
        names.add(directory[pos + 46 : pos + 46 + name_len].decode("utf-8", "replace"))
        packed += comp
        unpacked += uncomp
        pos += 46 + name_len + extra_len + comment_len
    return names, packed, unpacked

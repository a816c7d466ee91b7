"""What a thesis file is, decided by its bytes and its name, never by a claimed MIME type.

Rules, checked while the file streams past (only a small head and tail are kept):
- The name: if it has an extension, it is ``.pdf`` or ``.docx`` (any case), so that
  ``Thesis_final.pdf.exe`` or a macro-enabled ``.docm`` is refused before a byte is fetched.
  A name without one (Telegram sends none sometimes) is given the extension of the kind
  found, as is a name whose extension is the other kind's: what the supervisor downloads
  opens with the right program.
- PDF: ``%PDF-`` at offset 0 (not merely near the start: an HTML page with ``%PDF-`` in it
  is not a PDF) and ``%%EOF`` in the last 2048 bytes; a file cut short (or a bare header
  with nothing behind it) has no trailer and is refused.
- DOCX: a zip archive (``PK\\x03\\x04`` at the start) whose end-of-central-directory record
  is in the tail and whose central directory lists ``word/document.xml``. Nothing big is
  ever decompressed, and an archive that claims more than ``MAX_UNPACKED`` bytes unpacked or
  a ratio above ``MAX_RATIO`` is refused as a likely zip bomb. A macro-enabled document is
  not a DOCX: an archive holding a ``vbaProject.bin``, or whose ``[Content_Types].xml``
  (small, kept as it streams past, read with a bound) mentions a macro-enabled or VBA
  content type, is refused.
- Anything else (images, executables, text, empty files) is refused.
"""

from __future__ import annotations

import struct
import zlib
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
LOCAL = b"PK\x03\x04"
CONTENT_TYPES_NAME = "[Content_Types].xml"
# A real [Content_Types].xml is a few KB; anything near these is not one.
CONTENT_TYPES_MAX_PACKED = 64 * 1024
CONTENT_TYPES_MAX_UNPACKED = 1024 * 1024
# Bytes kept from each local header that names [Content_Types].xml: header, name, extra
# field (at most 64 KiB) and the packed entry. A few candidates at most, so that crafted
# look-alikes cannot make the sniffer keep more; a real entry not among them is refused.
_ENTRY_KEEP = 30 + 2 * 65535 + CONTENT_TYPES_MAX_PACKED
_MAX_CANDIDATES = 4
MACRO_MARKERS = (b"macroenabled", b"vbaproject", b"vnd.ms-office.vba")


class DocumentKind(StrEnum):
    PDF = "pdf"
    DOCX = "docx"


ACCEPTED_EXTENSIONS = {f".{kind.value}" for kind in DocumentKind}


@dataclass
class Sniffed:
    kind: DocumentKind
    size: int


def _extension(name: str) -> str:
    """The name's extension, lowercased with its dot ("" for none)."""
    stem, dot, extension = name.strip().rpartition(".")
    return f".{extension.lower()}" if dot and stem and extension else ""


def check_file_name(name: str) -> None:
    """Refuse a name whose extension says it is something else (``.exe``, ``.docm``)."""
    extension = _extension(name)
    if extension and extension not in ACCEPTED_EXTENSIONS:
        raise UnsupportedDocument(reason="not_pdf_or_docx")


def name_for_kind(name: str, kind: DocumentKind) -> str:
    """The name the file goes by, ending with the extension of the kind it was found to be:
    "report.PDF" stays, "thesis" becomes "thesis.pdf", a DOCX named "x.pdf" "x.docx"."""
    name = name.strip()
    wanted = f".{kind.value}"
    extension = _extension(name)
    if extension == wanted:
        return name
    if extension in ACCEPTED_EXTENSIONS:
        name = name[: -len(extension)]
    return name + wanted


class DocumentSniffer:
    """Fed chunk by chunk; ``finish`` says what the whole file was or raises."""

    def __init__(self) -> None:
        self._head = bytearray()
        # Whole chunks, dropped from the left once the rest still covers the tail we need.
        self._tail: deque[bytes] = deque()
        self._tail_size = 0
        self._tail_limit = DOCX_TAIL_BYTES
        self._content_types = _EntryCatcher(CONTENT_TYPES_NAME.encode())
        self._kind: DocumentKind | None = None
        self.size = 0

    def feed(self, chunk: bytes) -> None:
        if len(self._head) < HEAD_BYTES:
            self._head += chunk[: HEAD_BYTES - len(self._head)]
            # Refuse early, before the rest of a large non-document is transferred.
            if len(self._head) >= 8:
                self._kind = self._guess_kind()
                self._tail_limit = PDF_TAIL_BYTES if self._kind is DocumentKind.PDF \
                    else DOCX_TAIL_BYTES
        if self._kind is not DocumentKind.PDF:
            self._content_types.feed(chunk, self.size)
        self._tail.append(chunk)
        self._tail_size += len(chunk)
        while self._tail_size - len(self._tail[0]) >= self._tail_limit:
            self._tail_size -= len(self._tail.popleft())
        self.size += len(chunk)

    def _guess_kind(self) -> DocumentKind:
        head = bytes(self._head)
        if head.startswith(b"%PDF-"):
            return DocumentKind.PDF
        if head.startswith(LOCAL):
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
            entries = _check_docx_directory(tail, self.size)
            _check_no_macros(entries, self._content_types)
        return Sniffed(kind=kind, size=self.size)


@dataclass(frozen=True)
class _Entry:
    """A central directory record: what the archive says one member is."""

    name: str
    method: int
    packed: int
    unpacked: int
    offset: int  # of its local header


class _EntryCatcher:
    """Keeps the bytes of a zip member with a given name as the file streams past.

    The member's local header (``PK\\x03\\x04``, 26 bytes, then the name) is spotted in
    the stream and a bounded run of bytes from there is kept, so that the member can be
    read at the end, once the central directory says where it really is, without a second
    pass over the file.
    """

    def __init__(self, name: bytes) -> None:
        self._name = name
        self._carry = b""  # the end of what came before, where a header may have started
        self.found: dict[int, bytearray] = {}  # local header offset -> bytes from there

    def feed(self, chunk: bytes, at: int) -> None:
        for kept in self.found.values():
            if len(kept) < _ENTRY_KEEP:
                kept += chunk[: _ENTRY_KEEP - len(kept)]
        data = self._carry + chunk
        base = at - len(self._carry)
        pos = data.find(self._name)
        while pos >= 0 and len(self.found) < _MAX_CANDIDATES:
            header = pos - 30
            if header >= 0 and data[header : header + 4] == LOCAL \
                    and base + header not in self.found:
                self.found[base + header] = bytearray(data[header : header + _ENTRY_KEEP])
            pos = data.find(self._name, pos + 1)
        self._carry = data[-(30 + len(self._name)) :]

    def read(self, entry: _Entry) -> bytes:
        """The member's bytes, unpacked with a bound; refused if they were not kept."""
        kept = self.found.get(entry.offset)
        if kept is None or len(kept) < 30:
            raise UnsupportedDocument(reason="broken_zip")
        name_len, extra_len = struct.unpack("<HH", kept[26:30])
        start = 30 + name_len + extra_len
        packed = bytes(kept[start : start + entry.packed])
        if len(packed) < entry.packed:
            raise UnsupportedDocument(reason="broken_zip")
        if entry.method == 0:
            return packed[:CONTENT_TYPES_MAX_UNPACKED]
        if entry.method != 8:
            raise UnsupportedDocument(reason="broken_zip")
        try:
            return zlib.decompressobj(-15).decompress(packed, CONTENT_TYPES_MAX_UNPACKED)
        except zlib.error:
            raise UnsupportedDocument(reason="broken_zip") from None


def _check_no_macros(entries: list[_Entry], content_types: _EntryCatcher) -> None:
    if any(entry.name.lower().rsplit("/", 1)[-1] == "vbaproject.bin" for entry in entries):
        raise UnsupportedDocument(reason="not_docx")
    declared = [entry for entry in entries if entry.name == CONTENT_TYPES_NAME]
    if len(declared) != 1:
        raise UnsupportedDocument(reason="not_docx")  # every Office document has one
    entry = declared[0]
    if entry.packed > CONTENT_TYPES_MAX_PACKED or entry.unpacked > CONTENT_TYPES_MAX_UNPACKED:
        raise UnsupportedDocument(reason="not_docx")
    text = content_types.read(entry).lower()
    if any(marker in text for marker in MACRO_MARKERS):
        raise UnsupportedDocument(reason="not_docx")


def _check_docx_directory(tail: bytes, total_size: int) -> list[_Entry]:
    eocd_at = tail.rfind(EOCD)
    if eocd_at < 0 or len(tail) - eocd_at < 22:
        raise UnsupportedDocument(reason="broken_zip")
    entries, cd_size, cd_offset = struct.unpack("<HII", tail[eocd_at + 10 : eocd_at + 20])
    cd_start = len(tail) - (total_size - cd_offset)
    if cd_start < 0 or cd_start + cd_size > eocd_at:
        raise UnsupportedDocument(reason="broken_zip")
    members = _read_central_directory(tail[cd_start : cd_start + cd_size], entries)
    if "word/document.xml" not in {member.name for member in members}:
        raise UnsupportedDocument(reason="not_docx")
    packed = sum(member.packed for member in members)
    unpacked = sum(member.unpacked for member in members)
    if unpacked > MAX_UNPACKED or unpacked > MAX_RATIO * max(packed, 1):
        raise UnsupportedDocument(reason="zip_bomb")
    return members


def _read_central_directory(directory: bytes, entries: int) -> list[_Entry]:
    members: list[_Entry] = []
    pos = 0
    for _ in range(entries):
        if directory[pos : pos + 4] != CENTRAL or pos + 46 > len(directory):
            raise UnsupportedDocument(reason="broken_zip")
        (method,) = struct.unpack("<H", directory[pos + 10 : pos + 12])
        comp, uncomp, name_len, extra_len, comment_len = struct.unpack(
            "<IIHHH", directory[pos + 20 : pos + 34]
        )
        (offset,) = struct.unpack("<I", directory[pos + 42 : pos + 46])
        name = directory[pos + 46 : pos + 46 + name_len].decode("utf-8", "replace")
        members.append(_Entry(name, method, comp, uncomp, offset))
        pos += 46 + name_len + extra_len + comment_len
    return members

"""Real document bytes for tests: minimal but well-formed PDF and DOCX files."""

from __future__ import annotations

import io
import secrets
import zipfile


def pdf(text: str = "Thesis", pad: int = 0) -> bytes:
    """A small valid PDF; ``text`` makes distinct files, ``pad`` makes big ones."""
    body = (
        "%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
        "2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
        "3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]>> endobj\n"
        f"% {text}\n"
    ).encode()
    if pad:
        body += b"%" + secrets.token_bytes(16).hex().encode() * (pad // 32) + b"\n"
    return body + b"trailer <</Root 1 0 R>>\n%%EOF\n"


def docx(text: str = "Thesis") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f"<w:document><w:t>{text}</w:t></w:document>")
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120

"""QR codes of links (invites, personal links), made in memory with segno."""

from __future__ import annotations

import io

import segno


def qr_png(link: str, scale: int = 10) -> bytes:
    """A QR code of the link as PNG; at the default scale big enough to scan from a
    projector."""
    buffer = io.BytesIO()
    qr_symbol(link).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_symbol(link: str, fast: bool = False) -> segno.QRCode:
    """The QR symbol of a link, as every QR code of the bot makes it (error level M).
    ``fast``: a fixed mask pattern instead of the best of eight (every reader reads any
    mask; the search is most of the time spent on a sheet of hundreds)."""
    return segno.make(link, error="m", mask=0 if fast else None)

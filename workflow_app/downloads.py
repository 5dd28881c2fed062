"""Sending file bytes as a download with a Russian file name (RFC 5987) and no content sniffing."""
from __future__ import annotations

from urllib.parse import quote

from flask import Response


def send_bytes(data: bytes, filename: str, content_type: str, inline: bool = False) -> Response:
    resp = Response(data, mimetype=content_type)
    disposition = "inline" if inline else "attachment"
    ascii_name = "".join(c if c.isascii() and c.isalnum() or c in ".-_" else "_" for c in filename)
    resp.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}")
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp

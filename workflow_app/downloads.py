"""Sending file bytes or a stored file as a download with a Russian file name (RFC 5987) and no content
sniffing: the web side of downloads (services return bytes or a StoredFile)."""
from __future__ import annotations

from urllib.parse import quote

from flask import Response, send_file

from .models.files import StoredFile
from .services.platform.files import open_stored


def send_bytes(data: bytes, filename: str, content_type: str, inline: bool = False) -> Response:
    resp = Response(data, mimetype=content_type)
    disposition = "inline" if inline else "attachment"
    ascii_name = "".join(c if c.isascii() and c.isalnum() or c in ".-_" else "_" for c in filename)
    resp.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}")
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


def send_stored(file: StoredFile) -> Response:
    """A stored file as the download response: always an attachment, never sniffed, original name per
    RFC 5987. Call only after the policy check; the view is the authorization point, this is the transport.
    """
    resp = send_file(open_stored(file), mimetype=file.content_type, as_attachment=True,
                     download_name=file.original_name, conditional=False, etag=False, max_age=0)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp

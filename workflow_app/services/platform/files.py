"""Uploaded files: type checked from the bytes, stored under a random name outside static/.

`store_upload` is the only way a user's file reaches the disk. The user's file name is kept in the
database for the download's Content-Disposition, never used as a path. Files are read back only
through `open_stored` (a view sends one with `downloads.send_stored`) only after
`policy.can(user, "file.download", file)` (see policies/files.py).

Files are written before the transaction commits; if it rolls back instead (a later refusal in the same
request), the files it wrote are deleted again, so a refused action leaves nothing on disk either.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from ... import formatting
from ...errors import ValidationFailed
from ...extensions import db
from ...models.files import StoredFile


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # shown to users in the list of allowed types
    content_type: str
    extensions: tuple[str, ...]


KINDS: dict[str, Kind] = {k.key: k for k in (
    Kind("pdf", "PDF", "application/pdf", (".pdf",)),
    Kind("docx", "DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    Kind("xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    Kind("png", "PNG", "image/png", (".png",)),
    Kind("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg")),
    Kind("gif", "GIF", "image/gif", (".gif",)),
)}

DOCUMENTS = {"pdf", "docx"}
IMAGES = {"png", "jpeg", "gif"}
DOCUMENTS_SCAN = {"pdf", "png", "jpeg"}  # a scan of a paper document with a wet signature
MB = 1024 * 1024

# Content that is refused whatever its name: programs, scripts and markup a browser would run.
_DANGEROUS = (
    (b"MZ", "исполняемый файл Windows"),
    (b"\x7fELF", "исполняемый файл"),
    (b"\xcf\xfa\xed\xfe", "исполняемый файл"),
    (b"\xfe\xed\xfa\xcf", "исполняемый файл"),
    (b"#!", "сценарий"),
)
_MARKUP = re.compile(rb"^\s*(<!doctype\s+html|<html|<script|<svg|<\?xml|<body|<head|<iframe)", re.I)
_STORAGE_NAME = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{32}$")


def describe(allowed: set[str], max_bytes: int) -> str:
    """«Допустимые типы: PDF, DOCX; размер — не более 10 МБ»: the rule a user has to follow."""
    labels = ", ".join(KINDS[k].label for k in KINDS if k in allowed)
    return f"Допустимые типы файлов: {labels}; размер — не более {formatting.filesize(max_bytes)}."


def sniff(data: bytes) -> str | None:
    """The kind of a file judged by its bytes alone, or None when it is none of the known kinds."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        # Macro-enabled documents carry a VBA project: never accepted as plain DOCX/XLSX.
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            return None
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return "docx"
        if "xl/workbook.xml" in names and "[Content_Types].xml" in names:
            return "xlsx"
    return None


def _danger(data: bytes) -> str | None:
    for magic, what in _DANGEROUS:
        if data.startswith(magic):
            return what
    head = data[:1024].lstrip(b"\xef\xbb\xbf")
    if _MARKUP.match(head):
        return "веб-страница или разметка"
    return None


def _read_limited(file_storage, max_bytes: int) -> bytes:
    stream = getattr(file_storage, "stream", file_storage)
    return stream.read(max_bytes + 1)


def _clean_name(name: str) -> str:
    """The user's file name for display and downloads only: no path, no control characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().strip(".")
    return (name or "файл")[:255]


def store_upload(file_storage, *, allowed: set[str], max_bytes: int, user=None) -> StoredFile:
    """Check an uploaded file by its content and store it; returns the flushed StoredFile row.

    Refuses (ValidationFailed, Russian message naming the allowed types and the limit): no file, an
    empty file, a file over the limit, executables and HTML whatever their name, content of a type not
    allowed, and a name whose extension does not match the content (a .pdf that is not a PDF).
    """
    unknown = set(allowed) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown file kinds: {unknown}")
    rule = describe(allowed, max_bytes)
    if file_storage is None or not getattr(file_storage, "filename", ""):
        raise ValidationFailed(f"Выберите файл. {rule}")
    original = _clean_name(file_storage.filename)
    data = _read_limited(file_storage, max_bytes)
    if not data:
        raise ValidationFailed(f"Файл «{original}» пустой. {rule}")
    if len(data) > max_bytes:
        raise ValidationFailed(f"Файл «{original}» слишком большой. {rule}")
    danger = _danger(data)
    if danger:
        raise ValidationFailed(f"Файл «{original}» отклонён: это {danger}, такие файлы не принимаются. {rule}")
    kind = sniff(data)
    ext = os.path.splitext(original)[1].lower()
    claimed = next((k for k in KINDS.values() if ext in k.extensions), None)
    if kind is None or kind not in allowed:
        if claimed is not None and claimed.key in allowed:
            raise ValidationFailed(
                f"Файл «{original}» не является файлом {claimed.label}: его содержимое не соответствует "
                f"расширению. {rule}")
        raise ValidationFailed(f"Файл «{original}» не принят: тип файла не допускается. {rule}")
    if claimed is None or claimed.key != kind:
        raise ValidationFailed(
            f"Расширение файла «{original}» не соответствует его содержимому ({KINDS[kind].label}). "
            f"Переименуйте файл, указав расширение {KINDS[kind].extensions[0]}. {rule}")

    token = secrets.token_hex(16)
    storage_name = f"{token[:2]}/{token[2:4]}/{token}"
    path = _path(storage_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    with open(tmp, "xb") as fh:  # "x": never overwrite
        fh.write(data)
    os.chmod(tmp, 0o640)
    os.replace(tmp, path)
    _remember(path)
    row = StoredFile(storage_name=storage_name, original_name=original, content_type=KINDS[kind].content_type,
                     size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                     uploaded_by_id=getattr(user, "id", None))
    db.session.add(row)
    db.session.flush()
    return row


_PENDING = "uploads_written_in_transaction"


def _remember(path: Path) -> None:
    db.session.info.setdefault(_PENDING, []).append(path)


@event.listens_for(Session, "after_commit")
def _keep_uploads(session) -> None:
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_rollback")
def _drop_uploads(session) -> None:
    for path in session.info.pop(_PENDING, []):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def store_bytes(data: bytes, *, original_name: str, content_type: str, user=None) -> StoredFile:
    """Store bytes the application produced itself (e.g. a rendered PDF): no sniffing needed."""
    token = secrets.token_hex(16)
    storage_name = f"{token[:2]}/{token[2:4]}/{token}"
    path = _path(storage_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as fh:
        fh.write(data)
    _remember(path)
    row = StoredFile(storage_name=storage_name, original_name=_clean_name(original_name),
                     content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                     uploaded_by_id=getattr(user, "id", None))
    db.session.add(row)
    db.session.flush()
    return row


def _path(storage_name: str) -> Path:
    if not _STORAGE_NAME.match(storage_name):  # never a path built from anything but our own token
        raise ValueError("bad storage name")
    return Path(current_app.config["UPLOAD_DIR"]) / storage_name


def open_stored(file: StoredFile) -> IO[bytes]:
    return open(_path(file.storage_name), "rb")


def read_stored(file: StoredFile) -> bytes:
    with open_stored(file) as fh:
        return fh.read()

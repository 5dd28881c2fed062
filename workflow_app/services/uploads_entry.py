"""A minimal upload store for dossier attachments and generated PDFs.

Stand-in for the shared `services/files.py` (campaigns branch): same idea, same checks, small on purpose
so the dossier code can switch to the shared service by changing one import. Files live under
UPLOAD_DIR (outside static/) under a random name; the type is decided from the bytes, never from the
name or the browser's content type.
"""
from __future__ import annotations

import hashlib
import io
import os
import secrets
import zipfile
from pathlib import Path

from flask import current_app

from ..errors import ValidationFailed
from ..extensions import db
from ..models.files import StoredFile

MB = 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# content type -> (label, size limit)
KINDS = {
    "application/pdf": ("PDF", 20 * MB),
    DOCX: ("DOCX", 20 * MB),
    "image/png": ("PNG", 10 * MB),
    "image/jpeg": ("JPEG", 10 * MB),
}
EXTENSIONS = {"application/pdf": ".pdf", DOCX: ".docx", "image/png": ".png", "image/jpeg": ".jpg"}


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are, among the accepted kinds; None for anything else."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            return None
        # A Word document, and not a macro-enabled one renamed to .docx.
        if "word/document.xml" in names and "[Content_Types].xml" in names \
                and not any(n.lower().endswith("vbaproject.bin") for n in names):
            return DOCX
    return None


def _clean_name(name: str) -> str:
    name = os.path.basename((name or "").replace("\\", "/")).strip()
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    return (name or "файл")[:200]


def store_upload(data: bytes, filename: str, *, user=None, allowed: set[str] | None = None) -> StoredFile:
    """Check and store an uploaded file; raise ValidationFailed (Russian) and store nothing if bad."""
    if not data:
        raise ValidationFailed("Файл пустой.")
    kind = sniff(data)
    allowed = allowed or set(KINDS)
    if kind is None or kind not in allowed:
        labels = ", ".join(KINDS[k][0] for k in KINDS if k in allowed)
        raise ValidationFailed(f"Недопустимый тип файла «{_clean_name(filename)}». Разрешены: {labels}.")
    label, limit = KINDS[kind]
    if len(data) > limit:
        raise ValidationFailed(
            f"Файл «{_clean_name(filename)}» слишком большой: {len(data) / MB:.1f} МБ, "
            f"для {label} допускается не более {limit // MB} МБ.")
    return store_bytes(data, filename, kind, user=user)


def store_bytes(data: bytes, filename: str, content_type: str, *, user=None) -> StoredFile:
    """Store bytes we produced ourselves (e.g. a rendered PDF)."""
    root = Path(current_app.config["UPLOAD_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    storage_name = secrets.token_hex(20) + EXTENSIONS.get(content_type, "")
    tmp = root / (storage_name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, root / storage_name)
    row = StoredFile(storage_name=storage_name, original_name=_clean_name(filename),
                     content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                     uploaded_by_id=getattr(user, "id", None))
    db.session.add(row)
    db.session.flush()
    return row


def path_of(stored: StoredFile) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / stored.storage_name


def read_bytes(stored: StoredFile) -> bytes:
    return path_of(stored).read_bytes()

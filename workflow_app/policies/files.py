"""Who may download a stored file.

Each area that attaches files to its objects registers a resolver with `@file_access`: given the user
and the file it answers True (may download), False (must not) or None (not my file). Staff may
download every file; the uploader may download their own. Anything no resolver vouches for is denied.
"""
from __future__ import annotations

from collections.abc import Callable

from ..models import User
from ..models.files import StoredFile
from ..policy import is_staff, rule

FileResolver = Callable[[User, StoredFile], bool | None]
_RESOLVERS: list[FileResolver] = []


def file_access(fn: FileResolver) -> FileResolver:
    if fn not in _RESOLVERS:
        _RESOLVERS.append(fn)
    return fn


@rule("file.download")
def _download(user: User, file: StoredFile | None) -> bool:
    if file is None:
        return False
    if is_staff(user):
        return True
    if file.uploaded_by_id is not None and file.uploaded_by_id == user.id:
        return True
    for resolver in _RESOLVERS:
        verdict = resolver(user, file)
        if verdict is not None:
            return verdict
    return False

"""Downloads of stored files: the one authorized way out of UPLOAD_DIR for signed-in users."""
from flask import Blueprint, abort
from flask_login import login_required

from ..downloads import send_stored
from ..extensions import db
from ..models.files import StoredFile
from . import authorize

bp = Blueprint("files", __name__)


@bp.route("/files/<int:file_id>")
@login_required
def download(file_id: int):
    f = db.session.get(StoredFile, file_id)
    if f is None:
        abort(404)
    authorize("file.download", f)
    return send_stored(f)

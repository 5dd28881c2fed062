"""Downloads of stored files: the one authorized way out of UPLOAD_DIR for signed-in users."""
from flask import Blueprint
from flask_login import login_required

from ..downloads import send_stored
from ..models.files import StoredFile
from . import get_or_404

bp = Blueprint("files", __name__)


@bp.route("/files/<int:file_id>")
@login_required
def download(file_id: int):
    return send_stored(get_or_404(StoredFile, file_id, "file.download"))

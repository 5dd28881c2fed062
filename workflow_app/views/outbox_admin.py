"""Staff: the e-mail queue, its dead letters («Не доставлено») and «Отправить повторно»."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..export import build_xlsx, xlsx_response
from ..extensions import db
from ..listing import paginate, parse_args
from ..models import OutboxMessage
from ..services.platform import outbox
from . import authorize, get_or_404
from .nav import NavItem, register_nav

bp = Blueprint("outbox", __name__, url_prefix="/staff/outbox")
register_nav(NavItem("Очередь уведомлений", "outbox.index", "outbox.view", "envelope"))


def _state_arg() -> str:
    state = request.args.get("state", "")
    return state if state in outbox.QUEUE_STATES else ""


@bp.route("/")
@login_required
def index():
    authorize("outbox.view")
    args = parse_args(("state",))
    args.filters["state"] = _state_arg()
    page = paginate(outbox.queue_query(args.filters["state"], args.q), args, scalars=False)
    return render_template("outbox/index.html", page=page, args=args, states=outbox.QUEUE_STATES,
                           state_of=outbox.state_of)


@bp.route("/export.xlsx")
@login_required
def export():
    authorize("outbox.view")
    args = parse_args(("state",))
    rows = db.session.execute(outbox.queue_query(_state_arg(), args.q).limit(100_000))
    data = build_xlsx(
        "Очередь уведомлений",
        ("Создано (МСК)", "Получатель", "Тема", "Состояние", "Попыток", "Следующая попытка (МСК)",
         "Отправлено (МСК)", "Ошибка"),
        ((r.created_at, r.recipient_email, r.subject, outbox.QUEUE_STATES[outbox.state_of(r, held)],
          r.attempts, r.next_attempt_at if outbox.state_of(r, held) == "pending" else None, r.sent_at,
          r.last_error) for r, held in rows),
        widths=[17, 30, 40, 20, 9, 20, 17, 50],
    )
    return xlsx_response("Очередь писем", data)


@bp.route("/<int:message_id>/retry", methods=["POST"])
@login_required
def retry(message_id: int):
    row = get_or_404(OutboxMessage, message_id, "outbox.retry")
    outbox.retry(message_id, actor=current_user)
    flash(f"Письмо для {row.recipient_email} снова поставлено в очередь на отправку.", "success")
    return redirect(url_for("outbox.index", state="failed"))

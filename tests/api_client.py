"""The API tests' side of a client: a token for a user (issued like the CLI does) and its header."""
from __future__ import annotations

from sqlalchemy import select

from workflow_app.actors import SystemActor
from workflow_app.extensions import db
from workflow_app.models import User
from workflow_app.services.platform import api_tokens


def issue_token(email: str, name: str = "Интеграция") -> str:
    """A new token of the user with this e-mail, committed (call inside an app context)."""
    user = db.session.execute(select(User).where(User.email == email)).scalar_one()
    secret = api_tokens.issue(SystemActor("тест"), user, name).secret
    db.session.commit()
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}

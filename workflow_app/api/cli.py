"""`flask api-token create|list|revoke`: tokens for integrations, issued by whoever runs the server."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..actors import SystemActor
from ..extensions import db
from ..timeutil import format_datetime

CLI_ACTOR = "командная строка сервера (flask api-token)"


api_token = AppGroup("api-token", help="API tokens: create (printed once), list, revoke.")


@api_token.command("create")
@click.option("--email", required=True, help="Владелец токена: токен действует с его правами.")
@click.option("--name", required=True, help="Название, по которому токен узнают в списке.")
def create(email: str, name: str):
    """Issue a token for USER and print it (only its hash is kept: it cannot be shown again)."""
    from ..errors import DomainError
    from ..services.platform import api_tokens

    user = api_tokens.user_by_email(email)
    if user is None:
        raise click.ClickException(f"Пользователь {email} не найден.")
    try:
        issued = api_tokens.issue(SystemActor(CLI_ACTOR), user, name)
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"Токен «{issued.token.name}» (№ {issued.token.id}) для {user.email}. "
               "Сохраните его сейчас: показать его ещё раз нельзя.", err=True)
    click.echo(issued.secret)


@api_token.command("list")
@click.option("--email", default=None, help="Только токены этого пользователя.")
def list_(email: str | None):
    """List tokens: id, owner, name, start of the token, created, last used, revoked."""
    from ..services.platform import api_tokens

    owner_id = None
    if email:
        user = api_tokens.user_by_email(email)
        if user is None:
            raise click.ClickException(f"Пользователь {email} не найден.")
        owner_id = user.id
    rows = api_tokens.tokens(owner_id)
    if not rows:
        click.echo("Токенов нет.")
    for t in rows:
        used = format_datetime(t.last_used_at) if t.last_used_at else "не использовался"
        state = f"отозван {format_datetime(t.revoked_at)}" if t.revoked_at else "действует"
        click.echo(f"{t.id}\t{t.user.email}\t{t.name}\t{t.prefix}…\tвыпущен {format_datetime(t.created_at)}"
                   f"\t{used}\t{state}")


@api_token.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id: int):
    """Revoke token TOKEN_ID: requests with it get 401 from now on."""
    from ..errors import DomainError
    from ..services.platform import api_tokens

    token = api_tokens.get(token_id)
    if token is None:
        raise click.ClickException(f"Токена № {token_id} нет.")
    try:
        api_tokens.revoke(SystemActor(CLI_ACTOR), token)
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"Токен № {token.id} «{token.name}» ({token.user.email}) отозван.")

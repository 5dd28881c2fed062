"""Flask commands: reference data, demo data, users, outbox, scheduler, docs."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from .extensions import db


def register_cli(app: Flask) -> None:
    @app.cli.command("load-reference")
    def load_reference():
        """Load the krai's municipalities (idempotent)."""
        from .services.platform.reference import load_municipalities

        added = load_municipalities()
        db.session.commit()
        click.echo(f"Муниципалитетов добавлено: {added}")

    @app.cli.command("seed-demo")
    def seed_demo():
        """Load demo organisations and one user per role (idempotent)."""
        from .demo import seed_demo as run

        counts = run()
        db.session.commit()
        click.echo("Демо-данные добавлены: " + ", ".join(f"{k} {v}" for k, v in counts.items()))

    @app.cli.command("create-user")
    @click.option("--email", required=True)
    @click.option("--name", "full_name", required=True)
    @click.option("--role", "roles", multiple=True, required=True,
                  help="admin, staff, signatory, expert (applicant/coordinator via the staff UI)")
    @click.password_option()
    def create_user(email, full_name, roles, password):
        """Create a user with global roles."""
        from .models import Role, RoleGrant, User
        from .services.platform.accounts import normalize_email
        from .services.platform.passwords import check_strength, hash_password

        check_strength(password)
        user = User(email=normalize_email(email), full_name=full_name,
                    password_hash=hash_password(password))
        for r in roles:
            user.grants.append(RoleGrant(role=Role[r]))
        db.session.add(user)
        db.session.commit()
        click.echo(f"Пользователь {user.email} создан.")

    @app.cli.command("import-statuses")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Only check the file and print the report.")
    def import_statuses(file: Path, dry_run: bool):
        """Import the registry of statuses from XLSX/CSV (as the staff page does): all rows or nothing."""
        from .actors import SystemActor
        from .services.platform.import_table import MalformedFile
        from .services.statuses import importer

        data = file.read_bytes()
        actor = SystemActor(f"импорт реестра статусов командой из файла «{file.name}»")
        try:
            report = importer.check(data)
            if report.ok and not dry_run:
                report, created = importer.apply(data, file.name, actor)
        except MalformedFile as exc:
            raise click.ClickException(exc.message) from exc
        if not report.ok:
            for row in report.rows:
                for error in row.errors:
                    click.echo(f"Строка {row.line}: {error}", err=True)
            db.session.rollback()
            raise click.ClickException(
                f"Строк с ошибками: {report.error_rows} из {len(report.rows)}. Ничего не импортировано.")
        if dry_run:
            click.echo(f"Ошибок нет. Будет добавлено статусов: {report.to_create}; "
                       f"уже в реестре: {report.skipped}; новых организаций: {report.new_orgs}.")
            return
        db.session.commit()
        click.echo(f"Импортировано статусов: {len(created)}; уже были в реестре: {report.skipped}.")

    @app.cli.command("dispatch-outbox")
    def dispatch_outbox():
        """Send pending e-mails once."""
        from .notifications.dispatch import dispatch_pending

        click.echo(dispatch_pending())

    @app.cli.command("run-scheduler")
    def run_scheduler():
        """Run the scheduler process (one active per deployment)."""
        from .scheduler.runner import run

        run(app)

    @app.cli.command("mail-catcher")
    @click.option("--host", default="127.0.0.1")
    @click.option("--port", default=8025, type=int)
    @click.option("--dir", "directory", default=None,
                  help="Maildir (default: MAIL_CATCHER_DIR or instance/caught_mail)")
    def mail_catcher(host, port, directory):
        """A local SMTP server for development that keeps every message it receives
        (staff page: «Перехваченная почта»)."""
        import os
        import signal

        from .notifications import catcher

        directory = directory or app.config["MAIL_CATCHER_DIR"] or os.path.join(app.instance_path, "caught_mail")
        stop = {signal.SIGINT, signal.SIGTERM}
        signal.pthread_sigmask(signal.SIG_BLOCK, stop)  # the server's thread inherits it: we wait below
        controller = catcher.start(directory, host, port)
        click.echo(f"Почтовый перехватчик: smtp://{host}:{port}, письма в {directory}", err=True)
        try:
            signal.sigwait(stop)
        finally:
            controller.stop()

    @app.cli.command("dev-stack")
    @click.option("--host", default="127.0.0.1")
    @click.option("--port", default=5000, type=int)
    @click.option("--smtp-port", default=8025, type=int)
    def dev_stack(host, port, smtp_port):
        """`make run`: the web server, the scheduler and the mail catcher together; Ctrl+C stops all three."""
        from .devserver import run_stack

        raise SystemExit(run_stack(host=host, port=port, smtp_port=smtp_port, instance_path=app.instance_path))

    @app.cli.command("write-diagrams")
    @click.argument("outdir", default="docs/lifecycles")
    def write_diagrams(outdir):
        """Write the description of every lifecycle into OUTDIR (markdown with a mermaid diagram) and its
        picture into workflow_app/static/lifecycles/ (SVG, drawn by Graphviz: needs the `dot` program)."""
        from .docs_gen import dot_available, write_lifecycle_docs, write_lifecycle_svgs

        for path in write_lifecycle_docs(Path(outdir)):
            click.echo(path)
        if not dot_available():
            raise click.ClickException("Graphviz `dot` is not installed: the lifecycle pictures were not drawn. "
                                       "Install it (`apt-get install graphviz`, or `make diagrams`) and run again.")
        for path in write_lifecycle_svgs():
            click.echo(path)

    @app.cli.command("render-samples")
    @click.argument("outdir", type=click.Path(file_okay=False))
    @click.option("--samples-only", is_flag=True, help="Use the built-in sample data, not the database.")
    def render_samples(outdir, samples_only):
        """Write every document kind as PDF and DOCX into OUTDIR, from the demo data in the database;
        kinds the database has nothing for yet come from the built-in samples."""
        from .documents import render, samples
        from .services.documents.data import demo_documents

        out = Path(outdir)
        out.mkdir(parents=True, exist_ok=True)
        docs = {} if samples_only else demo_documents()
        have = {type(d) for d in docs.values()}
        for name, doc in samples.all_samples().items():
            if type(doc) not in have:
                docs[name if samples_only else f"sample_{name}"] = doc
        for name, doc in docs.items():
            for fmt in ("pdf", "docx"):
                path = out / f"{name}.{fmt}"
                path.write_bytes(render.build(doc, fmt))
                click.echo(path)

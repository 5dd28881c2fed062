"""The development mail catcher: it receives what the outbox sender sends, and staff read it on a page;
`flask dev-stack` (`make run`) starts the web server, the scheduler and the catcher and stops all three."""
import os
import signal
import smtplib
import subprocess
import sys
import time
import urllib.request

import pytest

from workflow_app.extensions import db
from workflow_app.models import Role
from workflow_app.notifications import catcher
from workflow_app.notifications.dispatch import dispatch_pending
from workflow_app.services.platform import outbox

from .factories import make_user
from .helpers import login
from .smtp import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def caught_dir(app, tmp_path, monkeypatch):
    directory = str(tmp_path / "caught_mail")
    port = free_port()
    controller = catcher.start(directory, port=port)
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_CATCHER_DIR", directory)
    yield directory
    controller.stop()


def test_catcher_keeps_what_the_outbox_sends_and_staff_read_it(app, client, caught_dir):
    with app.app_context():
        make_user("staff@x.ru", Role.staff)
        make_user("exp@x.ru", Role.expert)
        outbox.queue_email("c1", email="a@x.ru", subject="Заявка ИП-1 возвращена на доработку",
                           body="Исправьте раздел 2.\nСрок: 10.12.2026")
        outbox.queue_email("c2", email="b@x.ru", subject="Напоминание: экспертиза", body="Осталось 3 дня")
        db.session.commit()
        assert dispatch_pending() == {"sent": 2, "failed": 0}
    assert len(catcher.caught(caught_dir)) == 2

    login(client, "staff@x.ru")
    html = client.get("/staff/caught-mail/").get_data(as_text=True)
    assert "Заявка ИП-1 возвращена на доработку" in html and "a@x.ru" in html and "Напоминание: экспертиза" in html
    assert "Перехваченная почта" in html  # in the menu too
    only = client.get("/staff/caught-mail/?q=b@x").get_data(as_text=True)
    assert "Напоминание: экспертиза" in only and "ИП-1" not in only
    [mail] = [m for m in catcher.caught(caught_dir) if m.to == "a@x.ru"]
    page = client.get(f"/staff/caught-mail/{mail.key}").get_data(as_text=True)
    assert "Исправьте раздел 2." in page and "Срок: 10.12.2026" in page
    assert client.get("/staff/caught-mail/no-such-key").status_code == 404

    other = app.test_client()
    login(other, "exp@x.ru")
    assert other.get("/staff/caught-mail/").status_code == 403


def test_without_a_catcher_there_is_no_page(app, client):
    with app.app_context():
        make_user("staff@x.ru", Role.staff)
        db.session.commit()
    login(client, "staff@x.ru")
    assert app.config["MAIL_CATCHER_DIR"] == ""
    assert client.get("/staff/caught-mail/").status_code == 403
    assert "Перехваченная почта" not in client.get("/").get_data(as_text=True)


def _wait(check, seconds=90):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if check():
                return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


@pytest.mark.slow
def test_dev_stack_runs_web_scheduler_and_catcher_and_ctrl_c_stops_them(tmp_path):
    env = dict(os.environ, FLASK_APP="workflow_app", INSTANCE_DIR=str(tmp_path),
               DATABASE_URL=f"sqlite:///{tmp_path / 'dev.sqlite3'}", GC_FREEZE="0")
    flask = [sys.executable, "-m", "flask"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    web, smtp = free_port(), free_port()
    stack = subprocess.Popen([*flask, "dev-stack", "--port", str(web), "--smtp-port", str(smtp)], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert _wait(lambda: urllib.request.urlopen(f"http://127.0.0.1:{web}/login", timeout=2).status == 200)

        def catcher_up():
            with smtplib.SMTP("127.0.0.1", smtp, timeout=2) as c:
                c.sendmail("noreply@iro.local", ["x@x.ru"], b"Subject: test\n\nhello")
            return True

        assert _wait(catcher_up)
        assert [m.subject for m in catcher.caught(str(tmp_path / "caught_mail"))] == ["test"]
        kids = _children(stack.pid)
        assert len(kids) == 3  # web, scheduler, catcher
        stack.send_signal(signal.SIGINT)
        assert stack.wait(30) == 0
        for pid in kids:
            assert _wait(lambda pid=pid: not os.path.exists(f"/proc/{pid}"), 15), f"child {pid} still running"
    finally:
        if stack.poll() is None:
            stack.kill()
        out = stack.communicate()[0] if stack.stdout else ""
    assert "Останавливаю сайт, планировщик и почтовый перехватчик" in out

"""`make run` (`flask dev-stack`): the web server, the scheduler and the mail catcher as one command.

Three child processes, as in production (the scheduler never runs inside the web server); the web server
and the scheduler send mail to the catcher. Ctrl+C (or any child ending) stops all three.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

GRACE_SECONDS = 10


def _children(host: str, port: int, smtp_port: int) -> list[tuple[str, list[str]]]:
    flask = [sys.executable, "-m", "flask"]
    return [
        ("почтовый перехватчик", [*flask, "mail-catcher", "--port", str(smtp_port)]),
        ("планировщик", [*flask, "run-scheduler"]),
        ("веб-сервер", [*flask, "run", "--host", host, "--port", str(port)]),
    ]


def stack_env(smtp_port: int, instance_path: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("FLASK_APP", "workflow_app")
    env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_port), SMTP_USER="", SMTP_STARTTLS="0")
    env.setdefault("MAIL_CATCHER_DIR", os.path.join(instance_path, "caught_mail"))
    env.setdefault("BASE_URL", "")
    return env


def _stop(procs: list[tuple[str, subprocess.Popen]]) -> None:
    for _, p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for _, p in procs:
        try:
            p.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def run_stack(host: str = "127.0.0.1", port: int = 5000, smtp_port: int = 8025,
              instance_path: str = "instance") -> int:
    env = stack_env(smtp_port, instance_path)
    if not env["BASE_URL"]:
        env["BASE_URL"] = f"http://{host}:{port}"
    procs: list[tuple[str, subprocess.Popen]] = []
    # Ctrl+C reaches the whole process group; we stop the children ourselves, in order, once.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        for name, cmd in _children(host, port, smtp_port):
            procs.append((name, subprocess.Popen(cmd, env=env, start_new_session=True)))
        print(f"Запущено: сайт http://{host}:{port}, планировщик, почтовый перехватчик smtp://127.0.0.1:{smtp_port} "
              f"(письма: «Перехваченная почта» в меню сотрудника). Остановить всё: Ctrl+C.", flush=True)
        signal.signal(signal.SIGINT, _interrupt)
        while True:
            for name, p in procs:
                if p.poll() is not None:
                    print(f"Процесс «{name}» завершился (код {p.returncode}); останавливаю остальные.", flush=True)
                    return p.returncode or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("Останавливаю сайт, планировщик и почтовый перехватчик…", flush=True)
        return 0
    finally:
        _stop(procs)
        signal.signal(signal.SIGINT, previous)

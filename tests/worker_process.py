"""The sender as it runs in production: `flask --app wsgi worker` in its own process, on the test's database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def worker_process(app, log: Path, **settings: str) -> Iterator[subprocess.Popen]:
    """Start a worker with the app's database and mail settings (short poll, lease and heartbeat unless told
    otherwise); kill it on the way out if the test hasn't stopped it. Its output goes to `log`."""
    config = app.config
    env = os.environ | {
        "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": config["SECRET_KEY"],
        "SMTP_HOST": config["SMTP_HOST"],
        "SMTP_PORT": str(config["SMTP_PORT"]),
        "SITE_URL": config["SITE_URL"],
        "WORKER_POLL_SECONDS": "1",
        "OUTBOX_LEASE_SECONDS": "4",
        "OUTBOX_HEARTBEAT_SECONDS": "1",
        **settings,
    }
    with open(log, "w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
            process.wait(60)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 90) -> None:
    """Poll until condition() holds. The timeout is generous on purpose: it only bounds a broken test."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)

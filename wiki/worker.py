"""The sender process, `flask --app wsgi worker`: sends whatever the outbox has due, until told to stop.

Process concerns live here (signals, sleeping, backing off after errors); what to send and how stays in
wiki/services/outbox.py. Several workers, on several machines, may run at once: the outbox's claims keep
them from sending one message twice.
"""

from __future__ import annotations

import signal
import threading
import time

from flask import Flask

from wiki.db import refresh_planner_statistics
from wiki.services import outbox, schedule

# After an error (the database or the mail server away, most likely), wait the poll interval doubled for each
# error in a row, up to this.
LONGEST_BACKOFF_S = 300.0
# How often the worker refreshes the database's planner statistics (and once when it starts).
STATISTICS_EVERY_S = 24 * 3600.0


class Worker:
    def __init__(self, app: Flask):
        self.app = app
        self.poll_s = float(app.config["WORKER_POLL_SECONDS"])
        self._stop = threading.Event()
        self._statistics_at: float | None = None

    def stop(self) -> None:
        """Finish the message being sent, hand back the rest of the claim, and return from run()."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run_once(self) -> dict[int, outbox.DeliveryReport]:
        with self.app.app_context():
            self._refresh_statistics()
            self._run_schedule()
            return outbox.send_due(should_stop=lambda: self.stopping)

    def _refresh_statistics(self) -> None:
        now = time.monotonic()
        if self._statistics_at is not None and now - self._statistics_at < STATISTICS_EVERY_S:
            return
        self._statistics_at = now
        try:
            refresh_planner_statistics()
        except Exception:
            self.app.logger.exception("Refreshing the database's statistics failed; sending goes on.")

    def _run_schedule(self) -> None:
        """The summary's schedule (issue 12, part 2): one query on a poll where nothing is due. A fault in it is
        logged and never keeps the outbox from sending."""
        try:
            run = schedule.run_due()
        except Exception:
            self.app.logger.exception("The summary schedule failed; sending goes on.")
            return
        for line in schedule.report(run):
            self.app.logger.info("Schedule: %s", line)

    def run(self) -> None:
        errors_in_a_row = 0
        while not self.stopping:
            try:
                reports = self.run_once()
            except Exception:
                errors_in_a_row += 1
                wait = min(self.poll_s * 2**errors_in_a_row, LONGEST_BACKOFF_S)
                self.app.logger.exception("Sending from the outbox failed; trying again in %.0f s.", wait)
            else:
                errors_in_a_row = 0
                wait = self.poll_s
                self._log(reports)
            self._stop.wait(wait)

    def _log(self, reports: dict[int, outbox.DeliveryReport]) -> None:
        for summary_id, report in reports.items():
            if report.sent or report.failed or report.stopped:
                self.app.logger.info(
                    "Summary %s: sent %s, failed %s%s%s",
                    summary_id,
                    report.sent,
                    report.failed,
                    f"; stopped: {report.stopped}" if report.stopped else "",
                    "; finished" if report.finished else "",
                )


def run_until_signalled(app: Flask) -> None:
    """Run a worker in this process: the first SIGTERM or SIGINT stops it cleanly, a second one at once."""
    worker = Worker(app)

    def on_signal(signum, _frame) -> None:
        if worker.stopping:
            raise SystemExit(128 + signum)
        app.logger.info("Stopping after the message being sent (signal %s).", signal.Signals(signum).name)
        worker.stop()

    # A shell starting the worker in the background (as `make run` does) has it ignore SIGINT; keep it that way,
    # so Ctrl-C in that terminal reaches it only as the SIGTERM the shell sends, and never twice.
    signals = [sig for sig in (signal.SIGTERM, signal.SIGINT) if signal.getsignal(sig) is not signal.SIG_IGN]
    previous = {sig: signal.signal(sig, on_signal) for sig in signals}
    try:
        worker.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

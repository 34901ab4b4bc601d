"""The one error vocabulary: services raise these, one handler maps them to status codes."""

from __future__ import annotations


class WikiError(Exception):
    status = 400
    title = "Something is wrong with that request"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        # The form field the message is about, so a form can show it next to that field.
        self.field = field


class BadInput(WikiError):
    status = 400
    title = "That can't be used"


class NotAllowed(WikiError):
    status = 403
    title = "Not allowed"


class NotFound(WikiError):
    status = 404
    title = "Not found"


class Conflict(WikiError):
    status = 409
    title = "Conflict"


class TooLarge(WikiError):
    status = 413
    title = "Too large"


class TooManyAttempts(WikiError):
    status = 429
    title = "Too many attempts"

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class Busy(WikiError):
    status = 503
    title = "Busy, please retry"


def require(condition: bool, message: str) -> None:
    if not condition:
        raise NotAllowed(message)

"""A real HTTP server around the app, for tests where requests must truly run at the same time."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

from werkzeug.serving import make_server


@contextmanager
def serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


class Session:
    """One person's cookies and CSRF token against a live server."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        self.token = ""

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, method=method)
        try:
            with self.opener.open(req, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def login(self, email: str, password: str) -> None:
        _, html = self.request("GET", "/login")
        self.token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        status, _ = self.request("POST", "/login", {"email": email, "password": password, "csrf_token": self.token})
        assert status == 303
        _, html = self.request("GET", "/")
        self.token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)

    def post(self, path: str, data: dict) -> tuple[int, str]:
        return self.request("POST", path, {**data, "csrf_token": self.token})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

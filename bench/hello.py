"""The yardstick: a bare Flask app served with the same gunicorn settings as the wiki."""

from flask import Flask, request

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"


@app.post("/upload")
def upload() -> str:
    """The baseline for an upload: parse the multipart body and keep nothing."""
    return str(len(request.files["file"].read()))

"""The yardstick: a bare Flask app served with the same gunicorn settings as the wiki."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"

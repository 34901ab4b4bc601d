"""Read a file in a child process with a memory cap and a deadline, so a hostile file can only exhaust that
child, never the web worker that received it.

The child limits itself once its libraries are loaded, before it reads a byte of the file. That is as safe
as limiting it from `preexec_fn`, which the subprocess documentation warns can deadlock in a threaded
server, and it lets Python start the child with posix_spawn instead of forking a large worker.
"""

from __future__ import annotations

import base64
import json
import logging
import math
import os
import resource
import signal
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

from wiki.files.extract import Extraction, Unit, extract, load_libraries

ROOT = Path(__file__).resolve().parent.parent.parent
# The child's exit status when the file needed more memory than allowed; anything else non-zero is a crash.
_OUT_OF_MEMORY = 3
_STDERR_LOGGED = 2000
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    seconds: float = 30.0
    memory_bytes: int = 1_500_000_000
    max_units: int = 500
    max_images: int = 20


def run(kind_code: str, data: bytes, limits: Limits = Limits()) -> Extraction:
    """extract() in a child process; any failure comes back as an Extraction whose `error` says why."""
    command = [
        sys.executable,
        "-m",
        "wiki.files.sandbox",
        kind_code,
        str(limits.max_units),
        str(limits.max_images),
        str(limits.memory_bytes),
        str(limits.seconds),
    ]
    try:
        done = subprocess.run(
            command, input=data, capture_output=True, timeout=limits.seconds, env=_environment(), cwd=ROOT
        )
    except subprocess.TimeoutExpired:
        return Extraction.failure(_too_slow(limits.seconds))
    except (OSError, subprocess.SubprocessError):
        log.exception("could not start the file reader")
        return Extraction.failure("it could not be read")
    if done.returncode == _OUT_OF_MEMORY:
        return Extraction.failure("reading it needed too much memory")
    # The CPU limit (a backstop for when this process dies and leaves the child running) ends it with these.
    if done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return Extraction.failure(_too_slow(limits.seconds))
    if done.returncode != 0:
        log.warning(
            "the %s reader exited with %s: %s",
            kind_code,
            done.returncode,
            done.stderr[-_STDERR_LOGGED:].decode(errors="replace"),
        )
        return Extraction.failure("it could not be read")
    try:
        return _decode(done.stdout)
    except (ValueError, TypeError, KeyError):
        log.warning("the %s reader's answer could not be decoded", kind_code)
        return Extraction.failure("it could not be read")


def _too_slow(seconds: float) -> str:
    return f"it took longer than {seconds:g} second{'' if seconds == 1 else 's'} to read"


def _environment() -> dict[str, str]:
    # Nothing of the web worker's settings (database URL, secret key) is the child's business.
    paths = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        "PYTHONPATH": os.pathsep.join(paths),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def _encode(extraction: Extraction) -> bytes:
    return json.dumps(
        {
            "units": [[unit.title, unit.text, unit.notes] for unit in extraction.units],
            "text": extraction.text,
            "images": [base64.b64encode(image).decode("ascii") for image in extraction.images],
            "count": extraction.count,
            "truncated": extraction.truncated,
            "error": extraction.error,
        }
    ).encode("ascii")


def _decode(output: bytes) -> Extraction:
    answer = json.loads(output)
    units = [Unit(*_strings(unit, 3)) for unit in answer["units"]]
    (text, error) = _strings([answer["text"], answer["error"]], 2)
    images = [base64.b64decode(image.encode("ascii"), validate=True) for image in _strings(answer["images"])]
    count, truncated = answer["count"], answer["truncated"]
    if type(count) is not int or type(truncated) is not bool:
        raise TypeError("count and truncated must be an int and a bool")
    return Extraction(units, text, images, count, truncated, error)


def _strings(values: object, length: int | None = None) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise TypeError("expected a list of strings")
    if length is not None and len(values) != length:
        raise ValueError(f"expected {length} strings")
    return values


def _limit_self(memory_bytes: int, seconds: float) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    cpu = math.ceil(seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _child(arguments: list[str]) -> int:
    kind_code, max_units, max_images, memory_bytes, seconds = arguments
    load_libraries(kind_code)
    _limit_self(int(memory_bytes), float(seconds))
    try:
        # The parsers' complaints about a malformed file are expected; only our own crash belongs on stderr.
        warnings.simplefilter("ignore")
        logging.disable(logging.CRITICAL)
        data = sys.stdin.buffer.read()
        extraction = extract(kind_code, data, max_units=int(max_units), max_images=int(max_images))
        output = _encode(extraction)
    except MemoryError:
        return _OUT_OF_MEMORY
    sys.stdout.buffer.write(output)
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))

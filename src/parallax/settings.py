"""The settings of a run, in one object: which sentence encoder and where it runs, how many processes annotate, the
input size limit, the time and memory budget of one article, how inputs are read (fetch policy, CSV columns), where
the model files and caches are, and which Ray cluster to use.

:meth:`Settings.from_env` is the one place the environment variables are read (``PARALLAX_ENCODER``,
``PARALLAX_DEVICE``, ``PARALLAX_PROCESSES``, ``PARALLAX_ARTICLE_SECONDS``, ``PARALLAX_ENCODER_DIR``,
``PARALLAX_CACHE_DIR`` / ``XDG_CACHE_HOME``, ``PARALLAX_CSV_DIALECT``, ``RAY_ADDRESS``; :func:`store_url`
reads ``PARALLAX_DB``; the one exception: the fetcher reads the proxy variables ``HTTP(S)_PROXY``/``NO_PROXY``, as
every HTTP client does, unless ``FetchPolicy.env_proxy`` is off), and only
the edges call it: the ``parallax`` commands and the web app. Everything below takes a ``Settings`` (``None``:
``Settings()``, the defaults, as if no variable were set) and passes it down.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, ModelError

if TYPE_CHECKING:
    from .sources.policy import FetchPolicy

__all__ = [
    "ARTICLE_MEMORY",
    "ARTICLE_SECONDS",
    "ARTICLE_SECONDS_ENV",
    "CACHE_DIR_ENV",
    "CSV_DIALECTS",
    "CSV_DIALECT_ENV",
    "DB_ENV",
    "DEVICE_ENV",
    "ENCODERS",
    "ENCODER_DIR_ENV",
    "ENCODER_ENV",
    "MAX_BYTES",
    "PROCESSES_ENV",
    "RAY_ADDRESS_ENV",
    "Settings",
    "check_csv_dialect",
    "check_device",
    "check_encoder",
    "store_url",
]

# The sentence encoders: "minilm" (the default: the transformer, best alignment) or "static" (the table distilled
# from it in embed/static.py, ~100x faster, cruder).
ENCODERS = ("minilm", "static")
# Where MiniLM runs: "auto" (the default: a CUDA device through PyTorch when an NVIDIA device is present and torch
# with CUDA is installed, else NumPy), "numpy" (the float32 NumPy pass), "onnx" (ONNX Runtime on the CPU with int8
# weights, embed/ort.py: the onnx extra), "onnx-fp32" (the same, float32 weights), "cuda" / "cuda:N" (PyTorch on that
# device, embed/cuda.py) or "cpu" (PyTorch on the CPU: how the tests check the torch path against the NumPy one).
_DEVICE = re.compile(r"auto|numpy|onnx|onnx-fp32|cpu|cuda(?::\d+)?")
MAX_BYTES = 20 * 1024 * 1024  # the largest news page seen in AEB is ~1.5 MB; 20 MB leaves room for JSONL batches
# The budget of one article in annotate: an article over it is rejected as too-slow and the batch goes on. The
# longest article analysed (198,226 characters: BASIL articles joined) took 15 s and 495 MB more resident memory on
# the shared development machine (benchmarks/limits.py; docs/RELIABILITY.md, "Bounds per record, article and
# story"); the budget leaves room for a machine several times slower or busier.
ARTICLE_SECONDS = 60.0
ARTICLE_MEMORY = 2048 * 1024 * 1024
# How CSV files are read (sources/records.py): "standard" (the default: RFC 4180, i.e. Python's excel dialect, comma
# and double quotes doubled inside fields, except that a header line with no comma and only semicolons, tabs or
# pipes is read with that delimiter), "excel" (comma, always), "excel-tab", "unix" (reads as excel), "semicolon",
# or "auto" (Python's csv.Sniffer: it may guess wrong, e.g. doublequote=False on a file written by the csv module).
CSV_DIALECTS = ("standard", "excel", "excel-tab", "unix", "semicolon", "auto")

ENCODER_ENV = "PARALLAX_ENCODER"
DEVICE_ENV = "PARALLAX_DEVICE"
PROCESSES_ENV = "PARALLAX_PROCESSES"
ARTICLE_SECONDS_ENV = "PARALLAX_ARTICLE_SECONDS"
ENCODER_DIR_ENV = "PARALLAX_ENCODER_DIR"
CACHE_DIR_ENV = "PARALLAX_CACHE_DIR"
DB_ENV = "PARALLAX_DB"
RAY_ADDRESS_ENV = "RAY_ADDRESS"
CSV_DIALECT_ENV = "PARALLAX_CSV_DIALECT"


def check_encoder(kind: str, where: str = "") -> str:
    """``kind`` when it names a sentence encoder, else ``ModelError`` (``where``: e.g. " in $PARALLAX_ENCODER")."""
    if kind not in ENCODERS:
        raise ModelError(f"unknown sentence encoder {kind!r}{where}", hint=f"use one of: {', '.join(ENCODERS)}")
    return kind


def check_csv_dialect(dialect: str, where: str = "") -> str:
    """``dialect`` when it names a way to read CSV (``CSV_DIALECTS``), else ``ConfigError``."""
    if dialect not in CSV_DIALECTS:
        raise ConfigError(f"unknown CSV dialect {dialect!r}{where}", hint=f"use one of: {', '.join(CSV_DIALECTS)}")
    return dialect


def check_device(device: str, where: str = "") -> str:
    """``device`` when MiniLM can run there (auto, onnx, onnx-fp32, numpy, cpu, cuda, cuda:N), else
    ``ModelError``."""
    if not _DEVICE.fullmatch(device):
        raise ModelError(
            f"unknown device {device!r}{where}", hint="use auto, onnx, onnx-fp32, numpy, cpu, cuda or cuda:N"
        )
    return device


@dataclass(frozen=True, slots=True)
class Settings:
    """How a run reads, annotates and embeds.

    ``encoder``: the sentence encoder (``ENCODERS``); ``device``: where MiniLM runs (auto, onnx, onnx-fp32, numpy,
    cpu, cuda, cuda:N). ``processes``: worker processes that annotate a large batch (None: one per CPU, at most
    ``annotate.nlp.MAX_PROCESSES``; batches under ``annotate.nlp.PARALLEL_MIN_ARTICLES`` always run in one).
    ``max_bytes``: the largest input file or record. ``article_seconds`` and ``article_memory`` (bytes): the budget
    of one article in annotate (``annotate.budget``); an article over it is rejected as ``too-slow``. ``fetch``: the
    fetch policy for URLs (None: the default, polite and guarded, with ``max_bytes``); ``csv_map``: the CSV column
    of each field (``(("text", "body"),)``); ``csv_dialect``: how CSV files are read (``CSV_DIALECTS``; "standard":
    RFC 4180).
    ``encoder_dir``: another copy of the MiniLM files (None: the installed package's); ``cache_dir``: where built
    models are cached (None: ``~/.cache/parallax``). ``ray_address``: the Ray cluster when ``RayOptions`` names none
    (None: a local instance).
    """

    encoder: str = "minilm"
    device: str = "auto"
    processes: int | None = None
    max_bytes: int = MAX_BYTES
    fetch: FetchPolicy | None = None
    csv_map: tuple[tuple[str, str], ...] = ()
    csv_dialect: str = "standard"
    encoder_dir: Path | None = None
    cache_dir: Path | None = None
    ray_address: str | None = None
    article_seconds: float = ARTICLE_SECONDS
    article_memory: int = ARTICLE_MEMORY

    def __post_init__(self) -> None:
        check_encoder(self.encoder)
        check_device(self.device)
        check_csv_dialect(self.csv_dialect)
        if self.processes is not None and (not isinstance(self.processes, int) or self.processes < 1):
            raise ConfigError(f"processes must be a positive number, not {self.processes!r}")
        if not isinstance(self.max_bytes, int) or self.max_bytes < 1:
            raise ConfigError(f"max_bytes must be a positive number of bytes, not {self.max_bytes!r}")
        seconds = self.article_seconds
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 < seconds < float("inf"):
            raise ConfigError(f"article_seconds must be a positive number of seconds, not {seconds!r}")
        if isinstance(self.article_memory, bool) or not isinstance(self.article_memory, int) or self.article_memory < 1:
            raise ConfigError(f"article_memory must be a positive number of bytes, not {self.article_memory!r}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **given: Any) -> Settings:
        """Settings from the environment (``environ``, default ``os.environ``); fields in ``given`` (e.g. from
        command-line options) win, and the variables for them are not read.

        ``PARALLAX_ENCODER`` (minilm, static) and ``PARALLAX_DEVICE`` (auto, onnx, onnx-fp32, numpy, cpu, cuda,
        cuda:N) are case-insensitive; an unknown value raises ``ModelError``. ``PARALLAX_PROCESSES`` is used when it is
        a positive number (anything else: one process per CPU). ``PARALLAX_ARTICLE_SECONDS`` is the budget of one
        article in seconds (anything but a positive number raises ``ConfigError``). ``PARALLAX_CACHE_DIR`` is the
        cache folder, else ``$XDG_CACHE_HOME/parallax``. ``PARALLAX_CSV_DIALECT`` (``CSV_DIALECTS``) is
        case-insensitive; an unknown value raises ``ConfigError``.
        """
        env = os.environ if environ is None else environ
        found: dict[str, Any] = {}
        if "encoder" not in given:
            kind = env.get(ENCODER_ENV, "").strip().lower() or "minilm"
            found["encoder"] = check_encoder(kind, f" in ${ENCODER_ENV}")
        if "device" not in given:
            device = env.get(DEVICE_ENV, "").strip().lower() or "auto"
            found["device"] = check_device(device, f" in ${DEVICE_ENV}")
        processes = env.get(PROCESSES_ENV, "").strip()
        found["processes"] = int(processes) if processes.isdigit() and int(processes) > 0 else None
        seconds = env.get(ARTICLE_SECONDS_ENV, "").strip()
        if seconds and "article_seconds" not in given:
            found["article_seconds"] = _seconds(seconds)
        if "csv_dialect" not in given:
            dialect = env.get(CSV_DIALECT_ENV, "").strip().lower() or "standard"
            found["csv_dialect"] = check_csv_dialect(dialect, f" in ${CSV_DIALECT_ENV}")
        found["encoder_dir"] = Path(env[ENCODER_DIR_ENV]) if env.get(ENCODER_DIR_ENV) else None
        found["cache_dir"] = _cache_dir(env)
        found["ray_address"] = env.get(RAY_ADDRESS_ENV) or None
        return cls(**{**found, **given})


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise ConfigError(
            f"${ARTICLE_SECONDS_ENV} is {value!r}, not a positive number of seconds",
            hint=f"set {ARTICLE_SECONDS_ENV} to a number of seconds, e.g. 60, or unset it",
        )
    return seconds


def _cache_dir(env: Mapping[str, str]) -> Path | None:
    override = env.get(CACHE_DIR_ENV)
    if override:
        return Path(override)
    xdg = env.get("XDG_CACHE_HOME")
    return Path(xdg) / "parallax" if xdg else None


def store_url(environ: Mapping[str, str] | None = None) -> str | None:
    """The store named by ``$PARALLAX_DB`` (None when unset or empty), for commands that need no other setting."""
    env = os.environ if environ is None else environ
    return env.get(DB_ENV) or None

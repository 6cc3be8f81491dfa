"""What the web app is configured with: tokens, limits, page sizes, and the run settings uploads are ingested with
(:class:`parallax.settings.Settings`: the encoder, ...). Read from the environment at its edge only.

Writes (``POST /api/ingest``, the upload form) always need the write token (``PARALLAX_TOKEN``); without one set,
the app is read-only. Reads are public unless a read token (``PARALLAX_READ_TOKEN``) is set; the write token then
also opens reads.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import ConfigError
from ..settings import Settings as RunSettings

__all__ = ["BODY_SECONDS", "MAX_UPLOAD_BYTES", "PAGE_SIZE", "Settings"]

# The largest request body the app accepts (an upload of a few articles). News pages run to ~1.5 MB at most (the
# largest seen in the AEB corpus, see ingest.MAX_BYTES); 10 MiB leaves room for a handful of them in one upload.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# Stories per page in the list, and hits per page in search: a screenful, as datasette's default of 100 rows is
# more than a reader scans on a page of headlines.
PAGE_SIZE = 50

# How long a form's CSRF token stays valid (seconds): long enough to fill in the upload form without hurrying.
CSRF_TTL = 2 * 60 * 60

# How long a request's body may take to arrive (seconds): 10 MiB at a slow 256 kbit/s line takes ~5 minutes; a
# client that trickles a body slower than that holds a connection open for nothing and is answered 408.
BODY_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class Settings:
    """The web app's configuration. ``secret`` signs the forms' CSRF tokens (random per process by default);
    ``run``: how uploads are read and analysed (the encoder, the device...)."""

    token: str | None = None
    read_token: str | None = None
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    page_size: int = PAGE_SIZE
    csrf_ttl: int = CSRF_TTL
    body_seconds: float = BODY_SECONDS
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    run: RunSettings = field(default_factory=RunSettings)

    def __post_init__(self) -> None:
        if self.max_upload_bytes < 1 or self.page_size < 1 or self.csrf_ttl < 1 or not self.body_seconds > 0:
            raise ConfigError("max_upload_bytes, page_size, csrf_ttl and body_seconds must be positive")

    @property
    def writable(self) -> bool:
        """Whether writes are possible at all (a write token is configured)."""
        return bool(self.token)

    @property
    def public(self) -> bool:
        """Whether reads need no token."""
        return not self.read_token

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``PARALLAX_TOKEN``, ``PARALLAX_READ_TOKEN`` and ``PARALLAX_MAX_UPLOAD`` (bytes), and the run
        settings from theirs (:meth:`parallax.settings.Settings.from_env`: ``PARALLAX_ENCODER``...)."""
        env = os.environ if env is None else env
        limit = env.get("PARALLAX_MAX_UPLOAD", "").strip()
        try:
            max_upload = int(limit) if limit else MAX_UPLOAD_BYTES
        except ValueError:
            raise ConfigError(
                f"PARALLAX_MAX_UPLOAD must be a number of bytes, not {limit!r}",
                hint="e.g. PARALLAX_MAX_UPLOAD=10485760",
            ) from None
        return cls(
            token=env.get("PARALLAX_TOKEN") or None,
            read_token=env.get("PARALLAX_READ_TOKEN") or None,
            max_upload_bytes=max_upload,
            run=RunSettings.from_env(env),
        )

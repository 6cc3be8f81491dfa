"""The ``parallax`` command: ``main`` holds the group and the batch commands, ``store`` the store commands (ingest,
stories, show, export), ``watch`` the polling loop; ``common`` their shared options and output."""

from .common import EXIT_REJECTED
from .main import cli, main

__all__ = ["EXIT_REJECTED", "cli", "main"]

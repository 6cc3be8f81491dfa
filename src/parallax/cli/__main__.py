"""``python -m parallax.cli``: the ``parallax`` command."""

from .main import main

main()

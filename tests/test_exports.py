"""The public API is exactly the curated __all__ (as httpx's test_exported_members does)."""

from __future__ import annotations

import parallax


def test_all_names_exist_and_are_public() -> None:
    for name in parallax.__all__:
        assert hasattr(parallax, name), name
        assert not name.startswith("_")


def test_no_uncurated_public_members() -> None:
    public = {n for n in dir(parallax) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(parallax, n)).__name__ == "module"}
    assert public - modules == set(parallax.__all__)

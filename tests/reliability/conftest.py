"""The store suite's throwaway PostgreSQL server, shared here (started only by the tests that ask for it)."""

from __future__ import annotations

from tests.store.conftest import postgres_server

__all__ = ["postgres_server"]

"""Answers checked against the app's own OpenAPI document, with a real JSON Schema validator (jsonschema).

:func:`check` finds the operation a request reached (path template and method), and validates the answer's body
against the schema its status is documented with. Every error, documented there or not (a 405, a 413 the body limit
sends), must have the one error shape (``ErrorOut``). A success must be documented. jsonschema is in the ``dev`` extra
(``make test`` installs it): the check never turns itself off.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import Any

import httpx
import jsonschema

from parallax.web import Settings, api, create_app

__all__ = ["check", "document"]


def document(settings: Settings) -> dict[str, Any]:
    """The OpenAPI document an app with ``settings`` serves (as ``/api/openapi.json`` answers it)."""
    return _document(settings.public)


@cache
def _document(public: bool) -> dict[str, Any]:
    from parallax.store import open_store

    store = open_store(":memory:")
    try:
        app = create_app(store, Settings(token="x" * 20, read_token=None if public else "y" * 20))
        return api.openapi_document(app.openapi(), public=public)
    finally:
        store.close()


def _formats() -> Any:
    checker = jsonschema.FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:  # RFC 3339: a full date and time with an offset
        if not isinstance(value, str):
            return True
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", value):
            raise ValueError(f"{value!r} is not an RFC 3339 date-time")
        return datetime.fromisoformat(value).tzinfo is not None

    return checker


def _operation(doc: dict[str, Any], method: str, path: str) -> dict[str, Any] | None:
    for template, operations in doc["paths"].items():
        pattern = re.sub(r"\\\{name\\\}", ".+", re.escape(template))  # {name:path} takes slashes
        pattern = re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", pattern)
        if re.fullmatch(pattern, path) and method in operations:
            operation: dict[str, Any] = operations[method]
            return operation
    return None


def check(settings: Settings, response: httpx.Response) -> None:
    """Raise (AssertionError, jsonschema.ValidationError) unless ``response`` keeps to the document."""
    request = response.request
    path = request.url.path
    if not path.startswith("/api/") or path == "/api/openapi.json" or request.method == "HEAD":
        return
    if response.status_code == 304 or not response.content:
        return
    doc = document(settings)
    operation = _operation(doc, request.method.lower(), path)
    status = str(response.status_code)
    documented = (operation or {}).get("responses", {}).get(status)
    if response.status_code >= 400:
        schema: dict[str, Any] = {"$ref": "#/components/schemas/ErrorOut"}
        if documented is not None:
            schema = documented["content"]["application/json"]["schema"]
    else:
        assert operation is not None, f"{request.method} {path} answered {status} but is not in the document"
        assert documented is not None, f"{request.method} {path} answered {status}, which is not documented"
        schema = documented["content"]["application/json"]["schema"]
    validator = jsonschema.Draft202012Validator({**schema, "components": doc["components"]}, format_checker=_formats())
    errors = sorted(validator.iter_errors(response.json()), key=lambda e: list(e.absolute_path))
    assert not errors, f"{request.method} {request.url} ({status}): " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors[:5]
    )

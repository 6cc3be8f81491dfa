"""Report: a ``Report`` as JSON (``output.to_dict``), HTML (``html``) or Markdown (``markdown``); ``output`` chooses
the format and writes files.
"""

from .output import FORMATS, SCHEMA, render, to_dict, write

__all__ = ["FORMATS", "SCHEMA", "render", "to_dict", "write"]

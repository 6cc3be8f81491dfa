"""Report: a ``Report`` as JSON (``json_form.to_dict``), HTML (``html``) or Markdown (``markdown``); ``output``
chooses the format and writes files.
"""

from .json_form import SCHEMA, to_dict
from .output import FORMATS, render, write

__all__ = ["FORMATS", "SCHEMA", "render", "to_dict", "write"]

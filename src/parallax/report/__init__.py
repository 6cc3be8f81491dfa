"""Report: a ``Report`` as JSON (``json_form.to_dict``), HTML (``html``) or Markdown (``markdown``); ``output``
chooses the format and writes files; ``load`` reads a JSON report back (``read_report``).
"""

from .json_form import SCHEMA, to_dict
from .load import from_dict, read_report
from .output import FORMATS, render, write

__all__ = ["FORMATS", "SCHEMA", "from_dict", "read_report", "render", "to_dict", "write"]

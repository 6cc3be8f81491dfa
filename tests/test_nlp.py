"""The annotate stage: sentence boundaries with exact offsets, named entities with their fullest names, and the
``annotate`` entry point over the seed articles."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parallax.annotate.dates import find_dates
from parallax.annotate.nlp import annotate, find_entities, segment_sentences
from parallax.annotate.quantities import find_quantities
from parallax.days import publication_day
from parallax.models import AnnotatedArticle, Article, Sentence
from parallax.resources import spacy_model

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"
SIBLINGS = ("parallax.annotate.quotes", "parallax.annotate.citations", "parallax.annotate.framing")


@pytest.fixture(scope="module")
def nlp() -> Any:
    return spacy_model()


@pytest.fixture(scope="module")
def seeds() -> list[Article]:
    files = sorted(SEEDS.glob("*.txt"))
    if not files:
        pytest.skip("the seed corpus (../shared/corpus/seeds) is not beside the repository")
    return [Article(id=f.stem, source=str(f), text=f.read_text(encoding="utf-8")) for f in files]


@pytest.fixture(scope="module")
def parsed(nlp: Any, seeds: list[Article]) -> list[tuple[Article, Any]]:
    return list(zip(seeds, nlp.pipe(a.text for a in seeds), strict=True))


def split(nlp: Any, text: str) -> list[str]:
    article = Article(id="t", source="t", text=text)
    return [s.text for s in segment_sentences(article, nlp(text))]


def check_offsets(article: Article, sentences: tuple[Sentence, ...]) -> None:
    assert sentences, article.id
    previous_end = 0
    for i, sentence in enumerate(sentences):
        assert sentence.index == i
        assert sentence.article_id == article.id
        assert sentence.text == article.text[sentence.start : sentence.end]
        assert sentence.text == sentence.text.strip()
        assert sentence.text
        assert sentence.start >= previous_end
        assert sentence.text in article.paragraphs[sentence.paragraph]
        previous_end = sentence.end


# --- sentences ------------------------------------------------------------------------------------------------------


def test_seed_sentences_have_exact_offsets(parsed: list[tuple[Article, Any]]) -> None:
    for article, doc in parsed:
        sentences = segment_sentences(article, doc)
        check_offsets(article, sentences)
        # every non-space character of the text is in some sentence
        covered = sum(len(re.sub(r"\s", "", s.text)) for s in sentences)
        assert covered == len(re.sub(r"\s", "", article.text))


def test_seed_sentences_never_split_inside_a_quotation(parsed: list[tuple[Article, Any]]) -> None:
    # Quotations found independently of the code under test: curly pairs and straight pairs within one line.
    pattern = re.compile(r"“[^“”\n]*”|\"[^\"\n]*\"")
    for article, doc in parsed:
        sentences = segment_sentences(article, doc)
        starts = {s.start for s in sentences}
        for quote in pattern.finditer(article.text):
            inside = [s for s in starts if quote.start() < s < quote.end()]
            assert not inside, (article.id, quote.group(0))


def test_multi_sentence_quotation_is_one_sentence(nlp: Any) -> None:
    text = "The mayor spoke briefly. “We will rebuild the bridge. It will take two years,” she said. Work starts soon."
    assert split(nlp, text) == [
        "The mayor spoke briefly.",
        "“We will rebuild the bridge. It will take two years,” she said.",
        "Work starts soon.",
    ]


def test_attribution_after_a_quoted_question_stays_attached(nlp: Any) -> None:
    text = "“Who pays for it?” Councillor Jones asked. The council did not answer."
    assert split(nlp, text) == ["“Who pays for it?” Councillor Jones asked.", "The council did not answer."]


def test_photo_credit_is_merged_into_its_caption(nlp: Any) -> None:
    text = "A crane lifts the final steel beam into place in Leeds on March 3, 2021. (Photo: Example Agency)"
    assert split(nlp, text) == [text]


def test_abbreviations_do_not_end_sentences(nlp: Any) -> None:
    text = "Mr. Smith met Dr. Jones in Washington. They talked about the U.S. economy for an hour."
    assert split(nlp, text) == [
        "Mr. Smith met Dr. Jones in Washington.",
        "They talked about the U.S. economy for an hour.",
    ]


def test_lines_and_paragraphs_are_boundaries(nlp: Any) -> None:
    text = "A headline without a full stop\nThe body sentence follows here and explains more.\n\n\nA second paragraph."
    article = Article(id="t", source="t", text=text)
    sentences = segment_sentences(article, nlp(text))
    assert [(s.paragraph, s.text) for s in sentences] == [
        (0, "A headline without a full stop"),
        (0, "The body sentence follows here and explains more."),
        (1, "A second paragraph."),
    ]
    check_offsets(article, sentences)


def test_hard_wrapped_paragraph_lines_are_not_boundaries(nlp: Any) -> None:
    text = (
        "The city council voted on Tuesday to extend the tram line\n"
        "to the northern suburbs, a project that has been debated\n"
        "for more than a decade and is expected to cost the region\n"
        "several hundred million euros. Construction starts in spring."
    )
    sentences = split(nlp, text)
    assert len(sentences) == 2
    assert sentences[0].startswith("The city council")
    assert sentences[0].endswith("euros.")


# Pieces of news-like text with the characters that trip segmenters: mixed quote marks, brackets, abbreviations,
# blank lines, carriage returns, numbers and dates.
_PIECES = st.sampled_from(
    [
        "The council", "said", "voted", "Mr.", "U.S.", "Inc.", "\"", "“", "”", "’", "(", ")", ".", ",", "?", "—",
        "\n", "\n\n", "\n\n\n", "\r\n", "  ", "Photo:", "on Sunday", "in June 2019", "$5m", "12%", "three people",
        "Acme Co", "Lopez", "Maria Lopez", "2018", "May", "5G", "last year", "Feb 30, 2019", "one hundred and",
    ]
)  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_PIECES, st.sampled_from(["", " "])), max_size=40))
def test_offsets_hold_on_any_text(nlp: Any, pieces: list[tuple[str, str]]) -> None:
    text = "".join(piece + space for piece, space in pieces)
    article = Article(id="t", source="t", text=text)
    doc = nlp(text)
    sentences = segment_sentences(article, doc)
    if text.strip():
        check_offsets(article, sentences)
    for span in (*find_entities(doc, sentences), *find_dates(doc, sentences, None), *find_quantities(doc, sentences)):
        assert text[span.start : span.end] == span.text


def test_empty_text_has_no_sentences(nlp: Any) -> None:
    article = Article(id="t", source="t", text="")
    assert segment_sentences(article, nlp("")) == ()


def test_doc_must_come_from_the_article(nlp: Any) -> None:
    article = Article(id="t", source="t", text="One text.")
    with pytest.raises(ValueError, match="not parsed from"):
        segment_sentences(article, nlp("Another text."))


# --- entities -------------------------------------------------------------------------------------------------------


def entities(nlp: Any, text: str) -> list[tuple[str, str, str]]:
    article = Article(id="t", source="t", text=text)
    doc = nlp(text)
    found = find_entities(doc, segment_sentences(article, doc))
    for entity in found:
        assert text[entity.start : entity.end] == entity.text
    return [(e.text, e.label, e.name) for e in found]


def test_surname_maps_to_the_full_name(nlp: Any) -> None:
    found = entities(nlp, "Foreign Minister Maria Lopez met reporters in Madrid. Lopez said the talks had gone well.")
    assert ("Maria Lopez", "PERSON", "Maria Lopez") in found
    assert ("Lopez", "PERSON", "Maria Lopez") in found


def test_seed_surnames_map_to_full_names(parsed: list[tuple[Article, Any]]) -> None:
    for article, doc in parsed:
        found = find_entities(doc, segment_sentences(article, doc))
        full = {e.name for e in found if e.label == "PERSON" and " " in e.name}
        for entity in found:
            if entity.label == "PERSON" and " " not in entity.text:
                matches = [name for name in full if name.split()[-1] == entity.text]
                if matches:
                    assert entity.name in matches


def test_org_maps_to_its_longer_corporate_name_only(nlp: Any) -> None:
    found = entities(
        nlp,
        "Northwind Holdings Co reported a loss. Northwind said prices would rise. "
        "Amazon Web Services grew, while Amazon itself slowed.",
    )
    assert ("Northwind", "ORG", "Northwind Holdings Co") in found
    assert ("Amazon", "ORG", "Amazon") in found  # a division is not the company's full name


def test_entities_are_trimmed_and_junk_dropped(nlp: Any) -> None:
    found = entities(
        nlp, 'Delegates gathered at the "Harbour Forum" in Oslo for a Q&A session with the Netherlands’ envoy.'
    )
    texts = {text for text, _, _ in found}
    assert "Harbour Forum" in texts
    assert "Netherlands" in texts
    assert not any(t.startswith(("the ", '"')) or t.endswith(("’", "'s")) for t in texts)
    assert "Q&A" not in texts


# --- the stage ------------------------------------------------------------------------------------------------------


def test_publication_day() -> None:
    assert str(publication_day("2020-08-24T11:07:12")) == "2020-08-24"
    assert str(publication_day(" 2020-08-24 ")) == "2020-08-24"
    assert publication_day("2020-08-24") is not None
    assert publication_day(None) is None
    assert publication_day("yesterday") is None
    assert publication_day("2020-08") is None  # a month is no day


def test_annotate_rejects_other_types() -> None:
    with pytest.raises(TypeError):
        list(annotate(["not an article"]))  # type: ignore[list-item]


@pytest.mark.skipif(
    any(importlib.util.find_spec(name) is None for name in SIBLINGS), reason="sibling annotators not written yet"
)
def test_annotate_seeds(seeds: list[Article]) -> None:
    dated = [
        Article(id=a.id, source=a.source, text=a.text, published="2020-08-24" if i % 2 else None)
        for i, a in enumerate(seeds)
    ]
    results = list(annotate(dated, batch_size=2))
    assert [r.id for r in results] == [a.id for a in dated]  # input order
    for result, article in zip(results, dated, strict=True):
        assert isinstance(result, AnnotatedArticle)
        check_offsets(article, result.sentences)
        for span in (*result.entities, *result.dates, *result.quantities):
            assert article.text[span.start : span.end] == span.text
        for expr in result.dates:
            assert bool(expr.value) or (expr.relative and article.published is None)
        assert -1.0 <= result.tone <= 1.0
    assert any(e.value == "2020-08-23" for r in results for e in r.dates)


def test_worker_processes_annotate_exactly_as_one_process(seeds: list[Article]) -> None:
    # the parallel path (spawned workers, chunks of PARALLEL_CHUNK) keeps input order and gives the same records
    import parallax.annotate.nlp as nlp_module

    articles = seeds * 2
    serial = list(annotate(articles, n_process=1))
    chunk = nlp_module.PARALLEL_CHUNK
    try:
        nlp_module.PARALLEL_CHUNK = 3  # several chunks per worker from a small batch
        parallel = list(annotate(articles, n_process=2))
    finally:
        nlp_module.PARALLEL_CHUNK = chunk
    assert parallel == serial


def test_pipeline_tokenizes_as_spacy_load_does(nlp: Any, seeds: list[Article]) -> None:
    # spacy_model builds the pipeline with a bare tokenizer and reads the saved one over it; spaCy's own load builds
    # one from English's defaults first: the tokenizer that results must be the same
    import warnings

    import spacy

    from parallax import resources

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*W095.*")
        plain = spacy.load(resources.SPACY_PACKAGE, exclude=resources.EXCLUDED)
    resources._add_entity_rules(plain)
    assert nlp.tokenizer.to_bytes(exclude=["vocab"]) == plain.tokenizer.to_bytes(exclude=["vocab"])
    assert nlp.pipe_names == plain.pipe_names
    texts = [a.text for a in seeds] + ["U.S. officials didn't say (e.g. at 5 p.m.) that 5G costs $3.5bn -- or 40%."]
    for ours, theirs in zip(nlp.pipe(texts), plain.pipe(texts), strict=True):
        assert [(t.text, t.idx, t.tag_, t.dep_, t.head.i, t.ent_type_) for t in ours] == [
            (t.text, t.idx, t.tag_, t.dep_, t.head.i, t.ent_type_) for t in theirs
        ]


def test_spacy_command_line_still_imports() -> None:
    # spaCy is imported without spacy.cli (resources._import_spacy); a later import gets the real one
    import os
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from parallax import resources\n"
        "spacy = resources._import_spacy()\n"
        "assert 'spacy.cli' not in sys.modules and not hasattr(spacy, 'cli')\n"
        "import spacy.cli\n"
        "from spacy.cli.info import info\n"
        "assert callable(spacy.cli.download) and callable(spacy.info) and info is not spacy.info\n"
        "assert spacy.info(silent=True)['spacy_version'] == spacy.__version__\n"
    )
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env)
    assert done.returncode == 0, done.stderr

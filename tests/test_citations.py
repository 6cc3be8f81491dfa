"""Citations of upstream sources: each cue pattern, photo credits and self-references left out, unknown
organisations classified by context, the bundled source list; and the seed articles measured as
../shared/eval/score_report.py measures cites."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from types import ModuleType

import pytest

from parallax.annotate.citations import find_citations, lookup_source
from parallax.models import Citation

from .conftest import annotate_text

annotate = annotate_text


def cites(text: str, outlet: str | None = None) -> list[Citation]:
    article, doc, sentences, entities = annotate(text, outlet=outlet)
    found = list(find_citations(article, doc, sentences, entities))
    for c in found:
        assert c.kind in ("wire", "outlet", "institution")
        assert 0 <= c.sentence < len(sentences)
        assert sentences[c.sentence].start <= c.start < c.end <= sentences[c.sentence].end
    return found


def sources(text: str, outlet: str | None = None) -> list[tuple[str, str, str]]:
    return [(c.source, c.kind, c.cue) for c in cites(text, outlet)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("According to Reuters, the plant will close in March.", ("Reuters", "wire", "according to")),
        ("The plant will close in March (via Reuters).", ("Reuters", "wire", "via")),
        ("The plant will close in March, the ministry said, citing Yonhap.", ("Yonhap", "wire", "citing")),
        ("As per a report from the Anadolu news agency, the plant will close.", ("Anadolu", "wire", "report from")),
        ("A report by Bloomberg said the plant will close in March.", ("Bloomberg", "wire", "report by")),
        ("The plant will close in March, Kyodo first reported on Friday.", ("Kyodo", "wire", "first reported")),
        ("Kyodo News said the plant will close in March.", ("Kyodo", "wire", "said")),
        ("Xinhua quoted the manager as saying that the plant will close.", ("Xinhua", "wire", "quoted")),
        (
            "The manager said in an interview with the BBC that the plant will close.",
            ("BBC", "outlet", "interview with"),
        ),
        ("The plant will close in March, the manager told CNN on Sunday.", ("CNN", "outlet", "told")),
        ("According to Japan's public broadcaster NHK, the plant will close.", ("NHK", "outlet", "according to")),
        ("MOSCOW (AP) — The plant will close in March, officials said.", ("Associated Press", "wire", "dateline")),
    ],
)
def test_cue_patterns(text: str, expected: tuple[str, str, str]) -> None:
    assert sources(text) == [expected]


def test_coordinated_sources_share_the_cue() -> None:
    found = sources("According to Reuters and AFP, the plant will close in March.")
    assert [s[0] for s in found] == ["Reuters", "AFP"]


def test_known_name_without_a_cue_is_not_a_citation() -> None:
    assert cites("Reuters employs thousands of journalists around the world.") == []


def test_photo_credits_are_not_citations() -> None:
    text = (
        "Workers repair a power line in the north of the country. (Photo: Kyodo)\n\n"
        "Photo: AFP\n\n"
        "A technician checks the cables. / Reuters\n\n"
        "The plant will close in March. Getty Images"
    )
    assert cites(text) == []


def test_own_outlet_is_not_a_citation() -> None:
    text = "The plant will close in March, the manager told China Daily in an email."
    assert cites(text, outlet="China Daily") == []
    assert sources(text, outlet="The Straits Times") == [("China Daily", "outlet", "told")]


def test_unknown_organisations_by_context() -> None:
    assert sources("Regional newspaper Northfield Courier reported that the plant will close.") == [
        ("Northfield Courier", "outlet", "reported")
    ]
    found = sources("According to Brookfield Analytics, the plant lost money for three years.")
    assert found == [("Brookfield Analytics", "institution", "according to")]
    # an institution that speaks is a quote's speaker, not a source
    assert cites("Brookfield Analytics said the plant lost money for three years.") == []
    # a company reporting its results is not a news organisation reporting
    assert cites("Brookfield Analytics reported a loss of $3 million for the quarter.") == []


def test_own_outlet_shortened_or_as_an_edition() -> None:
    assert cites("The mayor told the Courier on Sunday that the plant will close.", outlet="Northfield Courier") == []
    assert cites("CBC Vancouver learned that the plan was final.", outlet="CBC News") == []
    assert sources("CBC Vancouver learned that the plan was final.", outlet="Northfield Courier") == [
        ("CBC Vancouver", "outlet", "learned")
    ]


def test_acronym_defined_in_the_article_wins_over_a_known_one() -> None:
    text = (
        "The plant will close, the state-run Vostrian News Agency (VNA) reported.\n\n"
        "Workers were told on Friday, VNA reported."
    )
    assert sources(text) == [("Vostrian News Agency", "wire", "reported")]


def test_newsroom_names_the_ner_missed() -> None:
    found = sources("Radio Northfield reported that more than 80 firefighters fought the blaze.")
    assert found == [("Radio Northfield", "outlet", "reported")]


def test_one_citation_per_source_at_its_first_cited_mention() -> None:
    text = "The plant will close, Reuters reported.\n\nWorkers were told on Friday, according to Reuters."
    found = cites(text)
    assert [(c.source, c.start) for c in found] == [("Reuters", text.index("Reuters"))]


def test_lookup_source() -> None:
    assert lookup_source("the Anadolu news agency") == ("Anadolu", "wire")
    assert lookup_source("Kyodo News") == ("Kyodo", "wire")
    assert lookup_source("The New York Times") == ("The New York Times", "outlet")
    assert lookup_source("Time") == ("Time", "outlet")  # ambiguous names only as written
    assert lookup_source("time") is None
    assert lookup_source("Brookfield Analytics") is None
    with pytest.raises(TypeError):
        lookup_source(None)  # type: ignore[arg-type]


def test_source_list_is_consistent() -> None:
    raw = json.loads(resources.files("parallax").joinpath("data/sources.json").read_text(encoding="utf-8"))
    seen: set[str] = set()
    for entry in raw["sources"]:
        assert entry["kind"] in ("wire", "outlet")
        for alias in (entry["name"], *entry["aliases"]):
            assert alias not in seen, alias
            seen.add(alias)
    assert 100 < len(raw["sources"]) < 500


def test_rejects_a_wrong_type() -> None:
    with pytest.raises(TypeError):
        find_citations("not an article", None, [], [])  # type: ignore[arg-type]


def test_seed_cites(shared: Path, scorer: ModuleType) -> None:
    gold = json.loads((shared / "eval" / "seeds.gold.json").read_text(encoding="utf-8"))
    tp = fp = fn = 0
    for path in sorted((shared / "corpus" / "seeds").glob("*.txt")):
        g = gold["articles"][path.stem]
        article, doc, sentences, entities = annotate(path.read_text(encoding="utf-8"), path.stem, g.get("outlet"))
        got = [c.source for c in find_citations(article, doc, sentences, entities) if c.kind != "institution"]
        want, allowed = g.get("cites", []), g.get("cites", []) + g.get("cites_allowed", [])
        tp += sum(any(scorer.loose_match(w, c) for c in got) for w in want)
        fn += sum(not any(scorer.loose_match(w, c) for c in got) for w in want)
        fp += sum(not any(scorer.loose_match(c, a) for a in allowed) for c in got)
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    assert 2 * precision * recall / (precision + recall) >= 0.9

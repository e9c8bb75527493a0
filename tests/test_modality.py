"""Modality of extracted relations (kg.modality through kg.extract): how factual, and said by whom.

Every case names the relation it expects and the modality (and, for reported ones, the
source) it must carry, as docs and the annotation guideline define them: a stance under an
intention verb stays asserted, the aim itself is hypothetical, a negation wins over a
speech verb.
"""

from __future__ import annotations

import pytest

CAPTURED = ("Taliban", "captured", "Kabul")
ATTACKED = ("Houthis", "attacked", "Marib")


@pytest.mark.parametrize(
    ("text", "triple", "modality", "source"),
    [
        pytest.param("The Taliban captured Kabul.", CAPTURED, "asserted", None, id="asserted"),
        pytest.param(
            "Sanctions could weaken the junta's control of Mandalay.",
            ("junta", "controls", "Mandalay"),
            "asserted",
            None,
            id="state-presupposed-by-a-noun-phrase",
        ),
        pytest.param(
            "Sanctions could isolate junta-held Sittwe.",
            ("junta", "controls", "Sittwe"),
            "asserted",
            None,
            id="state-presupposed-by-a-hyphenated-modifier",
        ),
        pytest.param(
            "Residents said South Sudan's President Salva Kiir was in Juba.",
            ("Salva Kiir", "leaderOf", "South Sudan"),
            "asserted",
            None,
            id="title-presupposed-under-a-speech-verb",
        ),
        pytest.param(
            "The talks raised the possibility of Egyptian control of Halaib.",
            ("Egypt", "controls", "Halaib"),
            "hypothetical",
            None,
            id="intention-noun-inside-the-phrase",
        ),
        pytest.param(
            "Human Rights Watch said the Taliban captured Kabul.",
            CAPTURED,
            "reported",
            "Human Rights Watch",
            id="speech-verb",
        ),
        pytest.param(
            "Residents said the Houthis shelled Marib.",
            ATTACKED,
            "reported",
            "Residents",
            id="speech-verb-collective",
        ),
        pytest.param(
            "The RSF claimed it captured Nyala.",
            ("RSF", "captured", "Nyala"),
            "reported",
            "RSF",
            id="claim-by-the-actor",
        ),
        pytest.param(
            "According to Human Rights Watch, the Taliban captured Kabul.",
            CAPTURED,
            "reported",
            "Human Rights Watch",
            id="according-to-first",
        ),
        pytest.param(
            "The Houthis, according to Human Rights Watch, shelled Marib.",
            ATTACKED,
            "reported",
            "Human Rights Watch",
            id="according-to-inside",
        ),
        pytest.param(
            "If the Taliban captures Kabul, thousands will flee.",
            CAPTURED,
            "hypothetical",
            None,
            id="if-clause",
        ),
        pytest.param(
            "The Taliban may capture Kabul.", CAPTURED, "hypothetical", None, id="modal-may"
        ),
        pytest.param(
            "The Taliban could seize Kandahar within days.",
            ("Taliban", "captured", "Kandahar"),
            "hypothetical",
            None,
            id="modal-could",
        ),
        pytest.param(
            "The Taliban aims to take Kabul.", CAPTURED, "hypothetical", None, id="intention-verb"
        ),
        pytest.param(
            "The Houthis plan to attack Marib.", ATTACKED, "hypothetical", None, id="plan-to"
        ),
        pytest.param(
            "The Houthis are preparing an assault on Marib.",
            ATTACKED,
            "hypothetical",
            None,
            id="preparing-noun",
        ),
        pytest.param(
            "The Arakan Army aims to overthrow the junta.",
            ("Arakan Army", "opposes", "junta"),
            "asserted",
            None,
            id="stance-under-intention-stays-asserted",
        ),
        pytest.param("The Taliban did not capture Kabul.", CAPTURED, "negated", None, id="did-not"),
        pytest.param("The Taliban never captured Kabul.", CAPTURED, "negated", None, id="never"),
        pytest.param("The Taliban denied capturing Kabul.", CAPTURED, "negated", None, id="denied"),
        pytest.param(
            "The Taliban failed to capture Kabul.", CAPTURED, "negated", None, id="failed-to"
        ),
        pytest.param(
            "Human Rights Watch said the Taliban did not capture Kabul.",
            CAPTURED,
            "negated",
            None,
            id="negation-wins-over-speech",
        ),
        pytest.param(
            "Residents said the Houthis denied shelling Marib.",
            ATTACKED,
            "negated",
            None,
            id="denial-inside-a-speech-verb",
        ),
        pytest.param(
            "The Houthis have been accused of shelling Marib.",
            ATTACKED,
            "reported",
            "reports",
            id="accused-without-an-accuser",
        ),
    ],
)
def test_modality(
    extract_relations, text: str, triple: tuple[str, str, str], modality: str, source: str | None
) -> None:
    found = extract_relations(text)
    assert set(found) == {triple}
    assert (found[triple].modality, found[triple].source_name) == (modality, source)


def test_an_accusation_reports_what_the_accused_did(extract_relations) -> None:
    found = extract_relations("Amnesty International accused the Houthis of shelling Marib.")
    assert (found[ATTACKED].modality, found[ATTACKED].source_name) == (
        "reported",
        "Amnesty International",
    )


def test_a_denial_covers_its_complement_not_the_clause_beside_it(extract_relations) -> None:
    found = extract_relations(
        "The Houthis deny receiving weapons from Iran, although residents said the Houthis "
        "shelled Marib."
    )
    assert (found[ATTACKED].modality, found[ATTACKED].source_name) == ("reported", "residents")


def test_reported_source_is_the_speaking_entity(extract_article) -> None:
    """The source of a reported statement is the entity that spoke, not only its name."""
    extraction = extract_article("Human Rights Watch said the Taliban captured Kabul.")
    [found] = extraction.assertions
    [speaker] = [e for e in extraction.entities if e.key == found.source]
    assert (speaker.name, speaker.gazetteer_id) == ("Human Rights Watch", "hrw")


def test_hearsay_adverb_reports_without_a_speaker(extract_relations) -> None:
    found = extract_relations("The Taliban reportedly captured Kabul.")
    assert set(found) == {CAPTURED}
    assert (found[CAPTURED].modality, found[CAPTURED].source) == ("reported", None)

"""Back-references (kg.coref through kg.extract): which entity a description refers to.

The sentences are about conflicts the example articles do not cover; each case states the
exact triples the text must give.
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Russian troops massed near Kyiv. In a statement, the commander urged his soldiers "
            "to prepare for an assault on the capital.",
            {("Russian troops", "attacked", "Kyiv")},
            id="the-capital-is-a-place-of-no-kind-named-before",
        ),
        pytest.param(
            "Myanmar's army lost Lashio in August, and the fall of Lashio could end the junta's "
            "hold on the country.",
            {("junta", "controls", "Myanmar")},
            id="the-country-is-a-country-not-the-town-named-last",
        ),
    ],
)
def test_descriptions(extract_relations, text: str, expected: set[tuple[str, str, str]]) -> None:
    assert set(extract_relations(text)) == expected

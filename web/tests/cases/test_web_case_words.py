"""Each status, move, stage and answer the cases service names has words in English and Welsh."""

from typing import get_args

import pytest

from cases.cases.answers import AdviceTopic, CaseType, Tenure
from cases.cases.details import ContactMethod, Relationship
from cases.cases.kinds import KINDS
from web.cases import words
from web.i18n import current_language

STATUSES = sorted({status for kind in KINDS.values() for status in kind.statuses})
ACTIONS = sorted({t.action for kind in KINDS.values() for t in kind.transitions})
STAGES = sorted({stage for kind in KINDS.values() for stage in kind.stages})
NAMED = [
    *[(words.kind_title, kind) for kind in KINDS],
    *[(words.status_label, status) for status in STATUSES],
    *[(words.action_label, action) for action in ACTIONS if action not in {"suspend", "reinstate"}],
    *[(words.stage_label, stage) for stage in STAGES],
    *[(words.case_type_label, value) for value in get_args(CaseType)],
    *[(words.tenure_label, value) for value in get_args(Tenure)],
    *[(words.advice_topic_label, value) for value in get_args(AdviceTopic)],
    *[(words.relationship_label, value) for value in get_args(Relationship)],
    *[(words.contact_method_label, value) for value in get_args(ContactMethod)],
]


@pytest.mark.parametrize(("label", "name"), NAMED, ids=[name for _, name in NAMED])
def test_each_name_has_words_in_english_and_welsh(label: words.Label, name: str) -> None:
    english_token = current_language.set("en")
    try:
        english = label(name)
    finally:
        current_language.reset(english_token)
    welsh_token = current_language.set("cy")
    try:
        welsh = label(name)
    finally:
        current_language.reset(welsh_token)
    # A name without words of its own falls back to the machine name ("in_progress").
    assert "_" not in english
    assert welsh != name


def test_the_register_status_reads_as_people_know_it() -> None:
    assert words.status_label("live") == "Live"
    assert words.kind_title("complaint") == "Complaint"

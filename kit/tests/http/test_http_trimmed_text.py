"""Trimmed text: the limits a request body's document declares hold for the text as sent."""

from typing import Annotated

import pytest
from pydantic import BaseModel, ValidationError

from kit.fields import Trimmed


class Body(BaseModel):
    name: Annotated[str, Trimmed(10)]
    note: Annotated[str, Trimmed(10, min_length=0)] = ""
    phone: Annotated[str, Trimmed(12, min_length=0, pattern=r"^[0-9 ]{7,12}$")] = "0123456"


def refusal(**fields: str) -> str:
    with pytest.raises(ValidationError) as refused:
        Body.model_validate(fields)
    (error,) = refused.value.errors()
    return str(error["type"])


def test_the_ends_are_trimmed() -> None:
    body = Body.model_validate({"name": " Ann Lee \u00a0", "note": "\t", "phone": " 0123456 "})

    assert (body.name, body.note, body.phone) == ("Ann Lee", "", "0123456")


def test_text_longer_than_its_limit_is_refused_even_when_the_excess_is_spaces() -> None:
    assert Body.model_validate({"name": "x" * 10}).name == "x" * 10
    assert refusal(name="\u00a0" + "x" * 10) == "string_too_long"


def test_spaces_alone_are_no_answer() -> None:
    assert refusal(name="   ") == "string_too_short"


def test_the_pattern_holds_before_and_after_trimming() -> None:
    assert refusal(name="Ann", phone="\u00a00123456") == "string_pattern_mismatch"
    assert refusal(name="Ann", phone=" 012345 ") == "string_pattern_mismatch"


def test_the_document_declares_the_limits() -> None:
    declared = Body.model_json_schema()["properties"]

    assert declared["name"] == {"maxLength": 10, "minLength": 1, "title": "Name", "type": "string"}
    assert declared["phone"]["pattern"] == r"^[0-9 ]{7,12}$"

"""The generated JSON Schema files and AsyncAPI document: current, valid and useful."""

import copy
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator, Draft202012Validator

from contracts import VERSIONS, Envelope, EventPayload
from contracts.asyncapi import asyncapi_document, message_key
from contracts.generate import main, render, schema_file_name

PROJECT = Path(__file__).resolve().parents[1]
SCHEMA_FILES = sorted((PROJECT / "schemas").glob("*.json"))


def example_message(payload: EventPayload) -> dict[str, Any]:
    """Return a real message for the payload, as a consumer decodes it."""
    envelope = Envelope.for_event(
        payload, authority="watford", actor="user-1", subject="watford", correlation_id="r-1"
    )
    decoded: dict[str, Any] = json.loads(envelope.model_dump_json())
    return decoded


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Return a change that puts value at a dotted path of a message."""

    def change(message: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = message
        for part in parents:
            target = target[part]
        target[last] = value

    return change


def _drop(field: str) -> Callable[[dict[str, Any]], None]:
    """Return a change that removes a top-level field of a message."""

    def change(message: dict[str, Any]) -> None:
        del message[field]

    return change


BREAKAGES: dict[str, Callable[[dict[str, Any]], None]] = {
    "other type": _set("type", "gateway.authority.removed"),
    "other version": _set("version", 999),
    "naive occurred_at": _set("occurred_at", "2025-03-01T09:30:00"),
    "bad authority slug": _set("authority", "Watford Council"),
    "id not a uuid": _set("id", "event-1"),
    "actor not a string": _set("actor", 42),
    "extra envelope field": _set("tenant", "watford"),
    "missing data": _drop("data"),
    "missing correlation_id": _drop("correlation_id"),
    "extra payload field": _set("data.unexpected", True),
    "empty payload": _set("data", {}),
}


def _model_for(path: Path) -> type[EventPayload]:
    """Return the payload model whose schema file this is."""
    by_name = {schema_file_name(*key): model for key, model in VERSIONS.items()}
    return by_name[path.name]


class TestCurrent:
    def test_committed_files_are_current(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["--check", "--root", str(PROJECT)]) == 0, capsys.readouterr().err

    def test_one_schema_file_per_event_version(self) -> None:
        expected = sorted(schema_file_name(*key) for key in VERSIONS)
        assert [path.name for path in SCHEMA_FILES] == expected

    def test_check_names_stale_files_and_fails(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        shutil.copytree(PROJECT / "schemas", tmp_path / "schemas")
        shutil.copy(PROJECT / "asyncapi.yaml", tmp_path / "asyncapi.yaml")
        (tmp_path / "asyncapi.yaml").write_text("asyncapi: 3.0.0\n", encoding="utf-8")
        (tmp_path / "schemas" / "gateway.authority.removed.v1.json").write_text("{}\n")
        assert main(["--check", "--root", str(tmp_path)]) == 1
        err = capsys.readouterr().err
        assert f"stale: {tmp_path.as_posix()}/asyncapi.yaml" in err
        assert "schemas/gateway.authority.removed.v1.json" in err
        assert "gateway.authority.upserted.v1.json" not in err

    def test_generating_repairs_what_check_reports(self, tmp_path: Path) -> None:
        (tmp_path / "schemas").mkdir()
        (tmp_path / "schemas" / "gateway.authority.removed.v1.json").write_text("{}\n")
        assert main(["--root", str(tmp_path)]) == 0
        assert main(["--check", "--root", str(tmp_path)]) == 0
        assert not (tmp_path / "schemas" / "gateway.authority.removed.v1.json").exists()
        for name, text in render().items():
            assert (tmp_path / name).read_text(encoding="utf-8") == text

    @pytest.mark.parametrize("hash_seed", ["1", "2"])
    def test_command_line_output_does_not_depend_on_hash_seed(self, hash_seed: str) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "contracts.generate", "--check", "--root", str(PROJECT)],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr

    def test_files_end_with_one_newline(self) -> None:
        for name, text in render().items():
            assert text.endswith("\n"), name
            assert not text.endswith("\n\n"), name


class TestSchemaFiles:
    @pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda path: path.name)
    def test_validates_a_real_message(
        self, path: Path, example_payloads: dict[type[EventPayload], EventPayload]
    ) -> None:
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        validator.validate(example_message(example_payloads[_model_for(path)]))

    @pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda path: path.name)
    @pytest.mark.parametrize("breakage", list(BREAKAGES), ids=str)
    def test_rejects_a_broken_message(
        self,
        path: Path,
        breakage: str,
        example_payloads: dict[type[EventPayload], EventPayload],
    ) -> None:
        # No format checker: the schema alone must reject it, as most validators see it.
        validator = Draft202012Validator(json.loads(path.read_text(encoding="utf-8")))
        message = copy.deepcopy(example_message(example_payloads[_model_for(path)]))
        BREAKAGES[breakage](message)
        assert not validator.is_valid(message)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """The committed AsyncAPI document."""
    loaded: dict[str, Any] = yaml.safe_load((PROJECT / "asyncapi.yaml").read_text("utf-8"))
    return loaded


class TestAsyncApi:
    def test_file_reads_back_as_the_generated_document(self, document: dict[str, Any]) -> None:
        assert document == asyncapi_document()

    def test_one_topic_exchange_channel(self, document: dict[str, Any]) -> None:
        assert document["asyncapi"] == "3.0.0"
        assert list(document["channels"]) == ["portal.events"]
        channel = document["channels"]["portal.events"]
        assert channel["address"] == "portal.events"
        exchange = channel["bindings"]["amqp"]["exchange"]
        assert (exchange["name"], exchange["type"], exchange["durable"]) == (
            "portal.events",
            "topic",
            True,
        )

    def test_every_event_version_is_published_with_its_routing_key(
        self, document: dict[str, Any]
    ) -> None:
        for model in VERSIONS.values():
            key = message_key(model)
            assert document["channels"]["portal.events"]["messages"][key] == {
                "$ref": f"#/components/messages/{key}"
            }
            operation = document["operations"][key]
            assert operation["action"] == "send"
            assert operation["bindings"]["amqp"]["cc"] == [model.event_type]
            assert operation["messages"] == [{"$ref": f"#/channels/portal.events/messages/{key}"}]
            message = document["components"]["messages"][key]
            assert message["name"] == model.event_type
            assert message["payload"] == {"$ref": f"#/components/schemas/{key}"}

    def test_every_local_reference_resolves(self, document: dict[str, Any]) -> None:
        def references(node: Any) -> list[str]:
            if isinstance(node, dict):
                found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
                return found + [ref for value in node.values() for ref in references(value)]
            if isinstance(node, list):
                return [ref for item in node for ref in references(item)]
            return []

        for reference in references(document):
            target: Any = document
            for part in reference.removeprefix("#/").split("/"):
                target = target[part]
            assert isinstance(target, dict), reference

    def test_message_payloads_validate_real_messages_and_reject_broken_ones(
        self,
        document: dict[str, Any],
        example_payloads: dict[type[EventPayload], EventPayload],
    ) -> None:
        # AsyncAPI's default schema format is a superset of JSON Schema draft 7.
        for model in VERSIONS.values():
            schema = document["components"]["schemas"][message_key(model)]
            Draft7Validator.check_schema(schema)
            Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER).validate(
                example_message(example_payloads[model])
            )
            validator = Draft7Validator(schema)
            for breakage, change in BREAKAGES.items():
                message = copy.deepcopy(example_message(example_payloads[model]))
                change(message)
                assert not validator.is_valid(message), breakage

"""Loading the demo and first-start authorities from YAML."""

from pathlib import Path

import yaml
from pydantic import TypeAdapter

from gateway.registry.models import Authority

_AUTHORITIES = TypeAdapter(list[Authority])


def load_seed(path: Path) -> list[Authority]:
    """The authorities listed in a seed file (`authorities:` list)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return _AUTHORITIES.validate_python(document.get("authorities", []))

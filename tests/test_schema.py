"""The schema is declared once; `kb schema` exports it and it validates the catalogue's records."""

import json
import re

import jsonschema
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.load import load_yaml
from generator.schema import RECORD_MODELS, REFERENCE_FILES

from conftest import FIXTURES, ROOT

YAML12_INT = re.compile(r"^[-+]?[0-9]+$")
YAML12_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


def as_ide_sees_it(value):
    """The YAML 1.2 core reading an editor's YAML language server applies to plain scalars."""
    if isinstance(value, dict):
        return {k: as_ide_sees_it(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_ide_sees_it(v) for v in value]
    if isinstance(value, str) and YAML12_INT.match(value):
        return int(value)
    if isinstance(value, str) and YAML12_FLOAT.match(value):
        return float(value)
    return value


def catalog_files():
    for root in (ROOT / "catalog", FIXTURES / "valid" / "catalog"):
        yield from sorted(root.glob("*/*.yml"))


def kb_schema(kind):
    result = CliRunner().invoke(main, ["schema", "--kind", kind])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("path", list(catalog_files()), ids=lambda p: f"{p.parent.parent.parent.name}/{p.parent.name}/{p.name}")
def test_kb_schema_validates_every_record(path):
    loaded, problems = load_yaml(path)
    assert not problems
    schema = kb_schema(f"{path.parent.name}/*.yml")
    jsonschema.validate(as_ide_sees_it(loaded.data), schema, format_checker=jsonschema.FormatChecker())
    jsonschema.validate(as_ide_sees_it(loaded.data), kb_schema("record"))


@pytest.mark.parametrize("name", sorted(REFERENCE_FILES))
def test_kb_schema_validates_reference_data(name):
    loaded, problems = load_yaml(ROOT / "catalog" / name)
    assert not problems
    jsonschema.validate(as_ide_sees_it(loaded.data), kb_schema(name))


def test_schema_rejects_what_check_rejects():
    schema = kb_schema("practices/*.yml")
    loaded, _ = load_yaml(FIXTURES / "valid" / "catalog" / "practices" / "wangge-bihuan.yml")
    bad = as_ide_sees_it(loaded.data) | {"sumary": "x"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_every_field_is_described_in_chinese():
    def walk(model):
        for name, info in model.model_fields.items():
            assert info.description and re.search(r"[\u4e00-\u9fff]", info.description), f"{model.__name__}.{name}"
            inner = getattr(info.annotation, "model_fields", None)
            if inner:
                walk(info.annotation)
    for model in [*RECORD_MODELS.values(), *REFERENCE_FILES.values()]:
        walk(model)

"""The schema itself is a valid Cerberus schema (the checker skips this at run time)."""

import cerberus

from trialdocs import schema
from trialdocs.validate import _Validator


def test_schema_passes_cerberus_own_schema_check():
    validator = _Validator(languages=["en"])
    cerberus.schema.DefinitionSchema(validator, schema.SCHEMA)  # raises SchemaError if not


def test_a_broken_schema_would_be_caught():
    import pytest

    with pytest.raises(cerberus.SchemaError):
        cerberus.schema.DefinitionSchema(_Validator(), {"x": {"type": "no-such-type"}})


def test_the_schema_has_no_normalization_rules():
    """validate.py runs Cerberus with normalize=False (half the time of a check): right
    only while no rule of the schema would change the data."""
    from trialdocs.schema import SCHEMA

    normalizing = {"default", "default_setter", "coerce", "rename", "rename_handler",
                   "purge_unknown", "purge_readonly"}
    found = []

    def walk(rules, path):
        if isinstance(rules, dict):
            found.extend(f"{path}.{key}" for key in normalizing & set(rules) if key != "meta")
            for key, value in rules.items():
                if key != "meta":
                    walk(value, f"{path}.{key}")
        elif isinstance(rules, list):
            for item in rules:
                walk(item, path)

    walk(SCHEMA, "SCHEMA")
    assert found == []

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

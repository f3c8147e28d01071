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


def test_a_block_checked_again_gives_what_a_first_check_gives():
    """validate.py remembers what Cerberus found in each top-level block, by the block's
    value: a block seen before must give exactly the diagnostics of a first check, and a
    block that changed, even from "2" to 2 or from 1 to True, must be checked anew."""
    import copy
    from pathlib import Path

    from trialdocs import validate as V
    from trialdocs.load import Source, load_protocol

    source, _ = load_protocol(Path(__file__).parent.parent / "protocol" / "nct03970954")
    variants = []
    for edit in (lambda d: None,
                 lambda d: d["protocol"].__setitem__("version", 2),
                 lambda d: d["protocol"].__setitem__("version", True),
                 lambda d: d["protocol"].__setitem__("status", "finale"),
                 lambda d: d["protocol"].pop("title"),
                 lambda d: d["sites"][0].__setitem__("id", 1),
                 lambda d: d["sites"][0].__setitem__("id", 1.0),
                 lambda d: d["sites"][0].__setitem__("id", True),
                 lambda d: d["protocol"].__setitem__("languages", ["en"]),
                 lambda d: None):
        data = copy.deepcopy(source.data)
        edit(data)
        variants.append(Source(source.folder, data, source.positions, source.key_positions,
                               source.spelling, source.files))

    def first_check(trial):
        V._BLOCK_ERRORS.found.clear()
        return V.validate(trial)

    first = [first_check(trial) for trial in variants]
    assert first[0][0] == [] and all(found[0] for found in first[1:-1])   # every edit is found
    again = [V.validate(trial) for trial in variants]         # in one process, blocks remembered
    assert again == first
    assert [V.validate(trial) for trial in reversed(variants)] == first[::-1]

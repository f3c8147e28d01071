"""The YAML loader: positions, spelling, YAML 1.2 scalars, and what it refuses."""

from __future__ import annotations


import pytest

from trialdocs import load
from trialdocs.load import load_protocol, resolve_plain


def write(folder, name, text):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def loaded(tmp_path, text, name="trial.yaml"):
    return load_protocol(write(tmp_path / "p", name, text))


def messages(diagnostics):
    return [(d.line, d.col, d.severity, d.message) for d in diagnostics]


# -- scalars -------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("NO", "NO"), ("no", "no"), ("yes", "yes"), ("on", "on"), ("Off", "Off"), ("y", "y"),
    ("true", True), ("False", False), ("TRUE", True),
    ("~", None), ("null", None), ("", None),
    ("1.10", 1.1), ("1.0", 1.0), (".5", 0.5), ("1e3", 1000.0), ("-2.5", -2.5),
    ("10", 10), ("0", 0), ("-5", -5), ("+3", 3),
    ("010", "010"), ("00", "00"), ("0x1F", "0x1F"), ("0o17", "0o17"), ("1_000", "1_000"),
    ("12:30", "12:30"), ("1:20:30", "1:20:30"),
    ("2021-02-30", "2021-02-30"), ("2020-01-15", "2020-01-15"),
    ("2020-01-15T10:00:00Z", "2020-01-15T10:00:00Z"),
    (".inf", ".inf"), (".NaN", ".NaN"),
])
def test_plain_scalars_resolve_as_yaml_1_2_core_with_leading_zeros_kept(text, value):
    result = resolve_plain(text)
    assert result == value and type(result) is type(value)


def test_values_keep_their_spelling_and_quoted_values_stay_text(tmp_path):
    source, problems = loaded(tmp_path, 'a:\n  version: 1.10\n  count: 010\n  country: NO\n'
                                        '  time: 12:30\n  flag: "true"\n  day: 2020-01-15\n')
    assert problems == []
    assert source.data["a"] == {"version": 1.1, "count": "010", "country": "NO",
                                "time": "12:30", "flag": "true", "day": "2020-01-15"}
    assert source.spelling[("a", "version")] == "1.10"
    assert source.spelling[("a", "count")] == "010"
    assert ("a", "flag") not in source.spelling  # quoted: no plain spelling to report


# -- positions -----------------------------------------------------------------

def test_positions_of_nested_keys_and_values(tmp_path):
    text = ("# comment\n"
            "arms:\n"
            "  - id: a\n"
            "    interventions: [x, y]\n"
            "    lay:\n"
            "      en: >-\n"
            "        Folded\n"
            "        text.\n"
            "status: {start_date: {date: '2020-01-01', type: ACTUAL}}\n")
    source, problems = loaded(tmp_path, text)
    assert problems == []
    file = source.files[0]
    assert file.endswith("trial.yaml")
    assert source.positions[("arms",)] == (file, 3, 3)
    assert source.positions[("arms", 0, "id")] == (file, 3, 9)
    assert source.key_positions[("arms", 0, "id")] == (file, 3, 5)
    assert source.positions[("arms", 0, "interventions", 1)] == (file, 4, 24)
    assert source.positions[("arms", 0, "lay", "en")] == (file, 6, 11)
    assert source.data["arms"][0]["lay"]["en"] == "Folded text."
    assert source.positions[("status", "start_date", "type")] == (file, 9, 49)
    assert source.key_positions[("status",)] == (file, 9, 1)


def test_where_falls_back_to_the_nearest_parent(tmp_path):
    source, _ = loaded(tmp_path, "a:\n  b:\n    c: 1\n")
    file = source.files[0]
    assert source.where(("a", "b", "missing", 3)) == (file, 3, 5)
    assert source.where_key(("a", "b")) == (file, 2, 3)
    assert source.where(("nothing",)) == (file, 1, 1)


def test_keys_from_several_files_keep_their_own_file(tmp_path):
    folder = write(tmp_path / "p", "a.yaml", "one:\n  x: 1\n")
    write(folder, "b.yaml", "\n\ntwo:\n  y: 2\n")
    source, problems = load_protocol(folder)
    assert problems == []
    assert source.data == {"one": {"x": 1}, "two": {"y": 2}}
    assert source.positions[("one", "x")][0].endswith("a.yaml")
    assert source.positions[("two", "y")][1:] == (4, 6)
    assert source.positions[("two", "y")][0].endswith("b.yaml")


def test_a_byte_order_mark_does_not_shift_positions(tmp_path):
    source, problems = loaded(tmp_path, "\ufeffa:\n  b: 1\n")
    assert problems == []
    assert source.positions[("a", "b")][1:] == (2, 6)


# -- refused -------------------------------------------------------------------

def test_duplicate_key_is_reported_at_the_second_and_the_first_is_kept(tmp_path):
    source, problems = loaded(tmp_path, "a:\n  b: 1\n  c: 2\n  b: 3\n")
    assert messages(problems) == [(4, 3, "error", "duplicate key 'b' (first given at line 2)")]
    assert problems[0].path == "a.b"
    assert source.data["a"]["b"] == 1


def test_duplicate_top_level_key_across_files(tmp_path):
    folder = write(tmp_path / "p", "a.yaml", "one: 1\n")
    write(folder, "b.yaml", "x: 0\none: 2\n")
    source, problems = load_protocol(folder)
    assert [(d.file.endswith("b.yaml"), d.line, d.col) for d in problems] == [(True, 2, 1)]
    assert "'one' is already given in " in problems[0].message
    assert source.data["one"] == 1


BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))


def test_alias_bomb_is_refused_at_once(tmp_path):
    """Refused at the first anchor (line 1), so nothing is ever expanded (no timing needed)."""
    source, problems = loaded(tmp_path, BILLION_LAUGHS)
    assert messages(problems) == [(1, 4, "error", "anchors (&name) are not allowed in a protocol")]
    assert source.data == {}


@pytest.mark.parametrize("text, line, col, message", [
    ("a: *x\n", 1, 4, "aliases (*name) are not allowed in a protocol"),
    ("a:\n  <<: {b: 1}\n", 2, 3, "merge keys (<<) are not allowed in a protocol"),
    ("a: !!python/object/apply:os.system [ls]\n", 1, 4,
     "YAML tags are not allowed in a protocol (found !!python/object/apply:os.system)"),
    ("a: !!str 1\n", 1, 4, "YAML tags are not allowed in a protocol (found !!str)"),
    ("a: !include b.yaml\n", 1, 4, "YAML tags are not allowed in a protocol (found !include)"),
    ("a: 1\n---\nb: 2\n", 2, 1, "a protocol file holds one YAML document, found a second"),
    ("? [a, b]\n: 1\n", 1, 3, "a key must be plain text, not a list or mapping"),
    ("- a\n- b\n", 1, 1, "a protocol file must be a mapping of keys (key: value) at the top"),
    ("just text\n", 1, 1, "a protocol file must be a mapping of keys (key: value) at the top"),
])
def test_refused_constructs(tmp_path, text, line, col, message):
    source, problems = loaded(tmp_path, text)
    assert messages(problems) == [(line, col, "error", message)]


def test_a_quoted_merge_key_is_an_ordinary_key(tmp_path):
    source, problems = loaded(tmp_path, 'a:\n  "<<": 1\n')
    assert problems == [] and source.data == {"a": {"<<": 1}}


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n"])
def test_an_empty_file_is_a_warning(tmp_path, text):
    _, problems = loaded(tmp_path, text)
    assert messages(problems) == [(1, 1, "warning", "the file is empty")]


def test_not_utf8_names_the_byte_line_and_column(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "trial.yaml").write_bytes("a:\n  title: Essai thérapeutique\n".encode("latin-1"))
    _, problems = load_protocol(folder)
    assert messages(problems) == [(2, 18, "error", "the file is not UTF-8 text: byte 0xE9 "
                                                   "cannot be read")]


@pytest.mark.parametrize("text, line, col, hint", [
    ("a:\n  t: Drug A: a trial\n", 2, 12,
     "text that contains ': ' must be in quotes: t: \"Drug A: a trial\""),
    ("a:\n  t: \"open\n  v: \"1.0\"\n", 3, 7, "is a quote left open on line 2?"),
    ("a:\n  t: \"He said \"hi\"\"\n", 2, 16, "the text goes on after its closing quote"),
    ("a: [x\nb: 1\n", 2, 2, "is a ']' missing? the list opens on line 1"),
    ("a: {x: 1\nb: 1\n", 2, 2, "is a '}' missing? the mapping opens on line 1"),
    ("a:\n  b: 1\n\tc: 2\n", 3, 1, "indent with spaces, not tabs"),
    ("a:\n  - x\n  y: 1\n", 3, 3, "every item of a list starts with '- '"),
    ("a: @x\n", 1, 4, "text starting with '@' must be in quotes"),
])
def test_syntax_errors_point_at_the_place_with_a_hint(tmp_path, text, line, col, hint):
    _, problems = loaded(tmp_path, text)
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.line, problem.col, problem.severity) == (line, col, "error")
    assert problem.message.startswith("YAML syntax error: ")
    assert problem.hint.startswith(hint)


def test_file_size_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(load, "MAX_FILE_BYTES", 100)
    source, problems = loaded(tmp_path, "a: " + "x" * 96 + "\n")  # exactly 100 bytes
    assert problems == [] and len(source.data["a"]) == 96
    source, problems = loaded(tmp_path, "a: " + "x" * 97 + "\n")
    assert messages(problems) == [(0, 0, "error", "file is 101 bytes; a protocol file may be at "
                                                  "most 100 bytes")]


def test_a_folder_without_yaml_files(tmp_path):
    (tmp_path / "p").mkdir()
    _, problems = load_protocol(tmp_path / "p")
    assert [d.message for d in problems] == ["no YAML files (*.yaml) in this protocol folder"]

"""-o yaml over any plain data reads back as the data and holds no raw control character, whichever dumper wrote it
(libyaml's where PyYAML has it and the text is safe, PyYAML's own otherwise)."""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kubectl_arch.output.sanitise import has_unsafe
from kubectl_arch.output.structured import to_yaml

# Cluster strings can hold anything: control and bidi characters, lone surrogates, markup, YAML syntax.
TEXT = st.text(st.characters(codec=None), max_size=40) | st.sampled_from(
    ["\x1b[31mred", "[bold]x[/bold]", "<b>&amp;</b>", "- a: b", "'quoted'", "null", "yes", "0x10", "1e3", "",
     "multi\nline\n", "\u202eevil", "\ud800", "tab\there", " lead", "trail ", "#not-a-comment", "a: {b: c}"])
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TEXT
DATA = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(TEXT, inner, max_size=4), max_leaves=20)


def plain(data: Any) -> Any:
    return json.loads(json.dumps(data))


@settings(max_examples=300, deadline=None)
@given(DATA)
def test_yaml_reads_back_as_the_data_and_holds_no_raw_control_character(data: Any) -> None:
    text = to_yaml(data)
    assert yaml.safe_load(text) == plain(data)
    assert not has_unsafe(text)

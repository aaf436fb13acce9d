"""-o jsonpath / jsonpath-as-json print what real kubectl prints for the same template and document.

kubectl reads the documents offline: ``kubectl label --local -f DIR -o jsonpath=TEMPLATE`` prints the
template for each file without contacting any server (the files carry the apiVersion, kind and metadata
kubectl needs; the templates never read those).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kubectl_arch.errors import UsageError
from kubectl_arch.output.jsonpath import render_jsonpath

KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
END = "<<end-of-document>>"

TEMPLATES = [
    "{.a}",
    "{.a.b}",
    "{.c[*]}",
    "{.c[*].name}",
    "{.c[0]}",
    "{.c[-1:]}",
    "{.c[1:3].a}",
    "{range .c[*]}{.name}{\"\\t\"}{.a}{\"\\n\"}{end}",
    "name={.name} a={.a} b={.b}",
    "{.b} {.c} {.missing}",
    "{$.a} {@.name}",
    "{range .c[*]}[{range .c[*]}{.name},{end}]{end}",
    "{.c[?(@.name==\"x\")].a}",
]


def kubectl_prints(template: str, documents: list[dict[str, Any]], tmp_path: Path, as_json: bool = False) -> list[str]:
    """What kubectl prints for the template, document by document."""
    assert KUBECTL
    folder = tmp_path / "docs"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for index, document in enumerate(documents):
        wrapped = {"apiVersion": "arch.test/v1", "kind": "Doc", "metadata": {"name": f"d{index}"}, **document}
        (folder / f"{index:03d}.json").write_text(json.dumps(wrapped))
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text("apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:9'}}]\n"
                          "users: [{name: u, user: {}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\n"
                          "current-context: c\n")
    output = "jsonpath-as-json" if as_json else "jsonpath"
    end = f'{{"{END}"}}'
    done = subprocess.run([KUBECTL, "label", "--local", "-f", str(folder), "arch=x", f"--kubeconfig={kubeconfig}",
                           "-o", f"{output}={template}{'' if as_json else end}"], capture_output=True,
                          timeout=60, check=True)
    printed = done.stdout.decode()  # bytes as printed: text mode would turn a '\r' in a value into '\n'
    if as_json:
        return [printed]
    return printed.split(END)[:-1]


def ours(template: str, documents: list[dict[str, Any]], as_json: bool = False) -> list[str]:
    if as_json:
        return ["".join(render_jsonpath(template, d, as_json=True) for d in documents)]
    return [render_jsonpath(template, d) for d in documents]


EXAMPLE = {"name": "x", "a": {"b": [1, 2.5, 1e6, 0.00001, True, None, "t<&>é"]}, "b": 2.0,
           "c": [{"name": "x", "a": 1, "c": [{"name": "y"}]}, {"name": "z", "a": {"k": "v", "j": [1]}},
                 {"name": "w"}]}


@needs_kubectl
def test_templates_print_as_kubectl_prints_them(tmp_path: Path) -> None:
    for template in TEMPLATES:
        assert ours(template, [EXAMPLE]) == kubectl_prints(template, [EXAMPLE], tmp_path), template


@needs_kubectl
@pytest.mark.parametrize("template", ["{.c[*].name}", "{.a}{.b}", "{range .c[*]}{.name}{end}", "x{.b}"])
def test_jsonpath_as_json_prints_as_kubectl_prints_it(template: str, tmp_path: Path) -> None:
    assert ours(template, [EXAMPLE], as_json=True) == kubectl_prints(template, [EXAMPLE], tmp_path, as_json=True)


scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**63), max_value=2**63 - 1),
                    st.floats(allow_nan=False, allow_infinity=False, width=64), st.text(max_size=8))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(["a", "b", "name"]), inner, max_size=3)),
    max_leaves=10)
# ``c`` is always a list of objects: kubectl refuses [*] on anything else, and so does the template here.
entries = st.dictionaries(st.sampled_from(["a", "b", "name"]), values, max_size=3)
documents = st.fixed_dictionaries({}, optional={"a": values, "b": values, "name": scalars,
                                                "c": st.lists(entries, max_size=4)})


@needs_kubectl
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(documents, min_size=1, max_size=12))
@example(batch=[{"name": "\r"}, {"name": "a\r\nb"}])  # carriage returns print as they are
def test_any_document_prints_as_kubectl_prints_it(batch: list[dict[str, Any]], tmp_path: Path) -> None:
    for template in ("{.a} {.b} {.name}", "{.c[*]}", "{range .c[*]}{.a}|{.name}{end}"):
        assert ours(template, batch) == kubectl_prints(template, batch, tmp_path), template


@needs_kubectl
@pytest.mark.parametrize("as_json", [False, True])
def test_a_lone_surrogate_prints_as_kubectl_reads_it(as_json: bool, tmp_path: Path) -> None:
    """A "\\ud800" escape (only a hand-made snapshot holds one) is U+FFFD to Go's JSON decoder, so to kubectl; it
    cannot be written as UTF-8 and had ended the command with an unexpected error."""
    document = {"name": "a\ud800b", "c": [{"name": "\udfff"}]}
    printed = ours("{.name} {.c[*].name}", [document], as_json)
    assert printed == kubectl_prints("{.name} {.c[*].name}", [document], tmp_path, as_json)
    assert all(text.encode() for text in printed)


@pytest.mark.parametrize("template, words", [
    ("{.a", "unclosed action"),
    ("{range .c[*]}{.a}", "without {end}"),
    ("{.a}{end}", "without {range}"),
    ("{.a[}", "cannot parse"),
])
def test_a_malformed_template_is_a_usage_error(template: str, words: str) -> None:
    with pytest.raises(UsageError, match=words.replace("{", "\\{").replace("}", "\\}")):
        render_jsonpath(template, EXAMPLE)


def test_keys_with_dots_are_written_as_kubectl_writes_them() -> None:
    labels = {"metadata": {"labels": {"app.kubernetes.io/name": "web", "tier": "front"}}}
    assert render_jsonpath(r"{.metadata.labels.app\.kubernetes\.io/name}", labels) == "web"
    assert render_jsonpath("{.metadata.labels['app.kubernetes.io/name']}", labels) == "web"

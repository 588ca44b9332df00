"""The registry of diagnostic codes: each code is documented, registered where it is used,
and triggered by a case.

A case is a file of ``tests/dsl/cases/`` (or of the spec's ``tests/spec/errors/``) whose
first line is ``# expect-diagnostic: KIND[code] line N [hint TEXT]``, run as ``netdraft
check`` runs it. A code that no file can trigger is tested where :data:`TESTED_ELSEWHERE`
says, and that test must name it.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from netdraft import api, codes
from netdraft.codes import REGISTRY, UnregisteredCode
from netdraft.diagnostics import Severity, error, warning
from netdraft.dsl import syntax as st
from netdraft.dsl.parse import parse
from netdraft.dsl.passes import literals
from netdraft.dsl.passes.context import Context
from netdraft.dsl.query import parse_query
from netdraft.model.values import Span

TESTS = Path(__file__).parents[1]
ROOT = TESTS.parent
CASES = sorted((TESTS / "dsl" / "cases").glob("*.nd"))
SPEC_ERRORS = sorted((TESTS / "spec" / "errors").glob("*.nd"))

HEADER = re.compile(
    rb"^# expect-diagnostic: (?P<kind>error|warning)\[(?P<code>[a-z0-9-]+)\]"
    rb" line (?P<line>\d+)(?: hint (?P<hint>\S+))?\s*$"
)

#: Codes that no ``.nd`` file triggers by itself, and the test file that triggers each.
TESTED_ELSEWHERE = {
    "bad-config": "tests/test_config.py",  # a configuration file, not a .nd file
    "exposure": "tests/ci/test_ci_formats.py",  # `netdraft exposure --format sarif` only
    "bad-revision": "tests/test_cli_diff.py",  # a version `netdraft diff` cannot read
    "bad-query": "tests/dsl/test_codes.py",  # the endpoints of `netdraft path`
    "bad-volume": "tests/dsl/test_codes.py",  # the grammar admits only readable volumes
    "fence-option": "tests/test_mkdocs_plugin.py",  # a Markdown page's fence
    "file-not-found": "tests/test_mkdocs_plugin.py",
    "include-limit": "tests/dsl/test_include.py",  # needs dozens of files
}


def header(path: Path) -> tuple[Severity, str, int, str | None]:
    # Read as bytes: the `encoding` case is not UTF-8 after its first line.
    first = path.read_bytes().split(b"\n", 1)[0]
    match = HEADER.match(first)
    assert match, f"{path.name}: first line is not '# expect-diagnostic: …': {first!r}"
    hint = match["hint"].decode() if match["hint"] else None
    return Severity(match["kind"].decode()), match["code"].decode(), int(match["line"]), hint


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case_reports_its_code_on_its_line(path: Path) -> None:
    severity, code, line, hint = header(path)
    found = api.check(path).diagnostics
    hits = [d for d in found if (d.severity, d.code, d.span.line) == (severity, code, line)]
    assert hits, f"no {severity.value}[{code}] on line {line}; got {[d.headline() for d in found]}"
    if hint is not None:
        assert any(hint in d.label for d in hits), [d.label for d in hits]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case_is_named_for_its_code(path: Path) -> None:
    assert header(path)[1] == path.stem


def test_every_registered_code_has_a_case() -> None:
    cased = {header(p)[1] for p in (*CASES, *SPEC_ERRORS)}
    missing = sorted(set(REGISTRY) - cased - set(TESTED_ELSEWHERE))
    assert not missing, f"codes without a case in tests/dsl/cases/: {missing}"
    assert not cased & set(TESTED_ELSEWHERE), "a code with a case needs no other place"
    assert cased | set(TESTED_ELSEWHERE) <= set(REGISTRY), "a case names an unregistered code"


@pytest.mark.parametrize("code", sorted(TESTED_ELSEWHERE))
def test_a_code_tested_elsewhere_is_named_there(code: str) -> None:
    assert code in REGISTRY
    assert f'"{code}"' in (ROOT / TESTED_ELSEWHERE[code]).read_text("utf-8")


def test_a_query_that_is_not_one_path_is_a_bad_query() -> None:
    network = api.compile((TESTS / "spec" / "examples" / "03-peering.nd").read_text()).network
    assert network is not None
    found = parse_query(network, "a -> b icmp allow\nexpect a", "internet")
    assert isinstance(found, list)
    assert [d.code for d in found] == ["bad-query"]


def test_a_volume_that_cannot_be_read_is_a_bad_volume() -> None:
    tree, _ = parse("", "v.nd")
    assert tree is not None
    c = Context(tree)
    assert literals.volume(c, st.Tok("12XB", Span("v.nd", 1, 1, 1, 5))) is None
    assert [d.code for d in c.diagnostics] == ["bad-volume"]


# ---- the registry ----------------------------------------------------------------------------


def test_an_unregistered_code_fails_loudly() -> None:
    span = Span("x.nd", 1, 1, 1, 2)
    with pytest.raises(UnregisteredCode, match="no-such-code"):
        error("no-such-code", "m", span)
    with pytest.raises(UnregisteredCode):
        warning("no-such-code", "m", span)


def test_a_code_keeps_its_severity() -> None:
    span = Span("x.nd", 1, 1, 1, 2)
    with pytest.raises(ValueError, match="is a warning"):
        error(codes.FLOW_DENIED, "m", span)
    with pytest.raises(ValueError, match="is a error"):
        warning("syntax", "m", span)
    assert error(codes.SYNTAX, "m", span).code == "syntax"


def test_a_code_is_registered_once() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        codes.Code("syntax", Severity.ERROR, "again", codes.Stage.PARSE)


def test_every_code_is_named_and_described_on_one_line() -> None:
    for name, code in REGISTRY.items():
        assert code.name == name
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", name), name
        assert code.description and "\n" not in code.description and "|" not in code.description


def string_codes(path: Path) -> list[tuple[int, str]]:
    """The codes written as string literals in ``error(...)``/``warning(...)`` calls."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        first = node.args[0]
        literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
        if name in ("error", "warning") and literal:
            found.append((node.lineno, first.value))
    return found


def test_every_code_written_as_a_string_is_registered() -> None:
    # Found before any run: a code in a rarely taken branch fails here, not in a user's hands.
    unknown = [
        f"{path.relative_to(ROOT)}:{line}: {code}"
        for path in sorted((ROOT / "src" / "netdraft").rglob("*.py"))
        for line, code in string_codes(path)
        if code not in REGISTRY
    ]
    assert not unknown


def test_the_compiler_uses_the_constants() -> None:
    dsl = ROOT / "src" / "netdraft" / "dsl"
    # query.py keeps its literals until the query moves; everything else names the constants.
    written = [
        f"{path.relative_to(ROOT)}:{line}: {code}"
        for path in sorted(dsl.rglob("*.py"))
        if path.name != "query.py"
        for line, code in string_codes(path)
    ]
    assert not written


# ---- the docs table --------------------------------------------------------------------------


def gen_codes_table() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_codes_table", ROOT / "scripts" / "gen-codes-table.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_docs_table_is_the_registry() -> None:
    gen = gen_codes_table()
    page = ROOT / "docs" / "language.md"
    text = page.read_text("utf-8")
    assert gen.rewrite(text) == text, "docs/language.md is stale: run scripts/gen-codes-table.py"
    for name in REGISTRY:
        assert f"| `{name}` |" in text


def test_the_table_is_rewritten_between_its_markers_only() -> None:
    gen = gen_codes_table()
    text = f"before\n{gen.BEGIN}\n| old |\n{gen.END}\nafter\n"
    new = gen.rewrite(text)
    assert new.startswith(f"before\n{gen.BEGIN}\n| code |")
    assert new.endswith(f"{gen.END}\nafter\n")
    with pytest.raises(ValueError, match="markers"):
        gen.rewrite("no markers\n")

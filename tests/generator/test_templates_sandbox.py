"""User templates run in a sandbox: no code execution, bounded input and output, clear errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from netdraft import api
from netdraft.cli import main
from netdraft.files import MAX_TEMPLATE_BYTES
from netdraft.generator import markdown
from netdraft.generator.errors import TemplateProblem, TemplateTooLarge, TemplateUnsafe
from netdraft.generator.markdown import render_markdown
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.prices import bundled

EXAMPLE = Path(__file__).parents[1] / "spec" / "examples" / "03-peering.nd"
CONTEXT = {"title": "T", "costs": {"total": "1.00"}, "regions": ["us-east-1"]}


def templates(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir(parents=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


def problem(folder: Path) -> TemplateProblem:
    with pytest.raises(TemplateProblem) as info:
        render_markdown(CONTEXT, folder)
    return info.value


def test_a_template_cannot_run_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = templates(
        tmp_path, {"network.md.j2": "{{ cycler.__init__.__globals__.os.popen('id').read() }}\n"}
    )
    error = problem(folder)
    assert isinstance(error, TemplateUnsafe)
    assert "network.md.j2:1: refused by the sandbox" in str(error)
    assert "__init__" in str(error)
    out = tmp_path / "out"
    argv = ["docs", str(EXAMPLE), "-o", str(out), "--templates", str(folder)]
    code = main(argv)
    printed = capsys.readouterr()
    assert code == 2
    assert "uid=" not in printed.out + printed.err and "Traceback" not in printed.err
    assert "refused by the sandbox" in printed.err
    assert not out.exists()


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        (
            "ok\n{{ 1/0 }}\n",
            TemplateProblem,
            "network.md.j2:2: division by zero (ZeroDivisionError)",
        ),
        ("\n\n{{ 1 + 'a' }}\n", TemplateProblem, "network.md.j2:3: unsupported operand type(s)"),
        ("{{ range(10**8)|list|length }}\n", TemplateProblem, "network.md.j2:1: Range too big"),
        ("{{ costs.nope }}\n", TemplateProblem, "network.md.j2:1: 'dict object' has no attribute"),
        ("{{ ''.__class__.__mro__ }}\n", TemplateUnsafe, "network.md.j2:1: refused by the sandbox"),
        ("{{ regions.append('x') }}\n", TemplateUnsafe, "'append' of 'list' object is unsafe"),
        ("{{ 'x' * 10**9 }}\n", TemplateUnsafe, "would make more than 16,777,216 items"),
        ("{{ [0] * 10**9 }}\n", TemplateUnsafe, "would make more than 16,777,216 items"),
        ("{{ 2 ** 1000000 }}\n", TemplateUnsafe, "would have more than 65,536 bits"),
        ("{% include 'network.md.j2' %}\n", TemplateProblem, "include or call themselves"),
        (
            "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}\n",
            TemplateProblem,
            "include or call themselves",
        ),
        ("{% include 'nothing.md.j2' %}\n", TemplateProblem, "no template named 'nothing.md.j2'"),
        ("{% if %}\n", TemplateProblem, "network.md.j2:1: Expected an expression"),
        (
            "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
            TemplateTooLarge,
            "network.md.j2: the page would be longer than 16,777,216 characters",
        ),
    ],
    ids=[
        "division-by-zero",
        "type-error",
        "range-too-big",
        "undefined-attribute",
        "private-attribute",
        "mutation",
        "huge-string",
        "huge-list",
        "huge-power",
        "includes-itself",
        "endless-macro",
        "missing-include",
        "syntax-error",
        "page-too-long",
    ],
)
def test_a_failing_template_is_a_template_problem(
    text: str, kind: type[TemplateProblem], message: str, tmp_path: Path
) -> None:
    error = problem(templates(tmp_path, {"network.md.j2": text}))
    assert isinstance(error, kind), error
    assert message in str(error)


def test_the_line_is_the_one_of_the_partial_that_failed(tmp_path: Path) -> None:
    folder = templates(tmp_path, {"costs.md.j2": "## Costs\n\n{{ 1 / 0 }}\n"})
    with pytest.raises(TemplateProblem) as info:
        api.docs(EXAMPLE, tmp_path / "out", folder)
    assert str(info.value) == f"{folder / 'costs.md.j2'}:3: division by zero (ZeroDivisionError)"
    assert not (tmp_path / "out").exists()


def test_the_built_in_templates_run_in_the_sandbox() -> None:
    env = markdown.environment()
    assert isinstance(env, markdown.Sandbox) and env.sandboxed
    network = api.load_network(EXAMPLE)
    assert markdown.page_markdown(NetworkAnalysis(network, bundled())).startswith("# ")


def test_a_template_that_is_not_utf8_is_named_with_its_line(tmp_path: Path) -> None:
    folder = templates(tmp_path, {"network.md.j2": b"first\nsecond \xff\n"})
    assert str(problem(folder)) == (
        f"{folder / 'network.md.j2'}:2: the template is not UTF-8: invalid start byte"
    )


def test_a_huge_template_is_refused(tmp_path: Path) -> None:
    folder = templates(tmp_path, {"network.md.j2": b"x" * (MAX_TEMPLATE_BYTES + 1)})
    error = problem(folder)
    assert isinstance(error, TemplateTooLarge)
    assert "network.md.j2: the template is larger than 1 MiB" in str(error)


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    folder = templates(tmp_path, {})
    os.mkfifo(folder / "network.md.j2")
    assert str(problem(folder)).endswith(
        "network.md.j2: cannot read the template: not a regular file"
    )


def test_a_folder_named_like_a_template_is_refused(tmp_path: Path) -> None:
    folder = templates(tmp_path, {})
    (folder / "network.md.j2").mkdir()
    assert "not a regular file" in str(problem(folder))


def test_an_include_cannot_copy_a_file_from_outside_the_folder(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("password=hunter2\n", "utf-8")
    folder = templates(tmp_path, {"network.md.j2": "{% include 'leak' %}\n"})
    (folder / "leak").symlink_to(secret)
    error = problem(folder)
    assert "hunter2" not in str(error)
    assert str(error) == f"{folder / 'leak'}: the template links outside {folder}"
    dotted = templates(tmp_path / "other", {"network.md.j2": "{% include '../secret.txt' %}\n"})
    assert "no template named '../secret.txt'" in str(problem(dotted))


def test_a_link_inside_the_folder_is_followed(tmp_path: Path) -> None:
    folder = templates(tmp_path, {"page.md.j2": "Page of {{ title|md }}\n"})
    (folder / "network.md.j2").symlink_to("page.md.j2")
    assert render_markdown(CONTEXT, folder) == "Page of T\n"


def test_what_a_template_may_do(tmp_path: Path) -> None:
    """Reading the context, filters, tests, loops, macros, namespaces and small arithmetic."""
    text = (
        "{% set ns = namespace(n=0) %}{% for r in regions %}{% set ns.n = ns.n + 1 %}"
        "{% endfor %}{{ ns.n }} {{ regions|map('upper')|join(',') }} {{ 2 ** 10 }}"
        " {{ 'ab' * 2 }} {{ '%05.1f'|format(3.14159) }} {{ 'a,b'.split(',')|length }}"
        " {{ title is string }} {{ range(3)|list }}\n"
    )
    out = render_markdown(CONTEXT, templates(tmp_path, {"network.md.j2": text}))
    assert out == "1 US-EAST-1 1024 abab 003.1 2 True [0, 1, 2]\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{{ lipsum() }}\n", "'lipsum' is undefined"),
        ("{{ [1, 2, 3]|random }}\n", "No filter named 'random'"),
    ],
)
def test_a_template_has_no_randomness(text: str, message: str, tmp_path: Path) -> None:
    assert message in str(problem(templates(tmp_path, {"network.md.j2": text})))


@pytest.mark.parametrize(
    "template",
    [
        '{{ ("x"|center(1500000000))|length }}',
        '{{ "{:>1500000000}".format(1) }}',
        '{{ "{0:>1500000000}".format_map({}) }}',
        "{{ title.zfill(1500000000) }}",
        "{{ title.ljust(10**9) }}",
        "{{ title|indent(10**9) }}",
        '{{ "%.2000000000f" % 1 }}',
        "{% set n = namespace(x=9**20000) %}{% for i in range(14) %}"
        "{% set n.x = n.x * n.x %}{% endfor %}{{ n.x|string|length }}",
        "{{ (9**20000 * 9**20000)|string|length }}",
    ],
)
def test_huge_widths_products_and_formats_are_refused(tmp_path: Path, template: str) -> None:
    assert isinstance(problem(templates(tmp_path, {"network.md.j2": template})), TemplateUnsafe)


def test_slow_templates_are_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(markdown, "MAX_SECONDS", 0.5)
    folder = templates(tmp_path, {"network.md.j2": '{{ ("a" * 16000000)|wordwrap(1)|length }}'})
    assert "ran for more than 0.5 s" in str(problem(folder))


def test_ordinary_numbers_and_widths_still_work(tmp_path: Path) -> None:
    folder = templates(
        tmp_path,
        {"network.md.j2": '{{ "%d"|format(1000000) }} {{ title|center(20) }} {{ 10**20 }}\n'},
    )
    assert (
        render_markdown(CONTEXT, folder) == "1000000 " + "T".center(20) + " " + str(10**20) + "\n"
    )

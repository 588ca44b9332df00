"""Silencing and configuration: ``# netdraft: ignore[…]``, ``[tool.netdraft]`` and
``netdraft.toml``, where they are found, their precedence, and their mistakes
(``bad-config``, exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netdraft import api, config
from netdraft.cli import main

NETWORK = """region us-east-1 {
  vpc main 10.0.0.0/16 {
    internet-gateway igw
    subnet public-a 10.0.0.0/24 az us-east-1a
    nat-gateway nat-a in public-a
    route-table public { route 0.0.0.0/0 via igw; associate public-a }
    route-table spare { route 0.0.0.0/0 via igw }%s
    security-group admin { ingress tcp 22 from 0.0.0.0/0 }%s
    instance bastion in public-a sg admin
  }
}
"""


def codes_of(text: str, cfg: config.Config = config.NO_CONFIG) -> list[tuple[str, str, int]]:
    compiled = api.compile(text, "net.nd")
    found = cfg.apply(api.Analysis(compiled).diagnostics)
    return sorted((d.severity.value, d.code, d.span.line) for d in found)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository (its root holds ``.git``) with a network in ``net/``."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "net").mkdir()
    (tmp_path / "net" / "a.nd").write_text(NETWORK % ("", ""), "utf-8")
    return tmp_path


# ---- the pragma ------------------------------------------------------------------------------


def test_without_a_pragma_both_warnings_fire() -> None:
    assert codes_of(NETWORK % ("", "")) == [
        ("warning", "open-admin-port", 8),
        ("warning", "unused-route-table", 7),
    ]


def test_a_pragma_silences_its_code_on_its_line_only() -> None:
    text = NETWORK % (
        "  # netdraft: ignore[unused-route-table]",
        "  # netdraft: ignore[sg-rule-covered]",
    )
    assert codes_of(text) == [("warning", "open-admin-port", 8)]


def test_a_pragma_names_several_codes() -> None:
    text = NETWORK % ("", "  # netdraft: ignore[unused-route-table, open-admin-port]")
    assert codes_of(text) == [("warning", "unused-route-table", 7)]
    text = NETWORK % ("  #netdraft:ignore[unused-route-table,open-admin-port]", "")
    assert codes_of(text) == [("warning", "open-admin-port", 8)]


def test_a_pragma_inside_a_string_or_after_prose_is_not_one() -> None:
    text = 'title "# netdraft: ignore[open-admin-port]"\n' + NETWORK % ("", "")
    assert ("warning", "open-admin-port", 9) in codes_of(text)
    text = NETWORK % ("", "  # see netdraft: ignore[open-admin-port]")
    assert ("warning", "open-admin-port", 8) in codes_of(text)


def test_an_error_cannot_be_silenced_and_the_pragma_says_so() -> None:
    text = (
        NETWORK % ("", "")
        + "expect bastion -> internet tcp 443 allow  # netdraft: ignore[expect-failed]\n"
    )
    found = api.Analysis(api.compile(text, "net.nd")).diagnostics
    assert [(d.code, d.span.line) for d in found if d.is_error] == [("expect-failed", 12)]
    [problem] = [d for d in found if d.code == "bad-pragma"]
    assert "errors cannot be silenced" in problem.message and problem.span.line == 12


def test_a_pragma_silences_a_warning_found_when_the_file_is_run() -> None:
    flow = "flow f: bastion -> 10.0.0.99 tcp 80 volume 1GB"
    denied = codes_of(NETWORK % ("", "") + flow + "\n")
    assert ("warning", "flow-denied", 12) in denied
    quiet = codes_of(NETWORK % ("", "") + flow + "  # netdraft: ignore[flow-denied]\n")
    assert ("warning", "flow-denied", 12) not in quiet


def test_a_pragma_in_an_included_file_silences_its_lines(tmp_path: Path) -> None:
    (tmp_path / "part.nd").write_text(
        NETWORK % ("  # netdraft: ignore[unused-route-table]", ""), "utf-8"
    )
    (tmp_path / "top.nd").write_text('include "part.nd"\n', "utf-8")
    found = api.check(tmp_path / "top.nd").diagnostics
    assert [d.code for d in found] == ["open-admin-port"]


# ---- the configuration -----------------------------------------------------------------------


def test_ignore_and_severity_apply_everywhere(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.netdraft]\nignore = ["unused-route-table"]\n'
        'severity = { open-admin-port = "error" }\n',
        "utf-8",
    )
    code, out, err = run(["check", str(repo / "net" / "a.nd")], capsys)
    assert code == 1
    assert "error[open-admin-port]" in err and "unused-route-table" not in err
    assert "(1 error, 0 warnings)" in out


def test_severity_off_and_warning(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "netdraft.toml").write_text(
        '[severity]\nopen-admin-port = "off"\nunused-route-table = "warning"\n', "utf-8"
    )
    code, _, err = run(["check", str(repo / "net" / "a.nd")], capsys)
    assert code == 0
    assert "warning[unused-route-table]" in err and "open-admin-port" not in err


def test_the_nearest_file_wins_and_netdraft_toml_before_pyproject(repo: Path) -> None:
    (repo / "netdraft.toml").write_text('ignore = ["open-admin-port"]\n', "utf-8")
    assert config.find(repo / "net") == repo / "netdraft.toml"
    (repo / "net" / "pyproject.toml").write_text('[project]\nname = "x"\n', "utf-8")
    assert config.find(repo / "net") == repo / "netdraft.toml"  # no [tool.netdraft]: skipped
    (repo / "net" / "pyproject.toml").write_text("[tool.netdraft]\nignore = []\n", "utf-8")
    assert config.find(repo / "net") == repo / "net" / "pyproject.toml"
    (repo / "net" / "netdraft.toml").write_text("", "utf-8")
    assert config.find(repo / "net") == repo / "net" / "netdraft.toml"


def test_the_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / "netdraft.toml").write_text('ignore = ["open-admin-port"]\n', "utf-8")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "net").mkdir()
    assert config.find(tmp_path / "repo" / "net") is None
    assert config.find(tmp_path / "repo" / "..") == tmp_path / "netdraft.toml"


def nat_hour_price(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code, out, err = run(["cost", *argv, "--json"], capsys)
    assert code == 0, err
    hourly = json.loads(out)["hourly"]
    price = next(h["price"] for h in hourly if h["what"] == "NAT gateway nat-a")
    return str(price["usd"])


def test_prices_flag_then_environment_then_file(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, price in (("flag", 1), ("env", 2), ("file", 3)):
        (repo / f"{name}.toml").write_text(f"[prices]\nnat_gateway_per_hour = {price}\n", "utf-8")
    (repo / "netdraft.toml").write_text('prices = "file.toml"\n', "utf-8")
    net = str(repo / "net" / "a.nd")
    monkeypatch.delenv(config.PRICES_VARIABLE, raising=False)
    assert nat_hour_price([net], capsys) == "3"
    monkeypatch.setenv(config.PRICES_VARIABLE, str(repo / "env.toml"))
    assert nat_hour_price([net], capsys) == "2"
    assert nat_hour_price([net, "--prices", str(repo / "flag.toml")], capsys) == "1"


def test_templates_from_the_file(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "tpl").mkdir()
    (repo / "netdraft.toml").write_text('templates = "tpl"\n', "utf-8")
    loaded = config.discover(repo / "net")
    assert loaded.problems == () and loaded.config.templates == (repo / "tpl").resolve()


# ---- mistakes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('pricess = "p.toml"\n', 1, "pricess: unknown key (did you mean 'prices'?)"),
        ('ignore = "open-admin-port"\n', 1, "ignore: must be a list of codes, not str"),
        (
            '\nignore = ["open-admin-prot"]\n',
            2,
            "ignore: no code 'open-admin-prot' (did you mean 'open-admin-port'?)",
        ),
        (
            'ignore = ["syntax"]\n',
            1,
            "ignore: 'syntax' is an error: errors cannot be silenced or lowered",
        ),
        (
            '[severity]\nsubnet-overlap = "warning"\n',
            2,
            "severity.subnet-overlap: 'subnet-overlap' is an error",
        ),
        (
            '[severity]\nopen-admin-port = "loud"\n',
            2,
            "severity.open-admin-port: must be one of 'error', 'warning', 'off'",
        ),
        ("severity = 3\n", 1, "severity: must be a table of codes, not int"),
        (
            'prices = "../outside.toml"\n',
            1,
            "prices: the file '../outside.toml' is outside the folder of netdraft.toml",
        ),
        ('prices = "missing.toml"\n', 1, "prices: 'missing.toml' is not a .toml file"),
        ('templates = "missing"\n', 1, "templates: 'missing' is not a folder"),
        ("ignore = [\n", 1, "Invalid"),
    ],
)
def test_a_mistake_is_bad_config_with_its_line_and_exit_2(
    repo: Path, capsys: pytest.CaptureFixture[str], text: str, line: int, message: str
) -> None:
    (repo / "outside.toml").write_text("", "utf-8")
    (repo / "sub").mkdir()
    (repo / "sub" / "netdraft.toml").write_text(text, "utf-8")
    (repo / "sub" / "a.nd").write_text(NETWORK % ("", ""), "utf-8")
    [problem] = config.discover(repo / "sub").problems
    assert problem.code == "bad-config" and problem.span.line == line
    assert message in problem.message
    code, out, err = run(["check", str(repo / "sub" / "a.nd")], capsys)
    assert code == 2 and out == ""
    assert f"netdraft.toml:{line}:" in err and "error[bad-config]" in err


def test_a_mistake_in_pyproject_names_the_key_path(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.netdraft]\n\nignore = ["nope"]\n', "utf-8"
    )
    [problem] = config.discover(repo / "net").problems
    assert problem.span.line == 5 and problem.message.startswith("tool.netdraft.ignore: no code")


def test_an_unreadable_config_is_a_diagnostic(repo: Path) -> None:
    (repo / "netdraft.toml").write_bytes(b"ignore = ['\xff']\n")
    [problem] = config.discover(repo / "net").problems
    assert problem.code == "bad-config" and "not UTF-8" in problem.message


def test_fmt_keeps_a_pragma_on_its_line() -> None:
    from netdraft.dsl.fmt import format_text

    text = NETWORK % (
        "   # netdraft: ignore[unused-route-table]",
        "  # netdraft: ignore[open-admin-port]",
    )
    formatted, problems = format_text(
        text.replace("    route-table spare", "      route-table  spare"), "net.nd"
    )
    assert formatted is not None and not problems
    assert codes_of(formatted) == []


def test_templates_flag_then_environment_then_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(config.TEMPLATES_VARIABLE, raising=False)
    assert config.chosen(None, config.TEMPLATES_VARIABLE, Path("file")) == Path("file")
    monkeypatch.setenv(config.TEMPLATES_VARIABLE, "env")
    assert config.chosen(None, config.TEMPLATES_VARIABLE, Path("file")) == "env"
    assert config.chosen("flag", config.TEMPLATES_VARIABLE, Path("file")) == "flag"
    monkeypatch.setenv(config.TEMPLATES_VARIABLE, "")  # empty: not set
    assert config.chosen(None, config.TEMPLATES_VARIABLE, None) is None


def test_docs_takes_the_templates_of_the_configuration(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(config.TEMPLATES_VARIABLE, raising=False)
    (repo / "tpl").mkdir()
    (repo / "tpl" / "network.md.j2").write_text("custom page for {{ title }}\n", "utf-8")
    (repo / "netdraft.toml").write_text('templates = "tpl"\n', "utf-8")
    code, _, err = run(["docs", str(repo / "net" / "a.nd"), "-o", str(repo / "out")], capsys)
    assert code == 0, err
    assert (repo / "out" / "a.md").read_text("utf-8").startswith("custom page for")


@pytest.mark.parametrize("text", ["tool = 3\n", "[tool]\nnetdraft = 3\n"])
def test_a_pyproject_whose_tool_table_is_not_a_table(repo: Path, text: str) -> None:
    (repo / "pyproject.toml").write_text(text, "utf-8")
    problems = config.load(repo / "pyproject.toml").problems
    assert [p.code for p in problems] == (["bad-config"] if "netdraft" in text else [])

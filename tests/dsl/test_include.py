"""``include "FILE"`` (LANGUAGE.md §8): one network of several files, each rule denied and allowed."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from netdraft import api
from netdraft.diagnostics import write_diagnostics
from netdraft.dsl import compose

VPC = """\
region us-east-1 {
  vpc main 10.0.0.0/16 {
    internet-gateway igw
    subnet a 10.0.1.0/24 az us-east-1a
    route-table rt main {
      route 0.0.0.0/0 via igw
    }
    security-group web {
      ingress tcp 443 from 0.0.0.0/0
    }
    instance app in a public-ip sg web
  }
}
"""


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, "utf-8")
    return folder / next(iter(files))


def codes_of(analysis: api.Analysis) -> list[str]:
    return [d.code for d in analysis.diagnostics]


def rendered(analysis: api.Analysis) -> str:
    out = io.StringIO()
    write_diagnostics(analysis.diagnostics, analysis.sources, out)
    return out.getvalue()


# ---- one network of several files ------------------------------------------------------------


def test_an_included_file_is_part_of_the_network(tmp_path: Path) -> None:
    top = write(
        tmp_path,
        {
            "net.nd": 'include "aws.nd"\nexpect internet -> app tcp 443 allow\n',
            "aws.nd": VPC,
        },
    )
    analysis = api.check(top)
    assert analysis.ok, rendered(analysis)
    assert analysis.expectations_checked == 1
    network = analysis.require_network()
    assert network.file == str(top)
    assert network.vpcs["main"].span.file == str(tmp_path / "aws.nd")


def test_the_same_expectation_fails_where_it_is_written(tmp_path: Path) -> None:
    top = write(
        tmp_path,
        {"net.nd": 'include "aws.nd"\nexpect internet -> app tcp 22 allow\n', "aws.nd": VPC},
    )
    analysis = api.check(top)
    assert codes_of(analysis) == ["expect-failed"]
    assert analysis.diagnostics[0].span.file == str(top)


def test_includes_nest_and_names_are_relative_to_the_including_file(tmp_path: Path) -> None:
    top = write(
        tmp_path,
        {
            "net.nd": 'include "parts/all.nd"\nexpect office.pc -> app tcp 443 deny because NO_ROUTE_TO_DESTINATION\n',
            "parts/all.nd": 'include "aws/vpc.nd"\ninclude "../sites.nd"\n',
            "parts/aws/vpc.nd": VPC,
            "sites.nd": "site office 203.0.113.0/24 {\n  host pc 203.0.113.10\n}\n",
        },
    )
    analysis = api.check(top)
    assert analysis.ok, rendered(analysis)
    assert [name for name, _ in analysis.compiled.included] == [
        str(tmp_path / "parts/all.nd"),
        str(tmp_path / "parts/aws/vpc.nd"),
        str(tmp_path / "parts/../sites.nd"),
    ]


# ---- names are shared: a clash is at the later declaration -----------------------------------


def test_a_name_declared_in_the_included_file_first_clashes_in_the_including_one(
    tmp_path: Path,
) -> None:
    top = write(
        tmp_path,
        {
            "net.nd": 'include "aws.nd"\nsite dc 192.168.0.0/16 { }\n',
            "aws.nd": "site dc 10.9.0.0/16 { }\n",
        },
    )
    found = api.check(top).diagnostics
    assert [(d.code, d.span.file, d.span.line) for d in found] == [("duplicate-name", str(top), 2)]
    assert found[0].label == f"first declared at {tmp_path / 'aws.nd'}:1"


def test_a_name_declared_before_the_include_clashes_in_the_included_file(tmp_path: Path) -> None:
    top = write(
        tmp_path,
        {
            "net.nd": 'site dc 192.168.0.0/16 { }\ninclude "aws.nd"\n',
            "aws.nd": "# the same site\nsite dc 10.9.0.0/16 { }\n",
        },
    )
    found = api.check(top).diagnostics
    assert [(d.code, d.span.file, d.span.line) for d in found] == [
        ("duplicate-name", str(tmp_path / "aws.nd"), 2)
    ]
    assert found[0].label == f"first declared at {top}:1"


def test_different_names_in_two_files_do_not_clash(tmp_path: Path) -> None:
    top = write(
        tmp_path,
        {
            "net.nd": 'site dc 192.168.0.0/16 { }\ninclude "aws.nd"\n',
            "aws.nd": "site branch 10.9.0.0/16 { }\n",
        },
    )
    assert api.check(top).ok


def test_one_region_in_the_including_and_the_included_file_is_one_region(tmp_path: Path) -> None:
    extra = (
        "region us-east-1 {\n  vpc extra 10.9.0.0/16 { subnet b 10.9.1.0/24 az us-east-1a }\n}\n"
    )
    top = write(tmp_path, {"net.nd": 'include "aws.nd"\n' + extra, "aws.nd": VPC})
    analysis = api.check(top)
    assert "duplicate-name" not in codes_of(analysis), rendered(analysis)
    network = analysis.require_network()
    assert network.regions == ("us-east-1",)
    assert {v: network.vpcs[v].region for v in ("main", "extra")} == {
        "main": "us-east-1",
        "extra": "us-east-1",
    }


def test_a_vpc_in_both_blocks_of_one_region_is_still_declared_twice(tmp_path: Path) -> None:
    again = "region us-east-1 {\n  vpc main 10.9.0.0/16 { }\n}\n"
    top = write(tmp_path, {"net.nd": 'include "aws.nd"\n' + again, "aws.nd": VPC})
    found = api.check(top).diagnostics
    assert [(d.code, d.span.file, d.span.line) for d in found] == [("duplicate-name", str(top), 3)]
    assert found[0].message == "vpc 'main' is declared twice"
    assert found[0].label == f"first declared at {tmp_path / 'aws.nd'}:2"


def test_two_blocks_of_one_region_in_one_file_are_one_region() -> None:
    text = VPC + "region us-east-1 {\n  vpc extra 10.9.0.0/16 { }\n}\n"
    compiled = api.compile(text, "<t>")
    assert "duplicate-name" not in [d.code for d in compiled.diagnostics]
    assert compiled.network is not None and compiled.network.regions == ("us-east-1",)
    assert set(compiled.network.vpcs) == {"main", "extra"}


def test_two_titles_in_two_files_clash_and_one_is_allowed(tmp_path: Path) -> None:
    top = write(
        tmp_path,
        {"net.nd": 'include "aws.nd"\ntitle "mine"\n', "aws.nd": 'title "imported"\n'},
    )
    found = api.check(top).diagnostics
    assert [(d.code, d.span.file) for d in found] == [("duplicate-name", str(top))]
    assert found[0].message == f"a title is already set at {tmp_path / 'aws.nd'}:1"
    (tmp_path / "net.nd").write_text('include "aws.nd"\n', "utf-8")
    analysis = api.check(top)
    assert analysis.ok
    assert analysis.require_network().title == "imported"


# ---- cycles -----------------------------------------------------------------------------------


def test_a_file_that_includes_itself_is_a_cycle_of_one(tmp_path: Path) -> None:
    top = write(tmp_path, {"net.nd": 'site dc 10.0.0.0/8 { }\ninclude "net.nd"\n'})
    found = api.check(top).diagnostics
    assert [(d.code, d.span.line, d.span.column) for d in found] == [("include-cycle", 2, 9)]
    assert found[0].message == f"a file includes itself: {top} -> {top}"


def test_a_cycle_of_two_files_is_reported_at_the_include_that_closes_it(tmp_path: Path) -> None:
    top = write(tmp_path, {"a.nd": 'include "b.nd"\n', "b.nd": 'include "a.nd"\n'})
    found = api.check(top).diagnostics
    assert [(d.code, d.span.file) for d in found] == [("include-cycle", str(tmp_path / "b.nd"))]
    a, b = top, tmp_path / "b.nd"
    assert found[0].message == f"the includes make a cycle: {a} -> {b} -> {a}"


def test_a_cycle_of_three_files_names_the_chain(tmp_path: Path) -> None:
    top = write(
        tmp_path,
        {
            "net.nd": 'include "a.nd"\n',
            "a.nd": 'include "b.nd"\n',
            "b.nd": 'include "c.nd"\n',
            "c.nd": 'site dc 10.0.0.0/8 { }\ninclude "a.nd"\n',
        },
    )
    found = api.check(top).diagnostics
    assert [(d.code, d.span.file, d.span.line) for d in found] == [
        ("include-cycle", str(tmp_path / "c.nd"), 2)
    ]
    chain = " -> ".join(str(tmp_path / n) for n in ("a.nd", "b.nd", "c.nd", "a.nd"))
    assert found[0].message == f"the includes make a cycle: {chain}"


def test_a_diamond_is_read_once_and_is_no_cycle(tmp_path: Path) -> None:
    top = write(
        tmp_path,
        {
            "net.nd": 'include "left.nd"\ninclude "right.nd"\ninclude "./common.nd"\n',
            "left.nd": 'include "common.nd"\nsite l 10.1.0.0/16 { }\n',
            "right.nd": 'include "common.nd"\nsite r 10.2.0.0/16 { }\n',
            "common.nd": "site c 10.3.0.0/16 { }\n",
        },
    )
    analysis = api.check(top)
    assert analysis.ok, rendered(analysis)
    assert sorted(analysis.require_network().sites) == ["c", "l", "r"]
    names = [Path(name).name for name, _ in analysis.compiled.included]
    assert names == ["left.nd", "common.nd", "right.nd"]


# ---- files that cannot be included --------------------------------------------------------


def test_a_missing_file_is_include_missing_at_the_include(tmp_path: Path) -> None:
    top = write(tmp_path, {"net.nd": '# one\ninclude "gone.nd"\n'})
    found = api.check(top).diagnostics
    assert [(d.code, d.span.line, d.span.column) for d in found] == [("include-missing", 2, 9)]
    assert "no such file" in found[0].message
    (tmp_path / "gone.nd").write_text("", "utf-8")
    assert api.check(top).ok


def test_a_file_outside_the_tree_is_refused_unopened(tmp_path: Path) -> None:
    inner = tmp_path / "project"
    inner.mkdir()
    (tmp_path / "secret.nd").write_text("site s 10.0.0.0/8 { }\n", "utf-8")
    top = write(inner, {"net.nd": 'include "../secret.nd"\n'})
    found = api.check(top).diagnostics
    assert [d.code for d in found] == ["include-missing"]
    assert "outside the folder tree of 'net.nd'" in found[0].message
    # Inside the tree, the same file is read.
    (inner / "secret.nd").write_text("site s 10.0.0.0/8 { }\n", "utf-8")
    (inner / "net.nd").write_text('include "secret.nd"\n', "utf-8")
    assert api.check(top).ok


def test_a_link_that_leads_out_of_the_tree_is_refused(tmp_path: Path) -> None:
    inner = tmp_path / "project"
    inner.mkdir()
    (tmp_path / "outside.nd").write_text("site s 10.0.0.0/8 { }\n", "utf-8")
    (inner / "link.nd").symlink_to(tmp_path / "outside.nd")
    top = write(inner, {"net.nd": 'include "link.nd"\n'})
    found = api.check(top).diagnostics
    assert [d.code for d in found] == ["include-missing"]
    assert "outside" in found[0].message
    # A link that stays inside is followed.
    (inner / "real.nd").write_text("site s 10.0.0.0/8 { }\n", "utf-8")
    (inner / "link.nd").unlink()
    (inner / "link.nd").symlink_to(inner / "real.nd")
    assert api.check(top).ok


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.nd")
    top = write(tmp_path, {"net.nd": 'include "pipe.nd"\n'})
    found = api.check(top).diagnostics
    assert [d.code for d in found] == ["include-missing"]
    assert "not a regular file" in found[0].message


def test_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dir.nd").mkdir()
    top = write(tmp_path, {"net.nd": 'include "dir.nd"\n'})
    assert codes_of(api.check(top)) == ["include-missing"]


@pytest.mark.parametrize("name", ["aws.txt", "aws", "aws.nd.bak"])
def test_a_name_that_is_not_a_nd_file_is_refused(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text("site s 10.0.0.0/8 { }\n", "utf-8")
    top = write(tmp_path, {"net.nd": f'include "{name}"\n'})
    found = api.check(top).diagnostics
    assert [d.code for d in found] == ["include-missing"]
    assert "not a .nd file" in found[0].message


def test_a_nd_link_to_another_kind_of_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "config").write_text("site s 10.0.0.0/8 { }\n", "utf-8")
    (tmp_path / "aws.nd").symlink_to(tmp_path / "config")
    top = write(tmp_path, {"net.nd": 'include "aws.nd"\n'})
    found = api.check(top).diagnostics
    assert [d.code for d in found] == ["include-missing"]
    assert "not a .nd file" in found[0].message


def test_an_included_file_that_is_not_utf8_is_an_encoding_error_in_it(tmp_path: Path) -> None:
    top = write(tmp_path, {"net.nd": 'include "aws.nd"\n'})
    (tmp_path / "aws.nd").write_bytes(b"# ok\nsite caf\xe9 10.0.0.0/8 { }\n")
    found = api.check(top).diagnostics
    assert [(d.code, d.span.file, d.span.line) for d in found] == [
        ("encoding", str(tmp_path / "aws.nd"), 2)
    ]


# ---- bounds -------------------------------------------------------------------------------


def test_includes_nested_too_deep_are_include_limit(tmp_path: Path) -> None:
    depth = compose.MAX_INCLUDE_DEPTH + 1
    files = {f"f{i}.nd": f'include "f{i + 1}.nd"\n' for i in range(depth)}
    files[f"f{depth}.nd"] = ""
    top = write(tmp_path, files)
    found = api.check(top).diagnostics
    assert [(d.code, d.span.file) for d in found] == [
        ("include-limit", str(tmp_path / f"f{depth - 1}.nd"))
    ]
    # One level less is allowed.
    (tmp_path / f"f{depth - 1}.nd").write_text("", "utf-8")
    assert api.check(top).ok


def test_too_many_files_are_include_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compose, "MAX_INCLUDED_FILES", 3)
    files = {"net.nd": "".join(f'include "f{i}.nd"\n' for i in range(4))}
    files |= {f"f{i}.nd": f"site s{i} 10.{i}.0.0/16 {{ }}\n" for i in range(4)}
    top = write(tmp_path, files)
    found = api.check(top).diagnostics
    assert [(d.code, d.span.line) for d in found if d.code == "include-limit"] == [
        ("include-limit", 4)
    ]
    assert "at most 3 files" in found[0].message
    (tmp_path / "net.nd").write_text("".join(f'include "f{i}.nd"\n' for i in range(3)), "utf-8")
    assert api.check(top).ok


def test_too_many_bytes_together_are_include_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compose, "MAX_COMPOSED_BYTES", 100)
    padding = "#" + "x" * 60 + "\n"
    top = write(
        tmp_path,
        {"net.nd": 'include "a.nd"\ninclude "b.nd"\n', "a.nd": padding, "b.nd": padding},
    )
    found = api.check(top).diagnostics
    assert [(d.code, d.span.line) for d in found] == [("include-limit", 2)]
    assert "larger than" in found[0].message
    (tmp_path / "b.nd").write_text("# short\n", "utf-8")
    assert api.check(top).ok


# ---- where diagnostics point ---------------------------------------------------------------


def test_an_error_in_an_included_file_shows_that_file_s_line(tmp_path: Path) -> None:
    top = write(
        tmp_path,
        {
            "net.nd": 'include "aws.nd"\n# a second line of the including file\n',
            "aws.nd": "region us-east-1 {\n  vpc main 10.0.0.0/16 {\n"
            "    subnet a 10.0.1.0/24 az us-east-1a\n    instance app in b\n  }\n}\n",
        },
    )
    text = rendered(api.check(top))
    assert text.startswith(f"{tmp_path / 'aws.nd'}:4:21: error[unknown-name]")
    assert " 4 |     instance app in b\n" in text
    assert "   |                     ^" in text


def test_a_syntax_error_in_an_included_file_points_into_it(tmp_path: Path) -> None:
    top = write(
        tmp_path,
        {"net.nd": 'include "aws.nd"\n', "aws.nd": "site dc 10.0.0.0/8 {\n  hots x 10.0.0.1\n}\n"},
    )
    analysis = api.check(top)
    assert analysis.compiled.network is None
    assert [(d.code, d.span.file, d.span.line) for d in analysis.diagnostics] == [
        ("syntax", str(tmp_path / "aws.nd"), 2)
    ]
    assert " 2 |   hots x 10.0.0.1" in rendered(analysis)


def test_include_inside_a_block_is_a_syntax_error_with_a_hint(tmp_path: Path) -> None:
    top = write(tmp_path, {"net.nd": 'region us-east-1 {\n  include "aws.nd"\n}\n'})
    found = api.check(top).diagnostics
    assert [(d.code, d.span.line) for d in found] == [("syntax", 2)]
    assert "top-level statement" in found[0].label


# ---- price files in an included file -------------------------------------------------------


PRICES = "internet_out_per_gb = 0.5\n"


def test_a_prices_statement_is_relative_to_the_file_that_holds_it(tmp_path: Path) -> None:
    top = write(
        tmp_path,
        {
            "net.nd": 'include "parts/aws.nd"\n',
            "parts/aws.nd": 'prices "mine.toml"\n' + VPC,
            "parts/mine.toml": PRICES,
        },
    )
    analysis = api.check(top)
    assert analysis.ok, rendered(analysis)
    assert analysis.price_files is not None
    assert [p.name for p, _ in analysis.price_files.applied] == ["mine.toml"]
    # Beside the top-level file, the same name is another file: not found there.
    (tmp_path / "parts/mine.toml").rename(tmp_path / "mine.toml")
    assert codes_of(api.check(top)) == ["price-file"]


def test_a_prices_statement_in_an_included_file_is_confined_to_the_top_file_s_tree(
    tmp_path: Path,
) -> None:
    inner = tmp_path / "project"
    inner.mkdir()
    (tmp_path / "prices.toml").write_text(PRICES, "utf-8")
    top = write(inner, {"net.nd": 'include "aws.nd"\n', "aws.nd": 'prices "../prices.toml"\n'})
    found = api.check(top).diagnostics
    assert [d.code for d in found] == ["price-file"]
    assert "outside the folder tree of 'net.nd'" in found[0].message


def test_the_top_level_file_counts_in_the_bytes_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compose, "MAX_COMPOSED_BYTES", 100)
    padding = "#" + "x" * 60 + "\n"
    top = write(tmp_path, {"net.nd": padding + 'include "a.nd"\n', "a.nd": padding})
    found = api.check(top).diagnostics
    assert [(d.code, d.span.line) for d in found] == [("include-limit", 2)]
    (tmp_path / "a.nd").write_text("# short\n", "utf-8")
    assert api.check(top).ok


def test_a_second_title_in_one_file_names_the_line_of_the_first(tmp_path: Path) -> None:
    one = write(tmp_path, {"net.nd": 'title "One"\ntitle "Two"\n'})
    (found,) = api.check(one).diagnostics
    assert (found.message, found.label) == (
        "a title is already set on line 1",
        "a network has one title: remove this one",
    )


@pytest.mark.parametrize("written", ['"c\\\\d.nd"', '"c\\d.nd"'])
def test_a_backslash_in_an_included_name_is_refused_with_the_slash_to_write(
    tmp_path: Path, written: str
) -> None:
    # The string's escapes are read as in every other string (\\ is one backslash); a
    # backslash left in the name is no folder separator on every system: refused, unread.
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "d.nd").write_text("site dc 10.9.0.0/16 { }\n", "utf-8")
    top = write(tmp_path, {"net.nd": f"include {written}\n"})
    (found,) = api.check(top).diagnostics
    assert (found.code, found.message) == (
        "include-missing",
        "cannot include 'c\\d.nd': a file name has no backslash",
    )
    assert found.label == "write '/' between folders: 'c/d.nd'"
    top.write_text('include "c/d.nd"\n', "utf-8")
    assert not api.check(top).diagnostics


def test_an_escaped_quote_in_an_included_name_is_a_quote(tmp_path: Path) -> None:
    (tmp_path / 'a"b.nd').write_text("site dc 10.9.0.0/16 { }\n", "utf-8")
    top = write(tmp_path, {"net.nd": 'include "a\\"b.nd"\n'})
    assert not api.check(top).diagnostics

"""Escaped text reads as written in MkDocs (Python-Markdown), and no HTML from a file reaches a page.

GitHub (CommonMark) unescapes every backslash-escaped ASCII punctuation character and reads
character references, so what Python-Markdown shows right, it shows right too; these tests
render with Python-Markdown, the stricter of the two (it unescapes only
``Markdown.ESCAPED_CHARS`` and shows any other backslash).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import markdown as python_markdown
import pytest

from netdraft import api
from netdraft.generator.markdown import escape_md

TEXTS = [
    '<script>alert("x")</script>',
    "R&D &amp; &copy; &#124;",
    "C:\\new\\table \\* \\\\",
    "a | b || c",
    "~~not struck~~ *not em* _nor_ `nor code` [nor](link) <b>nor bold</b>",
    "# not a heading",
    "1. not a list",
    "- not a list",
    "> not a quote",
    "{curly} (round) !bang +plus -minus .dot",
    "<!-- not a comment -->",
    "<https://example.com> not a link",
]


def mkdocs_html(text: str) -> str:
    """The HTML MkDocs makes of a page (with the extensions netdraft's own site uses)."""
    return python_markdown.markdown(text, extensions=["tables"])


def shown(fragment: str) -> str:
    """The text a browser shows for an HTML fragment without tags."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_python_markdown_unescapes_what_netdraft_backslashes() -> None:
    escapable = set(python_markdown.Markdown().ESCAPED_CHARS)
    assert set("\\`*_[]#") <= escapable
    assert not {"<", "&", "|", "~"} & escapable  # these become character references


@pytest.mark.parametrize("text", TEXTS)
def test_a_paragraph_shows_the_text_as_written(text: str) -> None:
    page = mkdocs_html(f"Before {escape_md(text)} after")
    (paragraph,) = re.findall(r"<p>(.*)</p>", page, re.S)
    assert "<" not in paragraph.replace("&lt;", "")  # no tag at all, only text
    assert shown(paragraph) == f"Before {text} after"


@pytest.mark.parametrize("text", TEXTS)
def test_a_heading_shows_the_text_as_written(text: str) -> None:
    page = mkdocs_html(f"# {escape_md(text)}\n")
    (heading,) = re.findall(r"<h1>(.*)</h1>", page, re.S)
    assert "<" not in heading.replace("&lt;", "")
    assert shown(heading) == text


@pytest.mark.parametrize("text", TEXTS)
def test_a_table_cell_shows_the_text_as_written(text: str) -> None:
    table = f"| name | other |\n| --- | --- |\n| {escape_md(text)} | end |\n"
    cells = re.findall(r"<td>(.*?)</td>", mkdocs_html(table), re.S)
    assert len(cells) == 2, cells  # a pipe in the text splits no cell
    assert shown(cells[0]) == text
    assert cells[1] == "end"


def test_a_title_with_html_reaches_the_page_as_text(tmp_path: Path) -> None:
    title = '<script>alert("x")</script> R&D \\ C:\\temp | v2 <b>'
    quoted = title.replace("\\", "\\\\").replace('"', '\\"')
    source = tmp_path / "odd.nd"
    source.write_text(
        f'title "{quoted}"\n\nregion us-east-1 {{\n  vpc main 10.0.0.0/16 {{\n'
        "    subnet a 10.0.0.0/24 az us-east-1a\n  }\n}\n",
        "utf-8",
    )
    assert api.load_network(source).title == title
    api.docs(source, tmp_path / "out")
    page = (tmp_path / "out" / "odd.md").read_text("utf-8")
    assert "<script" not in page and "<b>" not in page and "\\<" not in page
    assert page.startswith(
        '# &lt;script&gt;alert("x")&lt;/script&gt; R&amp;D \\\\ C:\\\\temp &#124; v2 &lt;b&gt;\n'
    )
    rendered = mkdocs_html(page)
    assert "<script" not in rendered and "<b>" not in rendered
    (heading,) = re.findall(r"<h1>(.*?)</h1>", rendered, re.S)
    assert shown(heading) == title
    (alt,) = re.findall(r'<img alt="([^"]*)"', rendered)
    assert html.unescape(alt) == title


@pytest.mark.parametrize(
    "text", ["hello {: onmouseover=alert(document.domain) }", "x { #id .cls }", "{: .a }"]
)
def test_attribute_lists_in_names_set_no_attribute(text: str) -> None:
    # attr_list (common in MkDocs sites) reads `{: …}` at the end of a heading or paragraph.
    for block in (f"# {escape_md(text)}\n", f"{escape_md(text)}\n"):
        page = python_markdown.markdown(block, extensions=["attr_list"])
        assert not re.search(r"<(h1|p) [^>]*=", page), page
        assert "{" in html.unescape(page)


def test_control_characters_are_shown_as_escapes() -> None:
    page = mkdocs_html(escape_md("a\x01b\x1b[31mc"))
    assert "\x01" not in page and "\x1b" not in page
    assert "a\\x01b\\x1b[31mc" in page

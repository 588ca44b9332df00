"""Hostile templates: the page renders, or a TemplateProblem says why; nothing else escapes.

Templates are assembled from pieces that reach for Python's internals, recurse, divide
by zero, build huge values, include themselves or each other, or are not even Jinja.
The ``ci`` profile replays the same examples on every run; ``NETDRAFT_PROPERTY_SCALE=20``
runs twenty times as many, for a long run by hand.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from netdraft import api
from netdraft.generator.errors import TemplateProblem
from netdraft.generator.markdown import MAX_PAGE_CHARS, build_context, render_markdown
from netdraft.sim.analysis import NetworkAnalysis
from netdraft.sim.prices import bundled

SCALE = float(os.environ.get("NETDRAFT_PROPERTY_SCALE", "1"))
EXAMPLE = Path(__file__).parents[1] / "spec" / "examples" / "01-public-private-nat.nd"
NETWORK = api.load_network(EXAMPLE)
CONTEXT = build_context(NetworkAnalysis(NETWORK, bundled()), "net.svg")

PIECES = [
    "{{ title }}", "{{ costs.total }}", "{% for r in regions %}{{ r }}{% endfor %}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}", "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__['os'] }}", "{{ self._TemplateReference__context }}",
    "{{ lipsum.__globals__ }}", "{{ config }}", "{{ request }}", "{{ range.__self__ }}",
    "{{ 1/0 }}", "{{ 1 + 'a' }}", "{{ none.x }}", "{{ undefined_name.attribute }}",
    "{{ range(10**8)|list }}", "{{ 'x' * 10**9 }}", "{{ 2 ** 10**9 }}", "{{ [0] * 10**9 }}",
    "{% include 'network.md.j2' %}", "{% include 'other.md.j2' %}", "{% extends 'network.md.j2' %}",
    "{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}", "{% import 'other.md.j2' as o %}",
    "{% include '../../../../etc/passwd' %}", "{% include '/proc/self/environ' %}",
    "{{", "{%", "{% for %}", "{% endfor %}", "{# unclosed", "}}", "\x00", "\udcff"[:0] + "é",
    "{{ title|attr('__class__') }}", "{{ (title|attr('__class__')).__base__ }}",
    "{{ title.format_map }}", "{{ '{0.__class__}'.format(title) }}", "{% set x = x %}",
    "{{ title|replace('a', 'b' * 1000) }}", "{% raw %}", "text", "\n",
]  # fmt: skip


@settings(max_examples=max(1, round(60 * SCALE)))
@given(
    page=st.lists(st.sampled_from(PIECES), min_size=1, max_size=5),
    other=st.lists(st.sampled_from(PIECES), max_size=3),
)
def test_a_hostile_template_renders_or_is_a_template_problem(
    page: list[str], other: list[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "network.md.j2").write_text("".join(page), "utf-8")
        (Path(folder) / "other.md.j2").write_text("".join(other), "utf-8")
        try:
            text = render_markdown(CONTEXT, folder)
        except TemplateProblem as exc:
            message = str(exc)
            assert "\n" not in message.strip() or len(message) < 2000
            return
    assert len(text) <= MAX_PAGE_CHARS
    assert "uid=" not in text and "root:" not in text
    assert "<module" not in text  # no module object reached (a method's repr is harmless)

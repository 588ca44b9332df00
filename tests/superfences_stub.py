"""A stand-in for pymdownx.superfences' custom fences, for machines without it.

It finds fences anywhere (in lists and block quotes too) and calls a custom fence's
validator and formatter as superfences does, with the same arguments:
``validator(language, inputs, options, attrs, md)``, then
``format(source, language, class_name, options, md, classes=, id_value=, attrs=)``;
the HTML is stashed, so it stands where the fence was, inside its list item.
Options are superfences' own form: ``name="value"`` words, a bare name meaning ``name``.
"""

from __future__ import annotations

import re
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

_OPENING = re.compile(
    r"^(?P<ws>[ >]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w-]+)"
    r'(?P<options>(?:[ \t]+[a-zA-Z][a-zA-Z0-9_]*(?:="[^"]*")?)*)[ \t]*$'
)
_OPTION = re.compile(r'([a-zA-Z][a-zA-Z0-9_]*)(=")?([^"]*)"?')


class _Fences(Preprocessor):
    def __init__(self, md: Markdown, fences: list[dict[str, Any]]) -> None:
        super().__init__(md)
        self.fences = {fence["name"]: fence for fence in fences}

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(lines):
            found = _OPENING.match(lines[i])
            fence = self.fences.get(found["lang"]) if found else None
            if found is None or fence is None:
                out.append(lines[i])
                i += 1
                continue
            ws = found["ws"]
            end = re.compile(re.escape(ws) + re.escape(found["fence"]) + r"[ \t]*$")
            j = i + 1
            while j < len(lines) and not end.match(lines[j]):
                j += 1
            inputs = {
                name: value if equals else name
                for name, equals, value in _OPTION.findall(found["options"])
            }
            options: dict[str, str] = {}
            attrs: dict[str, str] = {}
            if not fence["validator"](found["lang"], inputs, options, attrs, self.md):
                out.append(lines[i])
                i += 1
                continue
            source = "\n".join(line[len(ws) :] for line in lines[i + 1 : j])
            html = fence["format"](
                source, found["lang"], fence["class"], options, self.md,
                classes=[], id_value="", attrs={},
            )  # fmt: skip
            out.append(ws + self.md.htmlStash.store(html))
            i = j + 1
        return out


class StubFences(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {"custom_fences": [[], "the custom fences"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        fences = self.getConfig("custom_fences")
        md.preprocessors.register(_Fences(md, fences), "stub_fences", 25)


def makeExtension(**kwargs: Any) -> StubFences:
    return StubFences(**kwargs)

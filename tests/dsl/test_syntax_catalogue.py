"""The catalogue of known syntax mistakes: every example fails and gets its own label."""

from __future__ import annotations

import pytest
from lark.exceptions import UnexpectedInput

from netdraft import api
from netdraft.dsl import review
from netdraft.dsl.parse import SYNTAX_CATALOGUE, _friendly, parser

CASES = [(label, example) for label, examples in SYNTAX_CATALOGUE.items() for example in examples]
# A mistake is named the same wherever the statement stands in the file.
PREFIXES = ["", "# a comment\n", 'title "t"\n\n']


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize(("label", "example"), CASES)
def test_example_fails_with_its_label(label: str, example: str, prefix: str) -> None:
    with pytest.raises(UnexpectedInput) as info:
        parser().parse(prefix + example)
    assert _friendly(info.value) == label


def test_label_reaches_the_diagnostic() -> None:
    compiled = api.compile("expect a b tcp 443 allow\n", "x.nd")
    (diagnostic,) = compiled.diagnostics
    assert diagnostic.code == "syntax"
    assert "'->'" in diagnostic.label


def test_several_syntax_errors_in_one_run() -> None:
    text = (
        "region us-east-1 {\n"
        "  vpc main 10.0.0.0/16 {\n"
        "    subnet app 10.0.1.0/24 az\n"
        "    instance x in app ip\n"
        "  }\n"
        "}\n"
        "expect a -> b tcp 443\n"
    )
    lines = [d.span.line for d in api.compile(text, "x.nd").diagnostics]
    assert lines == [3, 4, 7]


def _vpc(body: str) -> str:
    return "region us-east-1 {\n  vpc app 10.0.0.0/16 {\n" + body + "  }\n}\n"


#: Wrong files a network engineer writes, what `netdraft check` says about each, and the
#: corrected file, which compiles without a problem.
#: (name, wrong text, fixed text, line, column, code, words in the message, words in the label)
SURVEY = [
    (
        "keyword-typo",
        _vpc("    secuirty-group web {\n      ingress tcp 443 from 0.0.0.0/0\n    }\n"),
        _vpc("    security-group web {\n      ingress tcp 443 from 0.0.0.0/0\n    }\n"),
        3, 5, "syntax", "unexpected 'secuirty-group'", "did you mean 'security-group'?",
    ),
    (
        "top-level-typo",
        "regoin us-east-1 {\n}\n",
        "region us-east-1 {\n}\n",
        1, 1, "syntax", "unexpected 'regoin'", "did you mean 'region'?",
    ),
    (
        "cidr-octet",
        _vpc("    subnet a 10.0.300.0/24 az us-east-1a\n"),
        _vpc("    subnet a 10.0.30.0/24 az us-east-1a\n"),
        3, 14, "bad-cidr", "octet 300 (> 255) not permitted", "",
    ),
    (
        "cidr-prefix",
        _vpc("    subnet a 10.0.1.0/33 az us-east-1a\n"),
        _vpc("    subnet a 10.0.1.0/24 az us-east-1a\n"),
        3, 14, "bad-cidr", "the prefix length is /0 to /32 for IPv4, not /33", "",
    ),
    (
        "address-for-cidr",
        _vpc("    internet-gateway igw\n    route-table rt {\n      route 0.0.0.0 via igw\n    }\n"),
        _vpc("    internet-gateway igw\n    route-table rt {\n      route 0.0.0.0/0 via igw\n    }\n"),
        5, 13, "syntax", "unexpected '0.0.0.0'", "'0.0.0.0/0' is every address",
    ),
    (
        "missing-in",
        _vpc("    subnet a 10.0.1.0/24 az us-east-1a\n    instance web a\n"),
        _vpc("    subnet a 10.0.1.0/24 az us-east-1a\n    instance web in a\n"),
        4, 18, "syntax", "unexpected 'a': expected 'in'", "names its subnet after 'in'",
    ),
    (
        "sg-before-in",
        _vpc("    subnet a 10.0.1.0/24 az us-east-1a\n    instance web sg default in a\n"),
        _vpc("    subnet a 10.0.1.0/24 az us-east-1a\n    instance web in a sg default\n"),
        4, 18, "syntax", "unexpected 'sg': expected 'in'", "then its options",
    ),
    (
        "flow-without-volume",
        "flow f: internet -> s3 tcp 443\n",
        "flow f: internet -> s3 tcp 443 volume 1GB\n",
        1, 31, "syntax", "'volume'", "a flow ends with its monthly volume",
    ),
    (
        "flow-volume-without-keyword",
        "flow f: internet -> s3 tcp 443 1GB\n",
        "flow f: internet -> s3 tcp 443 volume 1GB\n",
        1, 32, "syntax", "unexpected '1GB'", "a flow ends with its monthly volume",
    ),
    (
        "service-name-for-protocol",
        "expect internet -> s3 https allow\n",
        "expect internet -> s3 tcp 443 allow\n",
        1, 23, "syntax", "unexpected 'https'", "a protocol and its port follow the endpoints",
    ),
    (
        "lowercase-code",
        "expect internet -> s3 tcp 443 deny because no_route\n",
        "expect internet -> s3 tcp 443 allow\n",
        1, 44, "unknown-code", "unknown code 'no_route'", "NO_ROUTE_TO_DESTINATION",
    ),
    (
        "route-to-another-vpcs-peering",
        "region us-east-1 {\n"
        "  vpc app 10.0.0.0/16 {\n    route-table rt { route 10.2.0.0/16 via hub-ops }\n  }\n"
        "  vpc hub 10.1.0.0/16 { }\n  vpc ops 10.2.0.0/16 { }\n}\npeering hub-ops hub <-> ops\n",
        "region us-east-1 {\n"
        "  vpc app 10.0.0.0/16 {\n    route-table rt { route 10.1.0.0/16 via app-hub }\n  }\n"
        "  vpc hub 10.1.0.0/16 { }\n  vpc ops 10.2.0.0/16 { }\n}\npeering hub-ops hub <-> ops\n"
        "peering app-hub app <-> hub\n",
        3, 44, "route-target", "peering 'hub-ops' does not connect vpc 'app'", "'hub' and 'ops'",
    ),
    (
        "block-left-open",
        "region us-east-1 {\n  vpc app 10.0.0.0/16 {\n    subnet a 10.0.1.0/24 az us-east-1a\n}\n",
        "region us-east-1 {\n  vpc app 10.0.0.0/16 {\n    subnet a 10.0.1.0/24 az us-east-1a\n  }\n}\n",
        4, 2, "syntax", "the file ends inside 'region us-east-1' opened at line 1", "add '}'",
    ),
    (
        "brace-missing-before-a-statement",
        _vpc("    security-group web {\n      ingress tcp 443 from 0.0.0.0/0\n"
             "    subnet a 10.0.1.0/24 az us-east-1a\n"),
        _vpc("    security-group web {\n      ingress tcp 443 from 0.0.0.0/0\n    }\n"
             "    subnet a 10.0.1.0/24 az us-east-1a\n"),
        5, 5, "syntax", "'subnet' cannot be written inside 'security-group web' (opened at line 3)",
        "close 'security-group web' with '}'",
    ),
    (
        "extra-brace",
        "region us-east-1 {\n  vpc app 10.0.0.0/16 { }\n  }\n}\n",
        "region us-east-1 {\n  vpc app 10.0.0.0/16 { }\n}\n",
        4, 1, "syntax", "every block above is already closed", "remove this '}'",
    ),
    (
        "peering-arrow",
        "region us-east-1 {\n  vpc a 10.0.0.0/16 { }\n  vpc b 10.1.0.0/16 { }\n}\npeering ab a -> b\n",
        "region us-east-1 {\n  vpc a 10.0.0.0/16 { }\n  vpc b 10.1.0.0/16 { }\n}\npeering ab a <-> b\n",
        5, 14, "syntax", "unexpected '->'", "'<->'",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "fixed", "line", "column", "code", "message", "label"),
    [pytest.param(*case[1:], id=case[0]) for case in SURVEY],
)
def test_survey_message(
    text: str, fixed: str, line: int, column: int, code: str, message: str, label: str
) -> None:
    found = api.compile(text, "x.nd").diagnostics
    first = found[0]
    assert (first.code, first.span.line, first.span.column) == (code, line, column), [
        d.headline() for d in found
    ]
    assert message in first.message
    assert label in first.label
    fixed_found = api.compile(fixed, "x.nd").diagnostics
    assert not [d.headline() for d in fixed_found if d.code not in review.CODES]


def test_a_missing_brace_before_a_statement_is_one_error() -> None:
    # Parsing goes on as if the '}' were there: no second error for the same brace, and
    # the next real mistake is still found.
    text = _vpc(
        "    security-group web {\n      ingress tcp 443 from 0.0.0.0/0\n"
        "    instance w in a sg web\n"
        "    subnet a 10.0.1.0/24 az\n"
    )
    found = api.compile(text, "x.nd").diagnostics
    assert [(d.span.line, d.message.split(":")[0]) for d in found] == [
        (5, "'instance' cannot be written inside 'security-group web' (opened at line 3); a '}' is missing before it"),
        (6, "the statement ends too early"),
    ]  # fmt: skip


def test_a_top_level_statement_inside_blocks_names_every_open_block() -> None:
    text = "region us-east-1 {\n  vpc app 10.0.0.0/16 {\n    subnet a 10.0.1.0/24 az us-east-1a\n"
    text += "peering p app <-> app\n"
    (problem,) = api.compile(text, "x.nd").diagnostics
    assert problem.span.line == 4
    assert problem.message == (
        "'peering' cannot be written inside 'vpc app' (opened at line 2) and"
        " 'region us-east-1' (opened at line 1); 2 '}' are missing before it"
    )


def test_the_end_of_file_names_the_innermost_block_and_notes_a_misaligned_brace() -> None:
    text = (
        "region us-east-1 {\n  vpc app 10.0.0.0/16 {\n    security-group web {\n"
        "      ingress tcp 443 from 0.0.0.0/0\n  }\n"
    )
    (problem,) = api.compile(text, "x.nd").diagnostics
    assert problem.message == (
        "the file ends inside 'vpc app' opened at line 2 (inside 'region us-east-1', line 1);"
        " 2 '}' are missing"
    )
    assert problem.notes == (
        "the '}' on line 5 closes 'security-group web' (line 3) but is indented like an outer"
        " block: the '}' of 'security-group web' may be the one missing",
    )
    aligned = text.replace("\n  }\n", "\n    }\n")
    (problem,) = api.compile(aligned, "x.nd").diagnostics
    assert problem.notes == ()

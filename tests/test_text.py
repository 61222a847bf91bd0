"""analysis.text: markup found in every encoding, hidden characters found, escapes that hold."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.text import (
    HIDDEN,
    MARKUP_TRIGGERS,
    MD_SPECIAL,
    escape_html,
    escape_markdown,
    hidden_problem,
    markup_problem,
)

PLAIN = st.text(alphabet=st.characters(categories=("L", "N", "Zs")), max_size=60)
TAGS = ["<script>", "<img src=x>", "</b>", "<svg onload=1>", "<!-- x -->", "<a href=y>"]


def entities(text: str) -> str:
    return "".join(f"&#{ord(c)};" if c in "<>:" else c for c in text)


def hex_entities(text: str) -> str:
    return "".join(f"&#x{ord(c):X};" if c in "<>:" else c for c in text)


@given(PLAIN, PLAIN)
def test_plain_words_pass(before: str, after: str) -> None:
    assert markup_problem(f"{before} {after}") is None


@pytest.mark.parametrize("tag", TAGS)
@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t,
        html.escape,
        entities,
        hex_entities,
        lambda t: quote(t, safe=""),
        lambda t: quote(quote(t, safe=""), safe=""),
        lambda t: html.escape(html.escape(t)),
    ],
    ids=["raw", "named-entities", "decimal", "hex", "percent", "double-percent", "double-entity"],
)
def test_tags_are_found_in_every_encoding(tag: str, encode) -> None:
    found = markup_problem(f"Export ban {encode(tag)} on gallium")
    assert found is not None and found.startswith("HTML tag"), found


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:x",
        "java\tscript:x",
        "java script:x",
        " javascript:x",
        "&#106;avascript:x",
        "javascript&colon;x",
        "javascript&#58;x",
        "javascript%3Ax",
        "%6A%61%76%61%73%63%72%69%70%74%3Ax",
        "vbscript:x",
        "data:text/html,hi",
    ],
)
def test_script_urls_are_found_however_written(text: str) -> None:
    found = markup_problem(text)
    assert found is not None and found.startswith("script URL"), (text, found)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("![x](https://e.example/p.png)", "Markdown image"),
        ("[a](https://e.example)", "Markdown link"),
        ("see [a][1]", "Markdown link"),
        ("![ref][1]", "Markdown image"),
        (r"$\alpha$", "LaTeX"),
        ("$x^2$", "LaTeX"),
        ("$$y$$", "LaTeX"),
        (r"\(x\)", "LaTeX"),
    ],
)
def test_markdown_and_latex_are_found(text: str, kind: str) -> None:
    assert (markup_problem(text) or "").startswith(kind)


@pytest.mark.parametrize(
    "text",
    [
        "US$6m and A$5.8m",
        "5 < 6 and 7 > 2",
        "AT&T",
        "50% of 3",
        "R&D (C$20.2m)",
        "a_b and c^d",
        "[sic]",
        "(see notes)",
        "https://example.org/a%20b",
        "e-mail: x@y",
    ],
)
def test_ordinary_text_is_not_markup(text: str) -> None:
    assert markup_problem(text) is None


@pytest.mark.parametrize("char", sorted(HIDDEN))
def test_every_hidden_character_is_named_with_its_position(char: str) -> None:
    found = hidden_problem(f"ab{char}c")
    assert found == f"{HIDDEN[char]} (U+{ord(char):04X}) at character 3"


@given(st.text(max_size=80))
def test_escaped_html_has_no_tag_and_no_hidden_character(text: str) -> None:
    out = escape_html(text)
    assert "<" not in out and ">" not in out and hidden_problem(out) is None
    assert html.unescape(out) == re.sub("[" + "".join(HIDDEN) + "]", "", text)


@given(st.text(max_size=80))
def test_escaped_markdown_escapes_every_markdown_character(text: str) -> None:
    out = escape_markdown(text)
    assert "\n" not in out and hidden_problem(out) is None
    i = 0
    while i < len(out):  # every special character comes after a backslash, every backslash escapes
        if out[i] == "\\":
            assert i + 1 < len(out) and out[i + 1] in MD_SPECIAL | set("-+.=)"), out
            i += 2
        else:
            assert out[i] not in MD_SPECIAL, out
            i += 1
    assert not re.match(r"[-+=.]|\d+[.)]", out), "no list, heading or rule at the start"


# Text drawn from markup's own alphabet (letters, brackets, tag and scheme characters, entity and
# percent forms) with the trigger characters taken out: none of it may be markup.
_ALPHABET = "abcdefghijklmnopqrstuvwxyzJSVB0123456789 !/()]>{}^_#;=\t\n'\"*" + "<:[$\\&%"
_UNTRIGGERED = st.one_of(
    st.text(alphabet=[c for c in _ALPHABET if not re.search(MARKUP_TRIGGERS, c)]),
    st.text().map(lambda t: re.sub(MARKUP_TRIGGERS, "", t)),  # any characters at all
)


@given(_UNTRIGGERED)
def test_text_without_a_trigger_character_is_never_markup(text: str) -> None:
    assert markup_problem(text) is None


@pytest.mark.parametrize(
    "text",
    ["<b>x</b>", "javascript:x", "&lt;img&gt;", "%3Cimg%3E", "[a](b)", "![a](b)", r"$\alpha$"],
)
def test_every_kind_of_markup_contains_a_trigger_character(text: str) -> None:
    assert markup_problem(text) is not None and re.search(MARKUP_TRIGGERS, text)

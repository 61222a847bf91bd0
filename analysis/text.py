"""Data text stays text: detect markup in any encoding, hidden characters, and escape for display.

The validator (:mod:`analysis.package`) rejects what :func:`markup_problem` and
:func:`hidden_problem` find; pages and charts still escape every data string they show
(:func:`escape_markdown`, :func:`escape_html`), so a value that got past the validator is shown
as the characters it contains, never interpreted.

>>> markup_problem("Ministry of Commerce")
>>> markup_problem("&lt;script&gt;")
"HTML tag '<script' (written with HTML entities) at character 1"
>>> markup_problem("see %3Cimg src=x%3E")
"HTML tag '<img' (written with percent-encoding) at character 5"
>>> markup_problem("J&#97;vaScript&colon;alert(1)")
"script URL 'javascript:' (written with HTML entities) at character 2"
>>> markup_problem("US$6m and A$5.8m")
>>> markup_problem(r"$\\frac{1}{2}$")
'LaTeX formula at character 1'
>>> hidden_problem("abc\u202edef")
'right-to-left override (U+202E) at character 4'
>>> escape_markdown("**bold** [x](y) $1$")
'\\\\*\\\\*bold\\\\*\\\\* \\\\[x\\\\](y) \\\\$1\\\\$'
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import unquote

# Characters that make a string display differently from what it says (bidirectional controls)
# or hide text (zero-width). U+FEFF at the start of a file is removed before this check.
HIDDEN = {
    "\u061c": "Arabic letter mark",
    "\u200b": "zero-width space",
    "\u200c": "zero-width non-joiner",
    "\u200d": "zero-width joiner",
    "\u200e": "left-to-right mark",
    "\u200f": "right-to-left mark",
    "\u202a": "left-to-right embedding",
    "\u202b": "right-to-left embedding",
    "\u202c": "pop directional formatting",
    "\u202d": "left-to-right override",
    "\u202e": "right-to-left override",
    "\u2060": "word joiner",
    "\u2066": "left-to-right isolate",
    "\u2067": "right-to-left isolate",
    "\u2068": "first strong isolate",
    "\u2069": "pop directional isolate",
    "\ufeff": "zero-width no-break space",
}
_HIDDEN_RE = re.compile("[" + "".join(HIDDEN) + "]")

_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9-]*|!)")
_SCRIPT_URL = re.compile(r"(java|vb)script:|data:\s*text/html", re.IGNORECASE)
_MD_LINK = re.compile(r"!?\[[^\]\n]*\]\s*\([^)\n]*\)|!?\[[^\]\n]*\]\s*\[[^\]\n]*\]")
_MD_IMAGE = re.compile(r"!\[")
_LATEX = re.compile(r"\$\$|\$[^$\n]*(\\[a-zA-Z]+|[\^_]\{|\^[0-9a-zA-Z])[^$\n]*\$|\\[(\[]")
_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);?")
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")
# Spaces, tabs and control characters a browser drops inside a URL scheme ("java\tscript:").
_SCHEME_NOISE = re.compile(r"[\x00-\x20\x7f]+")


#: Every kind of markup :func:`markup_problem` finds needs one of these characters in the raw text:
#: a tag ``<``, a script URL ``:``, either of them encoded (``&`` or ``%``), a Markdown link or
#: image ``[``, a LaTeX formula ``$`` or ``\\``. Text without any of them is plain (the validator
#: parses only the rest; a property test holds the two together).
MARKUP_TRIGGERS = r"[<:\[$\\&%]"


def _decoded(text: str) -> list[tuple[str, str]]:
    """``text`` and its decodings (HTML entities, percent-encoding, both, repeated until stable)."""
    out = [("", text)]
    entities = html.unescape(text) if _ENTITY.search(text) else text
    percent = unquote(text) if _PERCENT.search(text) else text
    both = text
    for _ in range(4):  # nested encodings: &amp;lt; or %253C
        step = unquote(html.unescape(both))
        if step == both:
            break
        both = step
    for how, value in (
        ("HTML entities", entities),
        ("percent-encoding", percent),
        ("HTML entities and percent-encoding", both),
    ):
        if all(value != v for _, v in out):
            out.append((how, value))
    return out


def markup_problem(text: str) -> str | None:
    """What markup ``text`` contains and where (1-based character), or None for plain text.

    Checks HTML tags, script URLs (``javascript:`` in any case, with spaces or tabs inside, as
    entities or percent-encoded), Markdown links and images, and LaTeX formulas. A lone ``$``
    (``US$6m``, ``A$5.8m``) is an amount, not a formula.
    """
    if not text:
        return None
    for how, value in _decoded(text):
        written = f" (written with {how})" if how else ""
        at = f" at character {_position(text)}" if how else ""
        m = _TAG.search(value)
        if m:
            tag = "<!" if m.group(1) == "!" else "<" + m.group(1).lower()
            return f"HTML tag '{tag}'{written}{at or f' at character {m.start() + 1}'}"
        squeezed = _SCHEME_NOISE.sub("", value)
        m = _SCRIPT_URL.search(squeezed)
        if m:
            scheme = m.group(0).lower().replace(" ", "")
            pos = _position(text) if how else _unsqueezed(value, m.start()) + 1
            return f"script URL '{scheme}'{written} at character {pos}"
        if not how:
            m = _MD_LINK.search(value) or _MD_IMAGE.search(value)
            if m:
                kind = "Markdown image" if m.group(0).startswith("!") else "Markdown link"
                return f"{kind} at character {m.start() + 1}"
            m = _LATEX.search(value)
            if m:
                return f"LaTeX formula at character {m.start() + 1}"
    return None


def _position(original: str) -> int:
    """The first character where an encoded form starts (1-based)."""
    starts = [m.start() for m in (_ENTITY.search(original), _PERCENT.search(original)) if m]
    return (min(starts) if starts else 0) + 1


def _unsqueezed(value: str, index: int) -> int:
    """Index in ``value`` of the ``index``-th character once scheme noise is dropped."""
    kept = -1
    for i, ch in enumerate(value):
        if not _SCHEME_NOISE.fullmatch(ch):
            kept += 1
            if kept == index:
                return i
    return 0


def hidden_problem(text: str) -> str | None:
    """The first bidirectional-control or zero-width character in ``text`` and where, or None."""
    m = _HIDDEN_RE.search(text or "")
    if not m:
        return None
    ch = m.group(0)
    return f"{HIDDEN[ch]} (U+{ord(ch):04X}) at character {m.start() + 1}"


# What Markdown (with Streamlit's colour and icon directives, GFM tables and strikethrough, and
# LaTeX) reads inside a line; "&" so that an entity is shown, not decoded.
MD_SPECIAL = frozenset("\\`*_[]<>$:~|!&#{}")
# What only counts at the start of a line (lists, headings, quotes, setext underlines).
MD_LEADING = frozenset("-+.=")


def escape_markdown(text: object) -> str:
    """``text`` with every Markdown-significant character backslash-escaped, so it shows as is.

    Newlines become spaces (a data value never starts a new block); hidden characters are dropped.
    """
    value = _HIDDEN_RE.sub("", unicodedata.normalize("NFC", str(text)))
    value = " ".join(value.splitlines())
    out = "".join("\\" + ch if ch in MD_SPECIAL else ch for ch in value)
    numbered = re.match(r"\d{1,9}(?=[.)])", out)
    if numbered:  # "1. " or "1) " would start an ordered list
        return out[: numbered.end()] + "\\" + out[numbered.end() :]
    return "\\" + out if out[:1] in MD_LEADING else out


def escape_html(text: object) -> str:
    """``text`` for an HTML context (Plotly hover text, deck.gl tooltips): tags shown, not parsed."""
    return html.escape(_HIDDEN_RE.sub("", str(text)), quote=True)

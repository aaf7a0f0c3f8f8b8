"""The safety boundary for data that reaches a page: shared by `kb check` (which reports) and the
renderer (which neutralises), plus the sanitiser backstop run on every page's generated HTML.

Record text is Markdown, and MkDocs' Markdown has `attr_list` on (our templates use it), so
record text is bounded and its attribute lists, images and unsafe links are neutralised before
rendering; whatever slips past that is caught by nh3 with an allow-list of what our templates
produce, and the build fails naming the page.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

# One Markdown field renders in time that grows with (brackets × length): 100 brackets in 10,000
# characters take 0.3 s at worst; 4,000 `[a](` took 4 s and it grows with the square.
MAX_MARKDOWN_CHARS = 10_000
MAX_MARKDOWN_BRACKETS = 100

# `{: onclick=…}`, `{ .class }`, `{#id}`, `{ style=… }`: attribute lists
ATTR_LIST = re.compile(r"\{:?[ \t]*[.#A-Za-z_][^{}\n]*\}")
# inline images (group 1: the destination) and reference-style images (no group)
IMAGE = re.compile(r"!\[[^\]\n]*\]\(\s*<?([^)\s>]*)|!\[[^\]\n]*\](?!\()")
SCHEME = re.compile(r"^\s*[A-Za-z][\w+.-]*:")


def site_relative(url: str) -> bool:
    """A path inside the site: no scheme, no host (`//host`, and `/\\host` which browsers read the same)."""
    return bool(url) and not SCHEME.match(url) and not url.startswith(("//", "/\\")) and "\\" not in url \
        and not any(ord(c) < 33 for c in url)


def too_big(text: str) -> str | None:
    """Why this Markdown would be slow to render, or None."""
    if len(text) > MAX_MARKDOWN_CHARS:
        return f"过长({len(text)} 个字符,上限 {MAX_MARKDOWN_CHARS})"
    brackets = text.count("[")
    if brackets > MAX_MARKDOWN_BRACKETS:
        return f"方括号过多({brackets} 个,上限 {MAX_MARKDOWN_BRACKETS})"
    return None


def outside_images(text: str) -> list[str]:
    """Images that would be fetched from elsewhere (or from a reference we cannot see)."""
    found = []
    for match in IMAGE.finditer(text):
        target = match.group(1)
        if target is None:
            found.append(match.group(0))
        elif not site_relative(target):
            found.append(target or match.group(0))
    return found


# --- the backstop -------------------------------------------------------------------------------

# What our templates, Material's Markdown extensions and the hand-written pages produce.
TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre",
    "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul", "mark", "section", "figure", "figcaption", "nav", "time", "cite", "q",
    "label", "input", "select", "option", "button", "form", "output", "fieldset", "legend", "noscript",
    # the coverage charts (generator/charts.py): inline SVG drawn by us, with labels escaped
    "svg", "g", "rect", "text", "title",
}
ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "hidden", "role", "data-id", "data-kind", "data-field", "aria-label",
          "aria-hidden", "aria-live", "aria-describedby", "aria-controls", "aria-expanded", "data-relation",
          "data-level", "data-kind", "markdown"},
    "a": {"href"}, "div": {"markdown"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"align", "colspan", "rowspan"}, "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"}, "time": {"datetime"}, "details": {"open"},
    "label": {"for"}, "input": {"type", "name", "value", "placeholder", "checked", "autocomplete"},
    "select": {"name", "multiple"}, "option": {"value", "selected"}, "button": {"type", "name", "value"},
    "form": {"role"}, "output": {"for"},
    "svg": {"viewBox", "aria-labelledby"}, "rect": {"x", "y", "width", "height"},
    "text": {"x", "y", "text-anchor"},
}
URL_ATTRIBUTES = {"href", "src"}
SAFE_HREF = re.compile(r"^(https?://|mailto:|#)|^(?![A-Za-z][\w+.-]*:)(?!//)(?!/\\)")


class _Elements(HTMLParser):
    """Every start tag with its attributes, as a browser would read them (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, tuple[tuple[str, str], ...]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, tuple(sorted((k, v or "") for k, v in attrs))))

    handle_startendtag = handle_starttag


def _elements(html: str) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.found


CLASS_OR_ID = re.compile(r"[\w\s:.\-\u00b7\u4e00-\u9fff]*")


def _keep(tag: str, attribute: str, value: str) -> str | None:
    # nh3 asks for every attribute of every page (some 130 per page): the common ones first
    if attribute == "class" or attribute == "id":
        return value if CLASS_OR_ID.fullmatch(value) else None
    if attribute == "href":
        return value if SAFE_HREF.match(value) else None
    if attribute == "src":
        return value if site_relative(value) else None
    return value


# Our own scripts (the browse page): exactly this form, no content, from our assets folder.
OWN_SCRIPT = re.compile(r'<script src="(?:\.\./)*assets/javascripts/kb-[a-z-]+\.js"></script>')


# How nh3 re-serialises what it keeps: `hidden` as `hidden=""`, `<br />` as `<br>`. These rewrites
# only add `=""` or drop the slash of a self-closing tag, so equality after them cannot hide a removal
# (a rewrite that does not match nh3's, say a word inside an attribute value, only sends the page
# to the element-by-element comparison).
BARE_BOOLEAN = re.compile(r"\s(?:hidden|checked|selected|open|multiple)(?=[\s>])")


def _as_nh3_writes(html: str) -> str:
    if "/>" in html:
        pieces = html.split("/>")
        html = ">".join([p.rstrip() for p in pieces[:-1]] + pieces[-1:])
    out, last = [], 0
    for match in BARE_BOOLEAN.finditer(html):  # a bare boolean attribute: inside a start tag
        end = match.end()
        tag = html.rfind("<", 0, end)
        if tag != -1 and "a" <= html[tag + 1:tag + 2] <= "z" and html.find(">", tag, end) == -1:
            out += [html[last:end], '=""']
            last = end
    return "".join(out) + html[last:] if out else html


@lru_cache(maxsize=1)
def _cleaner():
    """nh3 with the allow-list above, set up once (not for each of thousands of pages)."""
    import nh3

    return nh3.Cleaner(tags=TAGS, attributes=ATTRIBUTES, attribute_filter=_keep, url_schemes={"http", "https", "mailto"},
                       link_rel=None, strip_comments=False, clean_content_tags=set(), generic_attribute_prefixes=set())


def unsafe_html(html: str) -> list[str]:
    """What nh3, with the allow-list above, would remove from this HTML: empty if nothing.

    nh3 decides; the comparison is of elements and attributes (as a browser decodes them), so
    nh3's own re-serialisation of text and entities does not count as a change."""
    html = OWN_SCRIPT.sub("", html)
    cleaned = _cleaner().clean(html)
    if cleaned == _as_nh3_writes(html):  # nh3 kept every character: nothing to diagnose (nearly every page)
        return []
    before, after = _elements(html), _elements(cleaned)
    removed, j = [], 0
    for tag, attrs in before:  # nh3 keeps order: walk both lists together
        if j < len(after) and after[j] == (tag, attrs):
            j += 1
        elif j < len(after) and after[j][0] == tag:
            removed.append(f"<{tag} " + " ".join(f"{k}={v!r}" for k, v in attrs if (k, v) not in after[j][1]) + ">")
            j += 1
        else:
            removed.append(f"<{tag}>")
    return removed

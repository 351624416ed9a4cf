"""LIX, the Scandinavian readability index, of a page's main content as a reader meets it (issue 15).

LIX = words per sentence + 100 × the share of long words (more than six letters). A sentence ends at . : ! ? and
at the end of every block of the page (a heading, a paragraph, a list item, a label, a button, a table cell).
What a reader does not meet is left out: scripts, pictures, what is hidden, and what only a screen reader hears.
Dates and times are read like numbers ("onsdag 9. december 2026 kl. 13:00" is a date, not five words of prose),
and the words people wrote themselves (``own-words`` or ``data-written``: a goal, a referat, what happens next in
a case) are theirs, not the app's: both are left out of the measure.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCKS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "td", "th", "label", "legend", "button",
    "summary", "caption", "figcaption", "option", "div", "section", "article", "tr", "br", "a", "blockquote",
}  # fmt: skip
SKIP = {"script", "style", "svg", "template", "noscript", "textarea"}
VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "col", "area", "base", "embed", "param", "track"}
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
MONTHS = "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
DAYS = "mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag"
DATE = re.compile(
    rf"(?:(?:{DAYS})(?: d\.)? )?\d{{1,2}}\. (?:{MONTHS}|jan|feb|mar|apr|jun|jul|aug|sep|okt|nov|dec)\.?(?: \d{{4}})?"
    rf"|\bkl\. \d{{1,2}}[.:]\d{{2}}|\b(?:{MONTHS}) \d{{4}}|\b(?:{DAYS})\b"
    r"|\b\d{1,2}\.\d{1,2}\.\d{2,4}(?: \d{1,2}[.:]\d{2})?:?",
    re.IGNORECASE,
)


class _Main(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth_main = 0
        self.skipping: list[str] = []
        self.stack: list[str] = []
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            if tag == "br":
                self.chunks.append("\n")
            return
        a = dict(attrs)
        hidden = (
            tag in SKIP
            or "hidden" in a
            or a.get("aria-hidden") == "true"
            or "visually-hidden" in (a.get("class") or "").split()
            or "data-read-aloud" in a
            or "data-read-this" in a
            or "own-words" in (a.get("class") or "").split()
            or "data-written" in a
        )
        self.stack.append(tag)
        if self.skipping or hidden:
            self.skipping.append(tag)
        if tag == "main":
            self.depth_main += 1
        if tag in BLOCKS:
            self.chunks.append("\n")

    def handle_endtag(self, tag):
        if tag in VOID or tag not in self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            if self.skipping:
                self.skipping.pop()
            if top == "main":
                self.depth_main -= 1
            if top in BLOCKS:
                self.chunks.append("\n")
            if top == tag:
                break

    def handle_data(self, data):
        if self.depth_main and not self.skipping:
            self.chunks.append(data)


def main_text(html: str) -> str:
    """The text of the page's <main> a reader meets, one block a line."""
    parser = _Main()
    parser.feed(html)
    lines = (DATE.sub(" ", re.sub(r"\s+", " ", line)).strip() for line in "".join(parser.chunks).split("\n"))
    return "\n".join(line for line in lines if line)


def lix(text: str) -> tuple[float, int]:
    """(LIX, words) of a text whose blocks are lines."""
    words = WORD.findall(text)
    if not words:
        return 0.0, 0
    sentences = 0
    for line in text.split("\n"):
        if not WORD.search(line):
            continue
        inside = len(re.findall(r"[.:!?](?=\s|$)", line.rstrip(".:!? ")))
        sentences += inside + 1
    long = sum(1 for w in words if len(w) > 6)
    return len(words) / sentences + 100 * long / len(words), len(words)

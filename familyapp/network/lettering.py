"""The lettering of the network map: how wide a name is drawn, and how it is shortened when there is no room.
Kept apart from the layout (svg.py) so that the measurements can be tuned without reading the geometry."""

from __future__ import annotations

#: How wide characters are, in ems, in the widest common system sans-serif at the names' weight (DejaVu Sans Bold,
#: which Debian and many Linux phones show; Roboto and San Francisco are narrower). Estimating on the wide side
#: keeps labels apart whatever font the phone has; a character not listed counts as wide.
_EMS = {
    0.35: "ijl' ",
    0.4: "IJ.,’-/:",
    0.5: "frt()",
    0.6: "zcs",
    0.65: "Lxvyk",
    0.7: "aåäàáeéèëêoøöóTEÉF0123456789",
    0.75: "nuüúbdghpqSYZPC",
    0.8: "AÅÄÁVKBRX",
    0.85: "DUÜGHNOØÖÓQ&",
    0.95: "w",
    1.0: "M…",
    1.05: "mæ",
    1.1: "ÆW",
}
WIDTHS = {ch: em for em, chars in _EMS.items() for ch in chars}
WIDE = 0.8
#: A role is written in the regular weight, a little narrower than the bold name.
REGULAR = 0.92
#: Half the height a line of text takes around its centre (dominant-baseline: central), relative to its size.
HALF_LINE = 0.68


def text_width(text: str, size: float, *, bold: bool = True) -> float:
    """How wide a text is drawn at this size, estimated on the wide side (see WIDTHS)."""
    return sum(WIDTHS.get(ch, WIDE) for ch in text) * size * (1 if bold else REGULAR)


def shorten(text: str, chars: int) -> str:
    """A text cut to ``chars`` characters, the last of them "…"."""
    return text if len(text) <= chars else text[: max(chars - 1, 1)].rstrip() + "…"


def initials(name: str) -> str:
    """The first letters of the first two words of a name: the last resort when not even "Ben…" fits."""
    return "".join(word[0] for word in name.split()[:2]).upper() or "?"

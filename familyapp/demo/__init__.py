"""The demo: two families and their consultants, created once; fresh activation links on every run.

One module per part: the users and families (``families``, which also loads the demo), and Familien Nielsen's
plan, network map, meetings, scales and consent; ``common`` holds the dates and names they share."""

from __future__ import annotations

from .consent import demo_partner_link
from .families import load_demo

__all__ = ["demo_partner_link", "load_demo"]

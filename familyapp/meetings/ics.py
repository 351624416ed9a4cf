"""iCalendar (RFC 5545) output: a meeting, or a user's subscription feed. Times are written in UTC, so every
calendar shows them in its own local time, across daylight-saving changes."""

from __future__ import annotations

from datetime import datetime


def _escape(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # a lone CR must not start a new line either
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    out, current = [], ""
    for ch in line:
        if len((current + ch).encode()) > 74:
            out.append(current)
            current = " "
        current += ch
    out.append(current)
    return "\r\n".join(out)


def _utc(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%SZ")


def event(meeting, *, title: str, stamp: datetime, details: dict | None = None) -> list[str]:
    """The VEVENT lines for one meeting; ``details`` (place, description, url) only where the user chose them."""
    lines = [
        "BEGIN:VEVENT",
        f"UID:{meeting.id}@familieoverblik",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(meeting.starts_at)}",
        f"DTEND:{_utc(meeting.ends_at)}",
        f"SUMMARY:{_escape(title)}",
        f"SEQUENCE:{meeting.version}",
        f"STATUS:{'CANCELLED' if meeting.cancelled else 'CONFIRMED'}",
    ]
    for key, name in (("place", "LOCATION"), ("description", "DESCRIPTION"), ("url", "URL")):
        if details and details.get(key):
            lines.append(f"{name}:{details[key] if key == 'url' else _escape(details[key])}")
    lines.append("END:VEVENT")
    return lines


def calendar(events: list[list[str]], name: str) -> str:
    """A whole VCALENDAR document."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Familieoverblik//DA",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for ev in events:
        lines.extend(ev)
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"

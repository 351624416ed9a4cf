"""Reading a form on a page the way a browser would send it, so a test can change one field and post the rest as
the page offered it (a select without a chosen option sends its first option, as a browser does)."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, action: str | None):
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.found = False
        self.fields: list[tuple[str, str]] = []
        self.select: dict | None = None
        self.option: dict | None = None
        self.textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form" and not self.found:
            if self.action is None or a.get("action", "") == self.action:
                self.inside = self.found = True
            return
        if not self.inside:
            return
        if tag == "input" and a.get("name") and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset", "file"):
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self.select = {"name": a["name"], "first": None, "chosen": None}
        elif tag == "option" and self.select is not None:
            self.option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
        elif tag == "textarea" and a.get("name"):
            self.textarea = {"name": a["name"], "text": ""}

    def handle_data(self, data):
        if self.option is not None:
            self.option["text"] += data
        if self.textarea is not None:
            self.textarea["text"] += data

    def _close_option(self):
        if self.option is None or self.select is None:
            return
        value = self.option["value"] if self.option["value"] is not None else self.option["text"].strip()
        if self.select["first"] is None:
            self.select["first"] = value
        if self.option["selected"]:
            self.select["chosen"] = value
        self.option = None

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "option":
            self._close_option()
        elif tag == "select" and self.select is not None:
            self._close_option()
            chosen = self.select["chosen"] if self.select["chosen"] is not None else self.select["first"]
            if chosen is not None:
                self.fields.append((self.select["name"], chosen))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            self.fields.append((self.textarea["name"], self.textarea["text"].removeprefix("\n")))
            self.textarea = None
        elif tag == "form":
            self.inside = False


def form_as_sent(page: str, action: str | None = None) -> dict[str, str | list[str]]:
    """The fields a browser would post from the form (the first on the page, or the one with this ``action``):
    a select sends its chosen option or else its first, checkboxes only when ticked. A name sent twice is a list.

    :param page: the page's HTML.
    :param action: the form's action attribute as written in the page; None: the first form.
    :return: a dict for the test client's ``data=``.
    """
    parser = _FormParser(action)
    parser.feed(page)
    assert parser.found, f"no form with action {action!r} on the page"
    data: dict[str, str | list[str]] = {}
    for name, value in parser.fields:
        if name in data:
            before = data[name]
            data[name] = [*before, value] if isinstance(before, list) else [before, value]
        else:
            data[name] = value
    return data

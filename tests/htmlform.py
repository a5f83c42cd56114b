"""A small HTML reader for tests: links, forms as a browser would submit them, and the visible text."""

from __future__ import annotations

from html.parser import HTMLParser


class Page(HTMLParser):
    """Links, GET forms and the visible text split into office notes (class basis) and the rest."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self.text: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, hidden-or-basis)
        self._form: dict | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None
        self._textarea_at = -1

    def _skip(self) -> bool:
        return any(flag for _, flag in self._stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        skip = tag in {"script", "style", "template"} or "basis" in classes or a.get("translate") == "no"  # user names, codes
        if tag not in self.VOID:
            self._stack.append((tag, skip))
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if not self._skip() and not skip:
            for attr in ("placeholder", "title", "aria-label"):
                if a.get(attr):
                    self.text.append(a[attr])
            if tag == "input" and a.get("type") in {"submit", "button"} and a.get("value"):
                self.text.append(a["value"])
        if tag == "form":
            method = (a.get("method") or "get").lower()
            self._form = {"action": a.get("action") or "", "method": method, "fields": []}
        elif self._form is not None:
            name = a.get("name")
            if tag == "input" and name and a.get("type") not in {"submit", "button", "file", "reset", "image"}:
                if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                    return
                self._form["fields"].append((name, a.get("value") or ""))
            elif tag == "select" and name:
                self._select, self._select_first, self._select_value = name, None, None
            elif tag == "option" and self._select is not None:
                value = a.get("value", "")
                if self._select_first is None:
                    self._select_first = value
                if "selected" in a:
                    self._select_value = value
            elif tag == "textarea" and name:
                self._textarea = name
                self._form["fields"].append((name, ""))
                self._textarea_at = len(self._form["fields"]) - 1

    def handle_endtag(self, tag):
        if tag == "select" and self._form is not None and self._select is not None:
            value = self._select_value if self._select_value is not None else (self._select_first or "")
            self._form["fields"].append((self._select, value))
            self._select = None
        if tag == "textarea":
            self._textarea = None
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data):
        if self._textarea is not None and self._form is not None:
            name, text = self._form["fields"][self._textarea_at]
            self._form["fields"][self._textarea_at] = (name, text + data)
        if not self._skip() and data.strip():
            self.text.append(data)


def form_fields(html: str, index: int = -1, method: str = "post") -> dict[str, str | list[str]]:
    """The fields a browser would submit from the ``index``-th form with ``method`` (repeated names: lists)."""
    page = Page()
    page.feed(html)
    forms = [f for f in page.forms if f["method"] == method]
    out: dict[str, str | list[str]] = {}
    for name, value in forms[index]["fields"]:
        if name in out:
            prev = out[name]
            out[name] = [*prev, value] if isinstance(prev, list) else [prev, value]
        else:
            out[name] = value
    return out

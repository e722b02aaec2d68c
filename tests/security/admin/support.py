"""Helpers of the admin boundary tests: a fixed day, institute admins, and posting an
admin form as a browser would (every field the page renders, with its value)."""

import datetime
from html.parser import HTMLParser

from accounts.models import Role
from tests.factories import UserFactory, enable_totp

# A fixed day, before the exchange world's opportunities close.
TODAY = datetime.datetime(2026, 8, 3, 9, 0, tzinfo=datetime.UTC)


def institute_admin(institute, **fields):
    """An institute admin with MFA on, as the portal makes them."""
    admin = UserFactory(institute=institute, roles=[Role.INSTITUTE_ADMIN], **fields)
    enable_totp(admin)
    return admin


class _FormFields(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._add(name, attrs.get("value", "on"))
                return
            self._add(name, attrs.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_fields(response, form_id: str) -> dict[str, list[str]]:
    """The fields of the form ``form_id`` (``user_form``, ``opportunity_form``...)."""
    parser = _FormFields(form_id)
    parser.feed(response.content.decode())
    data = {name: values for name, values in parser.data.items() if name != "csrfmiddlewaretoken"}
    # A textarea's first newline belongs to the markup, not the value.
    return {
        name: [value[1:] if value.startswith("\n") else value for value in values]
        for name, values in data.items()
    }

"""The request-support form's fields, drawn by Django's field groups (lmcportal.forms) rather than crispy.

What a person relies on: every field has its label or legend, a field with a
problem is marked invalid and its message is tied to it for a screen reader,
the help text is read with the field, and nothing typed is lost. The axe
scans in tests/e2e check the same page in the browser.
"""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from enquiries.models import Enquiry
from tests.enquiries.test_member_views import form_data

pytestmark = pytest.mark.django_db


class _Elements(HTMLParser):
    """Every start tag's attributes, by id; and the text of each element with an id."""

    def __init__(self):
        super().__init__()
        self.by_id: dict[str, dict[str, str]] = {}
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: dict[str, str] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if "id" in attributes:
            self.by_id[attributes["id"]] = {"tag": tag, **attributes}
            self._open.append(attributes["id"])
            self.text[attributes["id"]] = ""

    def handle_data(self, data):
        for element_id in self._open:
            self.text[element_id] += data

    def handle_endtag(self, tag):
        if self._open and self.by_id[self._open[-1]]["tag"] == tag:
            self._open.pop()


def elements(response) -> _Elements:
    parser = _Elements()
    parser.feed(response.content.decode())
    return parser


def label_for(page: _Elements, element_id: str) -> bool:
    return any(tag == "label" and attrs.get("for") == element_id for tag, attrs in page.tags)


def test_each_question_has_its_label_or_legend_and_its_help_text_is_tied_to_it(member_client):
    page = elements(member_client.get(reverse("enquiries:submit")))

    summary = page.by_id["id_summary"]
    assert "form-control" in summary["class"].split()
    assert "required" in summary
    assert label_for(page, "id_summary")
    assert summary["aria-describedby"] == "id_summary_helptext"
    assert "Up to 200 characters" in page.text["id_summary_helptext"]
    assert "form-check-input" in page.by_id["id_urgent"]["class"].split()
    assert label_for(page, "id_urgent")
    # A question answered by choosing is a fieldset with a legend; each choice has its label.
    assert any(tag == "legend" for tag, _ in page.tags)
    for index in range(3):
        assert label_for(page, f"id_topic_{index}")
        assert page.by_id[f"id_topic_{index}"]["type"] == "radio"
    assert "checked" in page.by_id["id_scope_0"]


def test_a_field_with_a_problem_is_marked_invalid_its_message_is_read_with_it_and_nothing_typed_is_lost(
    member_client,
):
    typed = form_data(summary="", topic="")
    response = member_client.post(reverse("enquiries:submit"), typed)
    page = elements(response)

    assert response.status_code == 200
    assert not Enquiry.objects.exists()
    summary = page.by_id["id_summary"]
    assert "is-invalid" in summary["class"].split()
    assert summary["aria-invalid"] == "true"
    assert summary["aria-describedby"].split() == ["id_summary_helptext", "id_summary_error"]
    assert "Enter a short summary" in page.text["id_summary_error"]
    # The radios: each marked, the fieldset described by the message.
    topic_fieldset = next(
        attrs for tag, attrs in page.tags if tag == "fieldset" and "id_topic_error" in attrs.get("aria-describedby", "")
    )
    assert topic_fieldset
    assert all("is-invalid" in page.by_id[f"id_topic_{i}"]["class"].split() for i in range(3))
    assert "Choose what your enquiry is about" in page.text["id_topic_error"]
    # Fields without a problem are not marked, and keep what was typed.
    assert "is-invalid" not in page.by_id["id_details"]["class"].split()
    assert typed["details"] in page.text["id_details"]
    assert page.by_id["id_contact_phone"]["value"] == typed["contact_phone"]
    assert re.search(r'id="error_1_id_summary"', response.content.decode())

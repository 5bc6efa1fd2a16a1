"""The small pieces the bench scripts stand on: reading forms, percentiles, email files."""

from bench.harness import hidden_fields, percentile
from bench.mailfiles import sends_per_reference, sent_messages

FORM_PAGE = """
<form method="post" action="/accounts/logout/"><input type="hidden" name="csrfmiddlewaretoken" value="abc"></form>
<form method="post" novalidate>
  <input type="hidden" name="csrfmiddlewaretoken" value="abc">
  <input type="hidden" name="submission_token" value="2f1c">
  <input type="text" name="summary" value="">
</form>
"""


def test_hidden_fields_come_from_the_form_being_filled_in_not_the_logout_button():
    assert hidden_fields(FORM_PAGE) == {"csrfmiddlewaretoken": "abc", "submission_token": "2f1c"}


def test_percentiles_use_the_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile([], 95) == 0.0


def test_email_files_count_each_sent_message_once_per_reference(tmp_path, settings):
    from django.core.mail import EmailMessage, get_connection

    connection = get_connection("django.core.mail.backends.filebased.EmailBackend", file_path=str(tmp_path))
    EmailMessage("We have your enquiry LMS-2026-00001", "Thanks", to=["a@bench.example.org"], connection=connection).send()
    EmailMessage("Reminder", "LMS-2026-00001 is overdue", to=["triage@lmc.example.org"], connection=connection).send()
    EmailMessage("We have your enquiry LMS-2026-00002", "x", to=["b@bench.example.org"], connection=connection).send()

    messages = sent_messages(tmp_path)

    assert sends_per_reference(messages) == {"LMS-2026-00001": 2, "LMS-2026-00002": 1}
    assert sends_per_reference(messages, to_domain="bench.example.org") == {"LMS-2026-00001": 1, "LMS-2026-00002": 1}

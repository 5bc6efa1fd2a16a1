"""A submission's statements: the database enforces its constraints, the service does not ask first."""

import uuid

import pytest
from django.db import IntegrityError, transaction

from enquiries.models import Enquiry, Sharing, SupportService
from enquiries.services.submission import _constraint_message
from tests.enquiries.factories import EnquiryFactory
from tests.enquiries.test_pastoral import pastoral_submit
from tests.enquiries.test_submission import submit
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

# The service call (sharing "only me", practice scope): look up the service, check
# the membership, then in the transaction's savepoint: the sender's advisory lock,
# delete the draft, take the year's next number (one UPDATE ... RETURNING), insert
# the enquiry and its history, and both outbox emails in one INSERT (rendered
# before the transaction). 10 statements today; with a form's token and the
# duplicate check, 12. The ceiling is 15.
SUBMISSION_STATEMENTS = 15


def test_a_submission_takes_a_pinned_number_of_statements(django_assert_max_num_queries):
    membership = MembershipFactory()
    submit(membership.user, membership.practice)  # the year's counter exists from now on
    with django_assert_max_num_queries(SUBMISSION_STATEMENTS):
        submit(membership.user, membership.practice, summary="Another question entirely")


def test_a_submission_from_the_form_checks_its_token_and_for_a_duplicate_within_the_same_ceiling(
    django_assert_max_num_queries,
):
    membership = MembershipFactory()
    submit(membership.user, membership.practice)
    service = SupportService.objects.get(slug="leadership")  # the view passes the one it has
    with django_assert_max_num_queries(SUBMISSION_STATEMENTS):
        enquiry = submit(
            membership.user,
            membership.practice,
            summary="Another question entirely",
            details="Something else happened.",
            submission_token=uuid.uuid4(),
            allow_duplicate=False,
            service=service,
        )
    assert enquiry.reference.startswith("LMS-")


def test_sharing_with_named_colleagues_stays_within_the_same_ceiling(django_assert_max_num_queries):
    membership = MembershipFactory()
    colleagues = [MembershipFactory(practice=membership.practice).user for _ in range(3)]
    submit(membership.user, membership.practice)
    with django_assert_max_num_queries(SUBMISSION_STATEMENTS):
        enquiry = submit(
            membership.user, membership.practice, summary="Shared with three", sharing=Sharing.NAMED,
            shared_with=colleagues,
        )  # fmt: skip
    assert set(enquiry.shared_with.all()) == set(colleagues)


def test_a_pastoral_request_stays_within_the_same_ceiling(django_assert_max_num_queries):
    membership = MembershipFactory()
    pastoral_submit(membership.user, membership.practice)
    with django_assert_max_num_queries(SUBMISSION_STATEMENTS):
        enquiry = pastoral_submit(membership.user, membership.practice, summary="A second worry")
    assert enquiry.service.for_person


@pytest.mark.postgres
def test_a_broken_check_constraint_reads_as_its_own_message():
    enquiry = EnquiryFactory()
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Enquiry.objects.filter(pk=enquiry.pk).update(urgent=True, urgent_reason="")
    expected = next(c for c in Enquiry._meta.constraints if c.name == "enq_urgent_has_reason")
    assert _constraint_message(caught.value) == expected.get_violation_error_message()



def test_a_submissions_two_emails_go_to_the_broker_as_one_delivery(
    member, practice, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    from mail import tasks
    from mail.models import OutboundEmail

    published: list[list[int]] = []
    monkeypatch.setattr(tasks.deliver_emails, "delay", lambda ids: published.append(ids))
    monkeypatch.setattr(tasks.deliver_email, "delay", lambda pk: published.append([pk]))

    with django_capture_on_commit_callbacks(execute=True):
        enquiry = submit(member, practice)

    queued = sorted(OutboundEmail.objects.filter(dedupe_key__endswith=f":{enquiry.pk}").values_list("pk", flat=True))
    assert len(queued) == 2  # the acknowledgement and the triage notice
    assert [sorted(ids) for ids in published] == [queued]
    # and the one delivery sends both over one conversation
    assert tasks.deliver_emails.run(queued) == 2
    assert sorted(m.subject for m in mailoutbox) == sorted(OutboundEmail.objects.filter(pk__in=queued).values_list("subject", flat=True))

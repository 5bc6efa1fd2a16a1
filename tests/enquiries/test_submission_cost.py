"""A submission's statements: the database enforces its constraints, the service does not ask first."""

import pytest
from django.db import IntegrityError, transaction

from enquiries.models import Enquiry
from enquiries.services.submission import _constraint_message
from tests.enquiries.factories import EnquiryFactory
from tests.enquiries.test_submission import submit
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

# The service call (sharing "only me", practice scope): look up the service, check
# the membership, lock and bump the counter, insert the enquiry and its history,
# delete the draft, two outbox emails (each an insert in a savepoint: a repeated
# key meets the unique constraint, so no look-up first) and the transaction's
# savepoint. The ceiling is 15.
SUBMISSION_STATEMENTS = 15


def test_a_submission_takes_a_pinned_number_of_statements(django_assert_max_num_queries):
    membership = MembershipFactory()
    submit(membership.user, membership.practice)  # the year's counter exists from now on
    with django_assert_max_num_queries(SUBMISSION_STATEMENTS):
        submit(membership.user, membership.practice, summary="Another question entirely")


@pytest.mark.postgres
def test_a_broken_check_constraint_reads_as_its_own_message():
    enquiry = EnquiryFactory()
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Enquiry.objects.filter(pk=enquiry.pk).update(urgent=True, urgent_reason="")
    expected = next(c for c in Enquiry._meta.constraints if c.name == "enq_urgent_has_reason")
    assert _constraint_message(caught.value) == expected.get_violation_error_message()


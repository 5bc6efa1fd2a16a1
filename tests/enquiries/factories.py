from datetime import timedelta

import factory
from django.utils import timezone

from enquiries.models import Enquiry, Scope, Status, SupportService, Topic
from tests.factories import MembershipFactory, PracticeFactory


class EnquiryFactory(factory.django.DjangoModelFactory):
    """An open, unassigned standard enquiry submitted just now, due in five days.

    Pass submitted_at / first_contact_due_at explicitly for SLA tests.
    """

    class Meta:
        model = Enquiry

    reference = factory.Sequence(lambda n: f"LMS-2026-{n + 1:05d}")
    service = factory.LazyFunction(lambda: SupportService.objects.get(slug="leadership"))
    practice = factory.SubFactory(PracticeFactory)
    scope = Scope.PRACTICE
    topic = Topic.PARTNERSHIP
    urgent = False
    urgent_reason = ""
    summary = factory.Faker("sentence", nb_words=6)
    details = factory.Faker("paragraph")
    submitted_by = factory.LazyAttribute(lambda o: MembershipFactory(practice=o.practice).user)
    submitted_at = factory.LazyFunction(timezone.now)
    sla_started_at = factory.SelfAttribute("submitted_at")
    first_contact_due_at = factory.LazyAttribute(lambda o: o.submitted_at + timedelta(days=5))
    status = Status.SUBMITTED

    class Params:
        urgent_case = factory.Trait(
            urgent=True,
            urgent_reason="A partner has resigned with immediate effect.",
            first_contact_due_at=factory.LazyAttribute(lambda o: o.submitted_at + timedelta(hours=48)),
        )


class PastoralEnquiryFactory(EnquiryFactory):
    """A request for Pastoral and professional support: only its sender sees it."""

    reference = factory.Sequence(lambda n: f"PPS-2026-{n + 1:05d}")
    service = factory.LazyFunction(lambda: SupportService.objects.get(slug="pastoral"))
    topic = "gmc"
    about = "self"
    session_allowance = 6
    first_contact_due_at = factory.LazyAttribute(lambda o: o.submitted_at + timedelta(days=2))

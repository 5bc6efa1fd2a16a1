"""bench.seed: realistic bulk data that the benchmarks can rebuild at will."""

import pytest
from django.db.models import Count

from bench import seed
from enquiries.models import Enquiry, ServiceReferenceCounter, SupportService
from tests.enquiries.factories import EnquiryFactory


@pytest.mark.django_db
def test_seeding_twice_leaves_one_copy_with_unique_references():
    seed.seed(enquiries=400, practices=40)
    seed.seed(enquiries=400, practices=40)

    ours = Enquiry.objects.filter(practice__ods_code__startswith=seed.ODS_PREFIX)
    assert ours.count() == 400
    assert ours.values("reference").distinct().count() == 400


@pytest.mark.django_db
def test_seed_keeps_other_enquiries_and_numbers_after_them():
    existing = EnquiryFactory(reference="LMS-2026-00007")
    leadership = SupportService.objects.get(slug="leadership")
    ServiceReferenceCounter.objects.create(service=leadership, year=2026, last_number=7)

    seed.seed(enquiries=300, practices=30)

    assert Enquiry.objects.filter(pk=existing.pk).exists()
    assert not Enquiry.objects.filter(reference="LMS-2026-00007").exclude(pk=existing.pk).exists()
    highest = Enquiry.objects.filter(reference__startswith="LMS-2026-").order_by("-reference").first()
    assert ServiceReferenceCounter.objects.get(service=leadership, year=2026).last_number == int(highest.reference[-5:])


@pytest.mark.django_db
def test_seeded_enquiries_mix_open_closed_urgent_and_overdue_work():
    seed.seed(enquiries=1000, practices=50)

    statuses = dict(Enquiry.objects.values_list("status").annotate(n=Count("pk")))
    assert {"submitted", "triaged", "first_contact", "closed"} <= set(statuses)
    assert Enquiry.objects.filter(urgent=True).exists()
    assert Enquiry.objects.filter(first_contact_at__isnull=False).exists()
    assert Enquiry.objects.filter(status="submitted", first_contact_due_at__lt=Enquiry.objects.order_by(
        "-submitted_at").values("submitted_at")[:1]).exists(), "some open enquiries are already overdue"


@pytest.mark.django_db
def test_every_bench_member_can_log_in_with_the_bench_password(client):
    seed.seed(enquiries=0, practices=3)

    response = client.post("/accounts/login/", {"login": seed.member_email(2), "password": seed.PASSWORD})

    assert response.status_code == 302
    assert "/accounts/" not in response["Location"]


@pytest.mark.django_db
def test_seed_leaves_the_chosen_number_of_reminders_due_with_pastoral_and_restricted_work_among_the_rest():
    from django.utils import timezone

    from enquiries.selectors.reminders import enquiries_breached_unreminded, enquiries_due_soon_unreminded

    seed.seed(enquiries=3000, practices=60, due_reminders=20)

    now = timezone.now()
    due = enquiries_breached_unreminded(now=now).count() + enquiries_due_soon_unreminded(now=now).count()
    assert due == 20
    assert enquiries_due_soon_unreminded(now=now).exists(), "some are due soon, not all breached"
    assert Enquiry.objects.filter(service__slug="pastoral", reference__startswith="PPS-").exists()
    restricted = Enquiry.objects.filter(is_restricted=True)
    assert restricted.exists()
    assert set(restricted.values_list("pk", flat=True)) == set(
        Enquiry.objects.filter(restricted_to__isnull=False).values_list("pk", flat=True)
    )

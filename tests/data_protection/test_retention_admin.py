import pytest
from django.conf import settings

from enquiries.models import RetentionPolicy, Topic
from privacy.models import PersonalDataExport

pytestmark = pytest.mark.django_db

ADMIN = "/" + settings.LMC_ADMIN_PATH


def test_triage_lead_sets_a_retention_period_for_a_topic(client, triage_lead):
    client.force_login(triage_lead)

    response = client.post(ADMIN + "enquiries/retentionpolicy/add/", {"topic": Topic.CONTRACT, "years_after_closing": 10})

    assert response.status_code == 302
    assert RetentionPolicy.objects.get(topic=Topic.CONTRACT).years_after_closing == 10


def test_retention_period_of_zero_years_is_refused_with_a_message(client, triage_lead):
    client.force_login(triage_lead)

    response = client.post(ADMIN + "enquiries/retentionpolicy/add/", {"topic": Topic.CONTRACT, "years_after_closing": 0})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["years_after_closing"] == [
        "Keep enquiries for at least 1 year after closing."
    ]
    assert not RetentionPolicy.objects.exists()


def test_retention_list_says_what_topics_without_a_row_keep(client, triage_lead):
    client.force_login(triage_lead)

    page = client.get(ADMIN + "enquiries/retentionpolicy/").content.decode()

    assert f"topics not listed keep {settings.LMC_RETENTION_YEARS_DEFAULT} years" in page


def test_officer_cannot_change_retention_periods(client, officer):
    client.force_login(officer)

    response = client.post(ADMIN + "enquiries/retentionpolicy/add/", {"topic": Topic.CONTRACT, "years_after_closing": 1})

    assert response.status_code == 403
    assert not RetentionPolicy.objects.exists()


def test_personal_data_exports_are_listed_read_only(client, triage_lead, member):
    export = PersonalDataExport.objects.create(subject=member, produced_by=member)
    client.force_login(triage_lead)

    listing = client.get(ADMIN + "privacy/personaldataexport/")
    delete = client.post(f"{ADMIN}privacy/personaldataexport/{export.pk}/delete/", {"post": "yes"})

    assert listing.status_code == 200
    assert member.email in listing.content.decode()
    assert delete.status_code == 403
    assert PersonalDataExport.objects.filter(pk=export.pk).exists()

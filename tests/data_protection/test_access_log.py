import pytest
from django.conf import settings
from django.urls import reverse

from enquiries.admin.data_protection import access_log_url
from enquiries.models import AccessAction, EnquiryAccess
from enquiries.services.data_protection import enquiry_access_record
from tests.enquiries.factories import EnquiryFactory
from tests.factories import PracticeFactory

pytestmark = pytest.mark.django_db

TEST_ADMIN = "/" + settings.LMC_ADMIN_PATH + "enquiries/enquiry/"
EXPORT = TEST_ADMIN + "export/"
LOG_URL = "/" + settings.LMC_ADMIN_PATH + "enquiries/enquiryaccess/"


def test_opening_an_enquiry_records_who_when_and_from_where(client, officer):
    enquiry = EnquiryFactory()
    client.force_login(officer)

    response = client.get(f"{TEST_ADMIN}{enquiry.pk}/change/")

    assert response.status_code == 200
    row = EnquiryAccess.objects.get()
    assert (row.enquiry, row.user, row.action, row.ip_address) == (enquiry, officer, AccessAction.VIEWED, "127.0.0.1")


def test_each_opening_is_a_separate_entry(client, officer, other_officer):
    enquiry = EnquiryFactory()
    for user in (officer, other_officer, officer):
        client.force_login(user)
        client.get(f"{TEST_ADMIN}{enquiry.pk}/change/")

    assert list(EnquiryAccess.objects.order_by("id").values_list("user", flat=True)) == [
        officer.pk,
        other_officer.pk,
        officer.pk,
    ]


def test_opening_the_history_of_an_enquiry_is_logged(client, officer):
    enquiry = EnquiryFactory()
    client.force_login(officer)

    assert client.get(f"{TEST_ADMIN}{enquiry.pk}/history/").status_code == 200

    row = EnquiryAccess.objects.get()
    assert (row.enquiry, row.action, row.note) == (enquiry, AccessAction.VIEWED, "History")


def test_opening_an_enquiry_that_does_not_exist_logs_nothing(client, officer):
    client.force_login(officer)

    client.get(f"{TEST_ADMIN}999999/change/")

    assert not EnquiryAccess.objects.exists()


def test_csv_export_logs_every_exported_enquiry_for_the_exporter(client, officer):
    practice = PracticeFactory()
    exported = EnquiryFactory.create_batch(3, practice=practice)
    not_exported = EnquiryFactory()
    client.force_login(officer)

    response = client.get(EXPORT, {"q": practice.ods_code})  # the export follows the changelist's search

    assert response["Content-Type"].startswith("text/csv")
    rows = EnquiryAccess.objects.filter(action=AccessAction.EXPORTED, user=officer)
    assert set(rows.values_list("enquiry", flat=True)) == {e.pk for e in exported}
    assert not EnquiryAccess.objects.filter(enquiry=not_exported).exists()


def test_logging_a_large_export_is_one_insert(officer, django_assert_num_queries):
    EnquiryFactory.create_batch(30)
    from enquiries.models import Enquiry

    queryset = Enquiry.objects.all()
    with django_assert_num_queries(2):  # read the ids, insert the rows
        written = enquiry_access_record(user=officer, enquiries=queryset, action=AccessAction.EXPORTED)

    assert written == 30 == EnquiryAccess.objects.count()


# --- The log in the admin ------------------------------------------------------


def _log_some_access(user):
    enquiry = EnquiryFactory()
    enquiry_access_record(user=user, enquiries=[enquiry], action=AccessAction.VIEWED)
    return enquiry, EnquiryAccess.objects.get(enquiry=enquiry)


def test_triage_lead_sees_the_access_log(client, triage_lead, officer):
    enquiry, _ = _log_some_access(officer)
    client.force_login(triage_lead)

    response = client.get(LOG_URL)

    assert response.status_code == 200
    assert enquiry.reference in response.content.decode()


def test_officer_without_the_permission_cannot_see_the_access_log(client, officer):
    _log_some_access(officer)
    client.force_login(officer)

    assert client.get(LOG_URL).status_code == 403


def test_access_log_lists_one_enquiry(client, triage_lead, officer):
    enquiry, _ = _log_some_access(officer)
    other, _ = _log_some_access(officer)
    client.force_login(triage_lead)

    response = client.get(access_log_url(enquiry))

    assert response.status_code == 200
    assert [row.enquiry for row in response.context["cl"].result_list] == [enquiry]


def test_access_log_lists_one_staff_member(client, triage_lead, officer, other_officer):
    _log_some_access(officer)
    _log_some_access(other_officer)
    client.force_login(triage_lead)

    response = client.get(LOG_URL, {"user__id__exact": other_officer.pk})

    assert [row.user for row in response.context["cl"].result_list] == [other_officer]


@pytest.mark.parametrize("who", ["triage_lead", "superuser"])
def test_access_log_cannot_be_added_to_changed_or_deleted_in_the_admin(client, officer, who, request):
    _, row = _log_some_access(officer)
    client.force_login(request.getfixturevalue(who))

    add = client.post(LOG_URL + "add/", {"action": "viewed"})
    change = client.post(f"{LOG_URL}{row.pk}/change/", {"action": "exported", "note": "edited"})
    delete = client.post(f"{LOG_URL}{row.pk}/delete/", {"post": "yes"})
    bulk_delete = client.post(LOG_URL, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})

    assert add.status_code == 403
    assert change.status_code == 403
    assert delete.status_code == 403
    assert bulk_delete.status_code in (200, 302)  # "no action selected": nothing to run
    row.refresh_from_db()
    assert (row.action, row.note) == (AccessAction.VIEWED, "")
    assert EnquiryAccess.objects.count() == 1


def test_superuser_reading_an_entry_sees_it_read_only(client, officer, superuser):
    _, row = _log_some_access(officer)
    client.force_login(superuser)

    response = client.get(f"{LOG_URL}{row.pk}/change/")

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert response.context["has_delete_permission"] is False
    assert 'name="_save"' not in response.content.decode()


def test_access_log_link_on_the_admin_index_only_for_those_allowed(client, triage_lead, officer):
    client.force_login(officer)
    assert reverse("admin:enquiries_enquiryaccess_changelist") not in client.get("/" + settings.LMC_ADMIN_PATH).content.decode()

    client.force_login(triage_lead)
    assert reverse("admin:enquiries_enquiryaccess_changelist") in client.get("/" + settings.LMC_ADMIN_PATH).content.decode()

import io
import json
import zipfile

import pytest
from django.conf import settings
from django.urls import reverse

from enquiries.models import AccessAction, EnquiryAccess, Status
from enquiries.services import enquiry_restrict, staff_note_add
from privacy.models import PersonalDataExport
from privacy.personal_data import personal_data_export
from tests.enquiries.factories import EnquiryFactory
from tests.factories import MembershipFactory

USERS_ADMIN = "/" + settings.LMC_ADMIN_PATH + "members/user/"


def unzip(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def sections(content: bytes) -> dict:
    return json.loads(unzip(content)["personal_data.json"])


@pytest.fixture
def own_enquiry(member, practice, officer):
    enquiry = EnquiryFactory(
        practice=practice,
        submitted_by=member,
        summary="Our senior partner plans to retire",
        details="We need help planning succession.",
        contact_phone="01772 000111",
        assigned_to=officer,
    )
    # The officer makes first contact: a new status in the timeline.
    enquiry.status = Status.TRIAGED
    enquiry.save()
    return enquiry


@pytest.fixture
def colleague_enquiry(practice):
    """An enquiry at the same practice by someone else: not the member's personal data."""
    colleague = MembershipFactory(practice=practice, user__first_name="Cora", user__last_name="Colleague").user
    return EnquiryFactory(practice=practice, submitted_by=colleague, summary="Colleague's own worry about rotas")


@pytest.mark.django_db
def test_export_holds_the_members_profile_memberships_and_own_enquiry(member, practice, own_enquiry):
    data = sections(personal_data_export(user=member))

    assert data["profile"][0]["email"] == member.email
    assert [(m["practice"], m["ods_code"]) for m in data["memberships"]] == [(practice.name, practice.ods_code)]
    [enquiry] = data["enquiries"]
    assert (enquiry["reference"], enquiry["summary"], enquiry["contact_phone"]) == (
        own_enquiry.reference,
        "Our senior partner plans to retire",
        "01772 000111",
    )
    assert [row["status"] for row in data["enquiry_status_history"]] == ["Received", "Assigned to an officer"]


@pytest.mark.django_db
def test_export_holds_nothing_of_a_colleagues_enquiry_at_the_same_practice(member, own_enquiry, colleague_enquiry):
    files = unzip(personal_data_export(user=member))
    everything = "".join(files.values())

    assert colleague_enquiry.reference not in everything
    assert "Colleague" not in everything
    assert "rotas" not in everything


@pytest.mark.django_db
def test_export_names_no_lmc_officer(member, own_enquiry, officer, triage_lead):
    enquiry_restrict(enquiry=own_enquiry, officers=[officer], by=triage_lead)

    everything = "".join(unzip(personal_data_export(user=member)).values())

    assert "your LMC officer" in everything
    for staff in (officer, triage_lead):
        assert staff.last_name not in everything
        assert staff.email not in everything


@pytest.mark.django_db
def test_export_leaves_out_staff_notes(member, own_enquiry, officer):
    staff_note_add(enquiry=own_enquiry, author=officer, text="Internal: partners seem to be at odds")

    everything = "".join(unzip(personal_data_export(user=member)).values())

    assert "partners seem to be at odds" not in everything


@pytest.mark.django_db
def test_export_has_a_csv_per_section_and_a_readme(member, own_enquiry):
    files = unzip(personal_data_export(user=member))

    assert {"README.txt", "personal_data.json", "profile.csv", "memberships.csv", "enquiries.csv"} <= set(files)
    assert files["enquiries.csv"].splitlines()[0].startswith("reference,practice")
    assert own_enquiry.reference in files["enquiries.csv"]


@pytest.mark.django_db
def test_other_apps_add_their_sections_through_the_registry(member, fake_app_with_personal_data):
    data = sections(personal_data_export(user=member))

    assert data["bookings"] == [{"session": f"Peer support for {member.email}"}]


# --- The member's "Your data" page ---------------------------------------------------


@pytest.mark.django_db
def test_your_data_page_explains_and_offers_the_download(member_client):
    response = member_client.get(reverse("privacy:personal_data_overview"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Download your data" in page
    assert reverse("privacy:personal_data_download") in page


@pytest.mark.django_db
def test_member_downloads_their_own_data_and_it_is_recorded(member_client, member, own_enquiry, colleague_enquiry):
    response = member_client.post(reverse("privacy:personal_data_download"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    data = sections(response.content)
    assert [e["reference"] for e in data["enquiries"]] == [own_enquiry.reference]
    export = PersonalDataExport.objects.get()
    assert (export.subject, export.produced_by, export.ip_address) == (member, member, "127.0.0.1")
    # The member reading their own enquiry is not a staff access.
    assert not EnquiryAccess.objects.exists()


@pytest.mark.django_db
def test_download_needs_a_post(member_client):
    assert member_client.get(reverse("privacy:personal_data_download")).status_code == 405
    assert not PersonalDataExport.objects.exists()


@pytest.mark.django_db
def test_your_data_needs_a_login(client):
    for name in ("privacy:personal_data_overview", "privacy:personal_data_download"):
        response = client.post(reverse(name))
        assert response.status_code == 302
        assert "/accounts/login/" in response.url
    assert not PersonalDataExport.objects.exists()


@pytest.mark.django_db
def test_other_practices_member_downloads_none_of_this_practices_data(client, other_member, own_enquiry):
    client.force_login(other_member)

    data = sections(client.post(reverse("privacy:personal_data_download")).content)

    assert data["enquiries"] == []
    assert own_enquiry.practice.name not in json.dumps(data)


# --- Staff produce it from the admin ------------------------------------------------------


@pytest.mark.django_db
def test_triage_lead_downloads_a_members_data_from_the_admin_and_it_is_logged(
    client, triage_lead, member, own_enquiry, colleague_enquiry
):
    client.force_login(triage_lead)

    response = client.post(USERS_ADMIN, {"action": "download_personal_data", "_selected_action": [member.pk]})

    assert response["Content-Type"] == "application/zip"
    assert [e["reference"] for e in sections(response.content)["enquiries"]] == [own_enquiry.reference]
    export = PersonalDataExport.objects.get()
    assert (export.subject, export.produced_by) == (member, triage_lead)
    access = EnquiryAccess.objects.get()
    assert (access.enquiry, access.user, access.action) == (own_enquiry, triage_lead, AccessAction.SUBJECT_ACCESS)


@pytest.mark.django_db
def test_officer_without_the_permission_is_not_offered_the_download(client, officer, member):
    client.force_login(officer)

    response = client.post(USERS_ADMIN, {"action": "download_personal_data", "_selected_action": [member.pk]})

    assert response.get("Content-Type") != "application/zip"
    assert not PersonalDataExport.objects.exists()


@pytest.mark.django_db
def test_staff_export_refuses_when_it_would_reveal_a_restricted_enquiry(client, triage_lead, officer, member, own_enquiry):
    from members.permissions import OFFICERS, TRIAGE_LEAD
    from tests.conftest import give_totp
    from tests.factories import StaffFactory

    enquiry_restrict(enquiry=own_enquiry, officers=[officer], by=triage_lead)
    second_lead = StaffFactory(groups=[OFFICERS, TRIAGE_LEAD])
    give_totp(second_lead)
    client.force_login(second_lead)

    response = client.post(
        USERS_ADMIN, {"action": "download_personal_data", "_selected_action": [member.pk]}, follow=True
    )

    assert "restricted enquiry" in response.content.decode()
    assert not PersonalDataExport.objects.exists()


@pytest.mark.django_db
def test_export_holds_the_members_bookings_and_development_plan_but_no_colleagues(member, practice):
    from datetime import date

    from programmes import services as programme_services
    from programmes.models import Goal, Training
    from tests.programmes.factories import BookingFactory, TrainingFactory

    BookingFactory(user=member, session__title="Preston peer support: November")
    colleague = MembershipFactory(practice=practice).user
    BookingFactory(user=colleague, session__title="Colleague's session")
    reviewer = TrainingFactory(kind=Training.Kind.PEER_REVIEWER, user__first_name="Rita", user__last_name="Reviewer").user
    review = programme_services.peer_review_pair(manager=member, reviewer=reviewer)
    Goal.objects.create(review=review, what="Lead the CQC inspection", why="Growth", target_date=date(2027, 6, 30))
    colleague_review = programme_services.peer_review_pair(manager=colleague, reviewer=reviewer)
    Goal.objects.create(review=colleague_review, what="Colleague's own goal", why="-", target_date=date(2027, 6, 30))

    data = sections(personal_data_export(user=member))

    assert [b["session"] for b in data["programme_bookings"]] == ["Preston peer support: November"]
    assert [p["reviewer"] for p in data["development_plans"]] == ["Rita Reviewer"]
    assert [g["goal"] for g in data["development_goals"]] == ["Lead the CQC inspection"]
    assert "Colleague" not in json.dumps(data)

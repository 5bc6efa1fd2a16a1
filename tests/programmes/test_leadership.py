"""The member's Leadership development page: their Training Hub, the template email,
cohorts for their role, enrolment, and finding allies (interests)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from members.models import Membership
from programmes.models import Enrolment, HubEmailTemplate, LeadershipInterest
from programmes.selectors import allies_for_member
from programmes.services import leadership_interest_save, leadership_interest_withdraw
from tests.factories import MembershipFactory, PracticeFactory
from tests.programmes.factories import (
    CohortFactory,
    HubOfferFactory,
    NhsAreaFactory,
    TrainingHubFactory,
    gp,
    manager,
)

pytestmark = pytest.mark.django_db
URL = reverse("programmes:leadership_index")


@pytest.fixture
def preston():
    return NhsAreaFactory(name="Greater Preston")


@pytest.fixture
def hub(preston):
    hub = TrainingHubFactory(name="Central Lancashire Training Hub", email="hub@traininghub.example.org", areas=[preston])
    HubOfferFactory(hub=hub, category="shadowing", title="Shadow a PCN clinical director")
    return hub


def test_member_sees_their_own_training_hub_and_what_it_offers(client, hub):
    other = TrainingHubFactory(name="Pennine Training Hub", areas=[NhsAreaFactory(name="East Lancashire")])
    client.force_login(gp(first_name="Ben", last_name="Okoro"))
    page = client.get(URL).content.decode()
    assert "Central Lancashire Training Hub" in page
    assert "Shadowing and mentoring" in page
    assert "Shadow a PCN clinical director" in page
    assert other.name not in page


def test_hub_of_the_icb_is_shown_to_practices_in_its_sub_icb_locations(client):
    icb = NhsAreaFactory(name="Lancashire and South Cumbria ICB", kind="icb")
    TrainingHubFactory(name="ICB-wide Training Hub", areas=[icb])
    sub_icb = NhsAreaFactory(name="Blackpool")
    sub_icb.icb = icb
    sub_icb.save()
    client.force_login(gp(area_name="Blackpool"))
    assert "ICB-wide Training Hub" in client.get(URL).content.decode()


def test_template_email_is_filled_in_for_the_member_with_a_mailto_link(client, hub):
    member = gp(first_name="Ben", last_name="Okoro", practice=PracticeFactory(name="Riverside", area=hub.areas.first()))
    client.force_login(member)
    response = client.get(URL)
    (hub_, email), = response.context["hubs"]
    assert "I am Ben Okoro, a GP trainee or early-career GP at Riverside." in email.body
    link = urlsplit(email.mailto)
    assert link.scheme == "mailto"
    assert link.path == "hub@traininghub.example.org"
    query = parse_qs(link.query)
    assert query["subject"] == [email.subject]
    assert query["body"] == [email.body]
    assert email.mailto in response.content.decode().replace("&amp;", "&")


def test_staff_edit_the_template_email_members_see(client, hub):
    HubEmailTemplate.objects.update(subject="Training for a {role}", body="Dear {hub}, from {name}.")
    client.force_login(gp(first_name="Ben", last_name="Okoro"))
    (_, email), = client.get(URL).context["hubs"]
    assert (email.subject, email.body) == (
        "Training for a GP trainee or early-career GP",
        "Dear Central Lancashire Training Hub, from Ben Okoro.",
    )


def test_member_with_no_area_recorded_is_told_what_to_do(client):
    client.force_login(MembershipFactory(role=Membership.Role.SALARIED_GP).user)
    assert "area (its Sub-ICB location) is not recorded yet" in client.get(URL).content.decode()


def test_open_cohorts_are_shown_only_to_the_roles_they_are_for_and_in_their_area(client, hub):
    cohort = CohortFactory(name="Next Generation GP: Preston spring")
    elsewhere = CohortFactory(
        name="Next Generation GP: Pennine", area__name="Burnley", area__nhs_area=NhsAreaFactory(name="East Lancashire")
    )
    client.force_login(gp())
    page = client.get(URL).content.decode()
    assert cohort.name in page
    assert elsewhere.name not in page

    client.force_login(manager(practice=PracticeFactory(area=hub.areas.first())))
    assert cohort.name not in client.get(URL).content.decode()


def test_member_enrols_and_sees_their_enrolment(client, hub):
    cohort = CohortFactory()
    member = gp()
    client.force_login(member)
    response = client.post(reverse("programmes:cohort_enrol", args=[cohort.pk]), follow=True)
    assert "You are enrolled in" in response.content.decode()
    assert Enrolment.objects.get(user=member).status == Enrolment.Status.CONFIRMED
    assert response.context["enrolments"][0].cohort == cohort
    calendar = client.get(reverse("programmes:enrolment_calendar", args=[response.context["enrolments"][0].pk]))
    assert calendar["Content-Type"].startswith("text/calendar")


def test_enrolling_after_applications_close_shows_the_reason(client, hub):
    from django.utils import timezone

    cohort = CohortFactory()
    client.force_login(gp())
    cohort.applications_close_at = timezone.now()
    cohort.cancellation_until = timezone.now()
    cohort.save()
    response = client.post(reverse("programmes:cohort_enrol", args=[cohort.pk]), follow=True)
    assert "Applications for" in response.content.decode()
    assert "closed on" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_leadership_page_query_count_does_not_grow_with_cohorts(client, hub, django_assert_max_num_queries):
    for _ in range(4):
        CohortFactory()
    viewer = gp()
    _register(viewer, visible=True)
    for _ in range(3):
        _register(gp(), visible=True)
    client.force_login(viewer)
    with django_assert_max_num_queries(22):
        assert client.get(URL).status_code == 200


# --- Interests --------------------------------------------------------------------------


def _register(user, *, visible, practice=None):
    practice = practice or Membership.objects.filter(user=user).first().practice
    return leadership_interest_save(
        user=user, practice_id=practice.pk, take_part=True, co_facilitate=False, lead=False, name_visible=visible
    )


@pytest.fixture
def coordinator_client(db):
    from django.test import Client

    from members.permissions import PROGRAMME_ADMIN
    from tests.conftest import give_totp
    from tests.factories import StaffFactory

    coordinator = StaffFactory(groups=[PROGRAMME_ADMIN])
    give_totp(coordinator)
    staff_client = Client()
    staff_client.force_login(coordinator)
    return staff_client


def test_a_member_who_has_not_opted_in_is_invisible_to_other_members_but_visible_to_staff(client, coordinator_client):
    hidden = gp(first_name="Hidden", last_name="Person")
    _register(hidden, visible=False)
    viewer = gp()
    _register(viewer, visible=True)

    assert allies_for_member(user=viewer) == []
    client.force_login(viewer)
    assert "Hidden Person" not in client.get(URL).content.decode()
    staff_page = coordinator_client.get(reverse("admin:programmes_leadershipinterest_changelist")).content.decode()
    assert "Hidden Person" in staff_page


def test_members_who_opted_in_see_each_others_names_and_practices_in_their_area_only():
    shown = gp(first_name="Aisha", last_name="Khan", practice=PracticeFactory(name="Riverside", area=NhsAreaFactory(name="Greater Preston")))
    _register(shown, visible=True)
    viewer = gp()
    _register(viewer, visible=True)
    elsewhere = gp(area_name="East Lancashire")
    _register(elsewhere, visible=True)

    allies = allies_for_member(user=viewer)
    assert [(a.name, a.practice) for a in allies] == [("Aisha Khan", "Riverside")]
    assert allies_for_member(user=elsewhere) == []


def test_a_member_who_has_not_opted_in_sees_nobody():
    _register(gp(), visible=True)
    shy = gp()
    _register(shy, visible=False)
    assert allies_for_member(user=shy) == []
    assert allies_for_member(user=gp()) == []  # not registered at all


def test_withdrawing_visibility_or_the_interest_hides_the_name_at_once(client):
    person = gp(first_name="Tom", last_name="Hughes")
    _register(person, visible=True)
    viewer = gp()
    _register(viewer, visible=True)
    assert [a.name for a in allies_for_member(user=viewer)] == ["Tom Hughes"]

    _register(person, visible=False)
    assert allies_for_member(user=viewer) == []

    _register(person, visible=True)
    client.force_login(person)
    client.post(reverse("programmes:interest_withdraw"))
    assert allies_for_member(user=viewer) == []
    assert not LeadershipInterest.objects.filter(user=person).exists()


def test_interest_form_saves_choices_with_name_hidden_by_default(client):
    member = gp()
    client.force_login(member)
    page = client.get(reverse("programmes:interest_edit")).content.decode()
    assert 'name="name_visible"' in page
    assert "checked" not in page.split('name="name_visible"')[1].split(">")[0]
    response = client.post(reverse("programmes:interest_edit"), {"co_facilitate": "on", "lead": "on"})
    assert response.status_code == 302
    interest = LeadershipInterest.objects.get(user=member)
    assert (interest.take_part, interest.co_facilitate, interest.lead, interest.name_visible) == (False, True, True, False)


def test_interest_form_with_nothing_chosen_says_what_to_do_and_saves_nothing(client):
    client.force_login(gp())
    response = client.post(reverse("programmes:interest_edit"), {"name_visible": "on"})
    assert "Choose at least one way you are interested." in response.content.decode()
    assert 'name="name_visible" checked' in response.content.decode() or "checked" in response.content.decode()
    assert not LeadershipInterest.objects.exists()


def test_interest_cannot_be_registered_for_another_practice():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        leadership_interest_save(
            user=gp(), practice_id=PracticeFactory().pk, take_part=True, co_facilitate=False, lead=False, name_visible=True
        )


def test_withdrawing_with_no_interest_changes_nothing():
    assert leadership_interest_withdraw(user=gp()) is False


def test_subject_access_export_holds_the_members_enrolments_and_interest():
    from programmes.personal_data import collect
    from tests.programmes.factories import EnrolmentFactory

    enrolment = EnrolmentFactory(cohort__name="Preston spring")
    _register(enrolment.user, visible=True)
    EnrolmentFactory(cohort=enrolment.cohort)  # someone else's
    sections = collect(enrolment.user)
    assert [row["cohort"] for row in sections["cohort_enrolments"]] == ["Preston spring"]
    assert sections["leadership_interest"][0]["name_shown_to_others_in_area"] is True


def test_someone_who_has_left_the_practice_is_no_longer_shown_as_an_ally():
    leaver = gp(first_name="Left", last_name="Practice")
    _register(leaver, visible=True)
    viewer = gp()
    _register(viewer, visible=True)
    Membership.objects.filter(user=leaver).update(is_active=False)
    assert allies_for_member(user=viewer) == []

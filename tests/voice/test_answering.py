"""Answering a consultation: bad input per kind, once only, closing, and the members' pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Membership
from tests.factories import MembershipFactory, PCNFactory, PracticeFactory
from tests.programmes.factories import NhsAreaFactory
from tests.voice.factories import good_answers, survey_with_questions
from voice.models import Answer, Respondent, Response

pytestmark = pytest.mark.django_db


def _url(survey):
    return reverse("voice:detail", args=[survey.pk])


def _saved(survey) -> tuple[int, int, int]:
    return (
        Response.objects.filter(survey=survey).count(),
        Answer.objects.filter(response__survey=survey).count(),
        Respondent.objects.filter(survey=survey).count(),
    )


def test_a_member_answers_and_is_thanked(member_client):
    survey = survey_with_questions()

    response = member_client.post(_url(survey), good_answers(survey))

    assert response.status_code == 302
    assert response.url == reverse("voice:thanks", args=[survey.pk])
    assert _saved(survey) == (1, 5, 1)  # two answers for the several-choices question


@pytest.mark.postgres
def test_bad_answers_show_errors_at_each_question_and_a_summary_and_keep_what_was_typed(member_client):
    survey = survey_with_questions()
    single, multiple, scale, free = survey.questions.all()
    typed = "x" * 51

    response = member_client.post(
        _url(survey),
        {single.field_name: "Maybe", multiple.field_name: [], scale.field_name: "9", free.field_name: typed},
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in content
    assert f'href="#{single.field_name}-first"' in content
    assert "Choose one of the answers shown." in content
    assert "Choose at least one answer to this question." in content
    assert "Choose a number from 1 to 5." in content
    assert "Shorten it to 50 characters or fewer." in content
    assert typed in content
    assert _saved(survey) == (0, 0, 0)


@pytest.mark.postgres
def test_a_required_question_left_blank_is_refused_and_the_other_answers_kept(member_client):
    survey = survey_with_questions()
    single, multiple, scale, free = survey.questions.all()

    response = member_client.post(
        _url(survey), {multiple.field_name: ["Premises"], scale.field_name: "3", free.field_name: "Keep this"}
    )

    content = response.content.decode()
    assert "Choose an answer to this question." in content
    assert 'value="Premises" id' in content
    assert "checked" in content
    assert "Keep this" in content
    assert _saved(survey) == (0, 0, 0)


@pytest.mark.postgres
def test_a_second_response_is_refused_and_nothing_is_saved(member_client):
    survey = survey_with_questions()
    member_client.post(_url(survey), good_answers(survey))

    response = member_client.post(_url(survey), good_answers(survey, text="Second go"))

    assert response.status_code == 409
    assert "You have already responded" in response.content.decode()
    assert _saved(survey) == (1, 5, 1)
    assert not Answer.objects.filter(text="Second go").exists()


@pytest.mark.postgres
def test_a_form_reposted_from_an_old_tab_after_closing_is_refused_without_an_error_page(member_client):
    survey = survey_with_questions()
    member_client.get(_url(survey))
    survey.closes_at = timezone.now() - timedelta(minutes=1)
    survey.save()

    response = member_client.post(_url(survey), good_answers(survey, text="Rent is years behind"))

    assert response.status_code == 409
    assert "so we can no longer accept answers" in response.content.decode()
    assert "Rent is years behind" in response.content.decode()  # given back, to copy elsewhere
    assert _saved(survey) == (0, 0, 0)


def test_a_closed_consultation_says_so_and_shows_no_form(member_client):
    survey = survey_with_questions(opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(days=1))

    content = member_client.get(_url(survey)).content.decode()

    assert "no longer accepts answers" in content
    assert 'data-testid="survey-form"' not in content


def test_the_first_page_says_what_is_kept_and_who_can_see_it(member_client):
    survey = survey_with_questions()

    content = member_client.get(_url(survey)).content.decode()

    assert "What we keep and who can see it" in content
    assert "with the date you answered, not the time" in content


def test_a_named_survey_says_so_at_the_top(member_client):
    survey = survey_with_questions(anonymous=False)

    content = member_client.get(_url(survey)).content.decode()

    assert content.index("This survey is named") < content.index(f"<h1>{survey.title}</h1>")


def test_you_said_we_did_is_shown_to_the_audience_once_published(member_client):
    from voice import services

    survey = survey_with_questions(opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(days=1))
    survey.you_said_we_did = "You said funding; we got it."
    survey.save()
    assert "we got it" not in member_client.get(_url(survey)).content.decode()

    services.you_said_we_did_publish(survey=survey)

    assert "You said funding; we got it." in member_client.get(_url(survey)).content.decode()


# --- Audience ---------------------------------------------------------------------


def test_a_practice_managers_consultation_is_a_404_for_a_gp_partner(client):
    survey = survey_with_questions(audience="role", audience_role=Membership.Role.PRACTICE_MANAGER)
    partner = MembershipFactory(role=Membership.Role.GP_PARTNER).user
    client.force_login(partner)

    assert client.get(_url(survey)).status_code == 404
    assert client.post(_url(survey), good_answers(survey)).status_code == 404
    assert survey.title not in client.get(reverse("voice:list")).content.decode()
    assert _saved(survey) == (0, 0, 0)


def test_a_pcns_consultation_is_a_404_for_another_pcn(client):
    pcn = PCNFactory()
    survey = survey_with_questions(audience="pcn", audience_pcn=pcn)
    inside = MembershipFactory(practice=PracticeFactory(pcn=pcn)).user
    outside = MembershipFactory(practice=PracticeFactory(pcn=PCNFactory())).user

    client.force_login(outside)
    assert client.get(_url(survey)).status_code == 404
    assert survey.title not in client.get(reverse("members:dashboard")).content.decode()
    client.force_login(inside)
    assert client.get(_url(survey)).status_code == 200


def test_an_area_consultation_reaches_only_practices_in_that_area(client):
    survey = survey_with_questions(audience="area", audience_area=NhsAreaFactory(name="Blackpool"))
    blackpool = MembershipFactory(practice=PracticeFactory(area=NhsAreaFactory(name="Blackpool"))).user
    preston = MembershipFactory(practice=PracticeFactory(area=NhsAreaFactory(name="Greater Preston"))).user

    client.force_login(preston)
    assert client.get(_url(survey)).status_code == 404
    client.force_login(blackpool)
    assert client.get(_url(survey)).status_code == 200


def _icb_with_two_sub_icbs():
    icb = NhsAreaFactory(name="Lancashire and South Cumbria ICB", kind="icb")
    return icb, NhsAreaFactory(name="Blackpool", icb=icb), NhsAreaFactory(name="Greater Preston", icb=icb)


def test_a_sub_icb_consultation_is_a_404_for_a_practice_in_another_sub_icb_of_the_same_icb(client):
    _, blackpool, preston = _icb_with_two_sub_icbs()
    survey = survey_with_questions(audience="area", audience_area=blackpool)
    in_preston = MembershipFactory(practice=PracticeFactory(area=preston)).user
    in_blackpool = MembershipFactory(practice=PracticeFactory(area=blackpool)).user

    client.force_login(in_preston)
    assert client.get(_url(survey)).status_code == 404
    assert survey.title not in client.get(reverse("voice:list")).content.decode()
    client.force_login(in_blackpool)
    assert client.get(_url(survey)).status_code == 200


def test_an_icb_consultation_reaches_the_practices_of_each_of_its_sub_icbs_and_no_other_icb(client):
    icb, blackpool, preston = _icb_with_two_sub_icbs()
    survey = survey_with_questions(audience="area", audience_area=icb)
    other_icb = NhsAreaFactory(name="Cheshire and Merseyside ICB", kind="icb")
    elsewhere = MembershipFactory(practice=PracticeFactory(area=NhsAreaFactory(name="Cheshire", icb=other_icb))).user

    for area in (blackpool, preston):
        client.force_login(MembershipFactory(practice=PracticeFactory(area=area)).user)
        assert client.get(_url(survey)).status_code == 200
        assert survey.title in client.get(reverse("voice:list")).content.decode()
    client.force_login(elsewhere)
    assert client.get(_url(survey)).status_code == 404


def test_a_draft_is_a_404_for_everyone(member_client):
    survey = survey_with_questions(published_at=None)

    assert member_client.get(_url(survey)).status_code == 404


@pytest.mark.parametrize("surveys", [1, 8])
def test_open_consultations_are_on_the_dashboard_in_queries_that_do_not_grow(member_client, member, surveys, django_assert_max_num_queries):
    pcn = member.memberships.get().practice.pcn
    survey = survey_with_questions()
    for i in range(surveys - 1):
        survey_with_questions(audience="pcn", audience_pcn=pcn) if i % 2 else survey_with_questions(
            audience="role", audience_role=Membership.Role.PRACTICE_MANAGER,
            opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(days=1),
        )

    with django_assert_max_num_queries(13):  # with the dashboard's other cards (tests/members/test_dashboard.py)
        content = member_client.get(reverse("members:dashboard")).content.decode()

    assert survey.title in content
    assert reverse("voice:detail", args=[survey.pk]) in content

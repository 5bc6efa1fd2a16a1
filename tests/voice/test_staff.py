"""Staff: the survey builder, preview, results with charts, the CSV export, publishing, satisfaction."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from members.permissions import LEVY_ADMIN, OFFICERS
from tests.conftest import give_totp
from tests.factories import MembershipFactory, StaffFactory
from tests.programmes.factories import NhsAreaFactory
from tests.voice.factories import SurveyFactory, good_answers, survey_with_questions
from voice import services
from voice.export import csv_write
from voice.models import Question, Response, Survey
from voice.selectors import satisfaction_overview

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, staff_user):
    client.force_login(staff_user)
    return client


def _answered(n: int, **kwargs) -> Survey:
    """A survey answered by `n` practice managers, each at a practice in the Greater Preston Sub-ICB."""
    survey = survey_with_questions(**kwargs)
    area = NhsAreaFactory(name="Greater Preston")
    for i in range(n):
        person = MembershipFactory(practice__area=area).user
        services.response_submit(survey=survey, user=person, data=good_answers(survey, text=f"Note {i}"))
    return survey


def test_csv_cells_that_look_like_formulas_are_neutralised():
    text = csv_write([["=SUM(A1:A9)", "+44 1772", "-1", "@cmd", "plain", 5]])

    assert next(csv.reader(io.StringIO(text))) == ["'=SUM(A1:A9)", "'+44 1772", "'-1", "'@cmd", "plain", "5"]


def test_the_export_escapes_what_members_typed_and_names_nobody(officer_client):
    survey = survey_with_questions()
    person = MembershipFactory(user__first_name="Zebedee", practice__area=NhsAreaFactory(name="Greater Preston")).user
    services.response_submit(survey=survey, user=person, data=good_answers(survey, text='=HYPERLINK("x")'))

    response = officer_client.get(reverse("admin:voice_survey_export", args=[survey.pk]))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0][:4] == ["Date", "Role", "PCN", "Area"]
    assert rows[1][-1] == "'=HYPERLINK(\"x\")"
    assert rows[1][-3] == "Funding; Staff"
    assert "Zebedee" not in response.content.decode()
    assert person.email not in response.content.decode()
    # One response: its role, PCN and area are a group under 5, so they are not written.
    assert rows[1][1:4] == ["fewer than 5 responses"] * 3


def test_the_export_writes_role_pcn_and_area_for_groups_of_five_or_more(officer_client):
    survey = _answered(5)

    response = officer_client.get(reverse("admin:voice_survey_export", args=[survey.pk]))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert {row[1] for row in rows[1:]} == {"Practice manager"}
    assert {row[3] for row in rows[1:]} == {"Greater Preston"}


def test_results_show_a_chart_per_choice_and_scale_question_and_the_free_text(officer_client, django_assert_max_num_queries):
    survey = _answered(3)

    with django_assert_max_num_queries(15):
        response = officer_client.get(reverse("admin:voice_survey_results", args=[survey.pk]))

    content = response.content.decode()
    single, multiple, scale, free = survey.questions.all()
    for question in (single, multiple, scale):
        assert f'id="chart-{question.pk}"' in content
    assert f'id="chart-{free.pk}"' not in content
    assert "Note 0" in content
    assert "Note 2" in content
    assert "vendor/chart.js/chart.umd.js" in content
    assert "fewer than 5 responses" in content  # 3 practice managers: the role group is hidden


def test_preview_shows_the_survey_as_members_see_it_without_a_send_button(officer_client):
    survey = survey_with_questions(published_at=None)

    content = officer_client.get(reverse("admin:voice_survey_preview", args=[survey.pk])).content.decode()

    assert "What we keep and who can see it" in content
    assert "Do you agree?" in content
    assert "Send my answers" not in content


def test_the_builder_saves_questions_as_inlines_in_order(officer_client):
    now = timezone.localtime()
    data = {
        "title": "Premises survey",
        "purpose": "consultation",
        "introduction": "About premises.",
        "anonymous": "on",
        "audience": "all",
        "opens_at_0": now.strftime("%d/%m/%Y"), "opens_at_1": "09:00:00",
        "closes_at_0": (now + timedelta(days=14)).strftime("%d/%m/%Y"), "closes_at_1": "17:00:00",
        "you_said_we_did": "",
        "questions-TOTAL_FORMS": "2", "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0", "questions-MAX_NUM_FORMS": "1000",
        "questions-0-position": "2", "questions-0-kind": "text", "questions-0-required": "on",
        "questions-0-text": "Second", "questions-0-max_length": "500",
        "questions-1-position": "1", "questions-1-kind": "single", "questions-1-required": "on",
        "questions-1-text": "First", "questions-1-choices": "Yes\nNo", "questions-1-max_length": "1000",
    }

    response = officer_client.post(reverse("admin:voice_survey_add"), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    survey = Survey.objects.get(title="Premises survey")
    assert [q.text for q in survey.questions.all()] == ["First", "Second"]
    assert survey.published_at is None


def test_publishing_you_said_we_did_waits_for_closing():
    survey = survey_with_questions(you_said_we_did="We did it.")

    with pytest.raises(services.ValidationError):
        services.you_said_we_did_publish(survey=survey)

    survey.closes_at = timezone.now() - timedelta(minutes=1)
    survey.opens_at = survey.closes_at - timedelta(days=5)
    services.you_said_we_did_publish(survey=survey)
    assert Survey.objects.get(pk=survey.pk).you_said_we_did_published_at is not None


def test_staff_without_the_results_permission_cannot_see_results_or_export(client):
    survey = _answered(1)
    staff = StaffFactory(groups=[LEVY_ADMIN])
    give_totp(staff)
    client.force_login(staff)

    assert client.get(reverse("admin:voice_survey_results", args=[survey.pk])).status_code == 403
    assert client.get(reverse("admin:voice_survey_export", args=[survey.pk])).status_code == 403


def test_officers_have_the_results_permission(staff_user):
    assert staff_user.groups.filter(name=OFFICERS).exists()
    assert staff_user.has_perm("voice.view_results")


# --- Satisfaction on the support overview ---------------------------------------------


def _feedback(scores: list[int], *, topic: str, on) -> None:
    survey = Survey.objects.get(purpose=Survey.Purpose.SUPPORT_FEEDBACK)
    satisfied = survey.questions.filter(kind=Question.Kind.SCALE).first()
    for score in scores:
        response = Response.objects.create(survey=survey, submitted_on=on, service="Leadership and Management Support", topic=topic)
        response.answers.create(question=satisfied, scale=score)


def test_satisfaction_per_month_service_and_topic_hides_groups_under_five():
    today = timezone.localdate()
    _feedback([5, 4, 4, 3, 5], topic="Workforce", on=today)
    _feedback([1, 2], topic="Premises", on=today)

    figures = satisfaction_overview(today=today)

    this_month = figures["per_month"][-1]
    assert (this_month["count"], this_month["average"]) == (7, 3.4)
    topics = {row["label"]: row for row in figures["per_topic"]}
    assert topics["Workforce"]["average"] == 4.2
    assert topics["Premises"]["hidden"] is True
    assert topics["Premises"]["average"] is None
    assert figures["per_service"][0]["count"] == 7


def test_the_support_overview_shows_the_satisfaction_chart(client):
    from members.permissions import TRIAGE_LEAD

    _feedback([5, 4, 4, 3, 5], topic="Workforce", on=timezone.localdate())
    lead = StaffFactory(groups=[OFFICERS, TRIAGE_LEAD])
    give_totp(lead)
    client.force_login(lead)

    content = client.get(reverse("admin:enquiries_enquiry_overview")).content.decode()

    assert 'id="satisfaction-chart"' in content
    assert "Satisfaction after support" in content
    assert "js/voice_charts.js" in content


def test_the_builder_explains_an_audience_without_its_detail_in_plain_english(officer_client):
    now = timezone.localtime()
    data = {
        "title": "PCN survey", "purpose": "consultation", "anonymous": "on", "audience": "pcn",
        "opens_at_0": now.strftime("%d/%m/%Y"), "opens_at_1": "09:00:00",
        "closes_at_0": (now - timedelta(days=1)).strftime("%d/%m/%Y"), "closes_at_1": "17:00:00",
        "questions-TOTAL_FORMS": "0", "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0", "questions-MAX_NUM_FORMS": "1000",
    }

    content = officer_client.post(reverse("admin:voice_survey_add"), data).content.decode()

    assert "Choose a PCN for a PCN audience" in content
    assert "The closing time must be after the opening time." in content
    assert "violated" not in content
    assert not Survey.objects.filter(title="PCN survey").exists()


def _change_form_data(survey: Survey) -> dict:
    questions = list(survey.questions.all())
    data = {
        "title": survey.title, "purpose": survey.purpose, "introduction": survey.introduction, "anonymous": "on",
        "audience": "all",
        "opens_at_0": timezone.localtime(survey.opens_at).strftime("%d/%m/%Y"), "opens_at_1": "09:00:00",
        "closes_at_0": timezone.localtime(survey.closes_at).strftime("%d/%m/%Y"), "closes_at_1": "17:00:00",
        "you_said_we_did": "",
        "questions-TOTAL_FORMS": str(len(questions)), "questions-INITIAL_FORMS": str(len(questions)),
        "questions-MIN_NUM_FORMS": "0", "questions-MAX_NUM_FORMS": "1000",
    }
    for i, q in enumerate(questions):
        data.update({
            f"questions-{i}-id": str(q.pk), f"questions-{i}-survey": str(survey.pk), f"questions-{i}-position": str(q.position),
            f"questions-{i}-kind": q.kind, f"questions-{i}-required": "on" if q.required else "",
            f"questions-{i}-text": q.text, f"questions-{i}-choices": q.choices, f"questions-{i}-max_length": str(q.max_length),
            f"questions-{i}-scale_low_label": q.scale_low_label, f"questions-{i}-scale_high_label": q.scale_high_label,
        })
    return data


def test_a_question_with_answers_cannot_be_removed_from_the_builder(officer_client):
    survey = _answered(1)
    data = _change_form_data(survey)
    data["questions-0-DELETE"] = "on"

    response = officer_client.post(reverse("admin:voice_survey_change", args=[survey.pk]), data)

    assert response.status_code == 200
    assert "would require deleting the following protected related objects: answer already given" in response.content.decode()
    assert survey.questions.count() == 4


def test_a_question_with_answers_keeps_its_kind(officer_client):
    survey = _answered(1)
    data = _change_form_data(survey)
    data["questions-0-kind"] = "multiple"

    response = officer_client.post(reverse("admin:voice_survey_change", args=[survey.pk]), data)

    assert "This question already has answers, so its kind cannot change." in response.content.decode()
    assert survey.questions.first().kind == "single"


def test_once_answered_a_survey_stays_anonymous(officer_client):
    survey = _answered(1)
    data = _change_form_data(survey)
    del data["anonymous"]

    officer_client.post(reverse("admin:voice_survey_change", args=[survey.pk]), data)

    assert Survey.objects.get(pk=survey.pk).anonymous is True


@pytest.mark.postgres
def test_an_area_audience_needs_an_nhs_area_and_no_other_audience_takes_one():
    no_area = SurveyFactory.build(audience=Survey.Audience.AREA)
    with pytest.raises(ValidationError, match="Choose the NHS area \\(ICB or Sub-ICB\\) for an area audience"):
        no_area.full_clean()
    with pytest.raises(IntegrityError, match="voice_survey_area_iff_area_audience"), transaction.atomic():
        SurveyFactory(audience=Survey.Audience.ALL, audience_area=NhsAreaFactory(name="Blackpool"))


def test_the_builder_offers_nhs_areas_by_name_for_an_area_audience(officer_client):
    NhsAreaFactory(name="Lancashire and South Cumbria ICB", kind="icb")

    content = officer_client.get(reverse("admin:voice_survey_add")).content.decode()

    assert 'for="id_audience_area">NHS area (ICB or Sub-ICB)' in content
    assert ">Lancashire and South Cumbria ICB</option>" in content

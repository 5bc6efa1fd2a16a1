"""Anonymous means anonymous: checked against the database schema itself, so a new link fails."""

import pytest
from django.apps import apps
from django.db import connection

from members.models import Membership
from tests.factories import MembershipFactory, PCNFactory, PracticeFactory
from tests.voice.factories import good_answers, survey_with_questions
from voice import services
from voice.models import Answer, NamedResponse, Respondent, Response
from voice.selectors import survey_results

pytestmark = pytest.mark.django_db

# The only tables a response or an answer may point to, and the only tables that may point to them.
RESPONSE_MAY_POINT_TO = {"voice_survey", "members_pcn"}
ANSWER_MAY_POINT_TO = {"voice_response", "voice_question"}
MAY_POINT_TO_RESPONSE = {"voice_answer", "voice_namedresponse"}


def _foreign_keys(table: str) -> dict[str, str]:
    """Column -> referenced table, read from the database, not from the models."""
    with connection.cursor() as cursor:
        relations = connection.introspection.get_relations(cursor, table)
    return {column: other_table for column, (_, other_table) in relations.items()}


def _columns(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table)
    return {column.name: connection.introspection.get_field_type(column.type_code, column) for column in description}


def _all_tables() -> list[str]:
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def test_response_and_answer_tables_link_to_nothing_that_leads_to_a_person():
    assert set(_foreign_keys("voice_response").values()) <= RESPONSE_MAY_POINT_TO
    assert set(_foreign_keys("voice_answer").values()) <= ANSWER_MAY_POINT_TO


def test_no_table_but_answers_and_named_responses_points_at_a_response_or_an_answer():
    pointing_at_response = {t for t in _all_tables() if "voice_response" in _foreign_keys(t).values()}
    pointing_at_answer = {t for t in _all_tables() if "voice_answer" in _foreign_keys(t).values()}
    assert pointing_at_response == MAY_POINT_TO_RESPONSE
    assert pointing_at_answer == set()


def test_responses_keep_a_date_and_no_time():
    for table in ("voice_response", "voice_answer"):
        assert "DateTimeField" not in _columns(table).values(), table
    assert _columns("voice_response")["submitted_on"] == "DateField"


def test_the_has_responded_record_holds_no_response_id():
    columns = set(_columns("voice_respondent"))
    assert columns == {"id", "survey_id", "user_id", "context", "responded_on"}
    assert "voice_response" not in _foreign_keys("voice_respondent").values()
    assert "DateTimeField" not in _columns("voice_respondent").values()


def test_responses_and_respondents_have_random_keys_so_insert_order_cannot_pair_them():
    uuid_column = "UUIDField" if connection.vendor == "postgresql" else "CharField"  # SQLite: char(32)
    assert _columns("voice_response")["id"] == uuid_column
    assert _columns("voice_respondent")["id"] == uuid_column
    assert not isinstance(Response.objects.model._meta.pk.default(), int)


def test_after_an_anonymous_response_no_row_anywhere_names_the_person_beside_it():
    survey = survey_with_questions()
    person = MembershipFactory(user__email="anonymous.person@practice.example.org").user

    response = services.response_submit(survey=survey, user=person, data=good_answers(survey))

    assert not NamedResponse.objects.filter(response=response).exists()
    assert Respondent.objects.filter(survey=survey, user=person).count() == 1
    # Nothing in the response's or the answers' rows is the person's id or email.
    values = [
        *Response.objects.filter(pk=response.pk).values_list(),
        *Answer.objects.filter(response=response).values_list(),
    ]
    flat = {str(value) for row in values for value in row}
    assert person.email not in flat
    for model in apps.get_app_config("voice").get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model in (Response, Answer):
                assert model in (Answer, NamedResponse), f"{model.__name__}.{field.name} links to a response"


def test_a_named_survey_records_the_person_separately():
    survey = survey_with_questions(anonymous=False)
    person = MembershipFactory().user

    response = services.response_submit(survey=survey, user=person, data=good_answers(survey))

    assert NamedResponse.objects.get(response=response).user == person


def test_breakdowns_hide_groups_under_five():
    survey = survey_with_questions()
    big_pcn, small_pcn = PCNFactory(name="Big PCN"), PCNFactory(name="Small PCN")
    for _ in range(5):
        person = MembershipFactory(practice=PracticeFactory(pcn=big_pcn)).user
        services.response_submit(survey=survey, user=person, data=good_answers(survey))
    for _ in range(4):
        person = MembershipFactory(practice=PracticeFactory(pcn=small_pcn), role=Membership.Role.GP_PARTNER).user
        services.response_submit(survey=survey, user=person, data=good_answers(survey))

    breakdowns = {b.dimension: {row["label"]: row for row in b.rows} for b in survey_results(survey=survey).breakdowns}

    assert breakdowns["PCN"]["Big PCN"]["count"] == 5
    assert breakdowns["PCN"]["Small PCN"] == {"label": "Small PCN", "hidden": True}
    assert breakdowns["Role"]["Practice manager"]["count"] == 5
    assert breakdowns["Role"]["GP partner"]["hidden"] is True
    assert "count" not in breakdowns["Role"]["GP partner"]


def test_the_subject_access_export_lists_surveys_answered_but_not_anonymous_answers():
    from voice.personal_data import collect

    survey = survey_with_questions()
    person = MembershipFactory().user
    services.response_submit(survey=survey, user=person, data=good_answers(survey, text="My secret view"))

    sections = collect(person)

    assert [row["survey"] for row in sections["surveys_responded"]] == [survey.title]
    assert "My secret view" not in repr(sections)

from datetime import timedelta

import factory
from django.utils import timezone

from voice.models import Question, Survey


class SurveyFactory(factory.django.DjangoModelFactory):
    """A published consultation for all members, open now for 10 more days."""

    class Meta:
        model = Survey

    title = factory.Sequence(lambda n: f"Consultation {n}")
    purpose = Survey.Purpose.CONSULTATION
    introduction = "Tell us what you think before we meet the ICB."
    audience = Survey.Audience.ALL
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    published_at = factory.LazyFunction(timezone.now)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Question {n}?")
    kind = Question.Kind.SINGLE
    required = True
    choices = "Yes\nNo\nNot sure"


def survey_with_questions(**kwargs) -> Survey:
    """A survey with one question of each kind: single, several, scale, text (limit 50)."""
    survey = SurveyFactory(**kwargs)
    QuestionFactory(survey=survey, position=1, kind=Question.Kind.SINGLE, text="Do you agree?")
    QuestionFactory(survey=survey, position=2, kind=Question.Kind.MULTIPLE, text="What matters?", choices="Funding\nPremises\nStaff")
    QuestionFactory(survey=survey, position=3, kind=Question.Kind.SCALE, text="How confident are you?", choices="")
    QuestionFactory(survey=survey, position=4, kind=Question.Kind.TEXT, text="Anything else?", choices="", required=False, max_length=50)
    return survey


def good_answers(survey: Survey, *, text: str = "Thank you") -> dict:
    single, multiple, scale, free = survey.questions.all()
    return {
        single.field_name: ["Yes"],
        multiple.field_name: ["Funding", "Staff"],
        scale.field_name: ["4"],
        free.field_name: [text],
    }

"""Read and check a member's answers, per kind of question. The one home for these rules and messages.

Used by the members' form (errors at each question, nothing typed lost) and by
`services.response_submit`, which refuses anything this module would.
"""

from dataclasses import dataclass, field

from .models import SCALE_MAX, SCALE_MIN, Question

__all__ = ["AnswerSet", "answers_read"]

REQUIRED = {
    Question.Kind.SINGLE: "Choose an answer to this question.",
    Question.Kind.MULTIPLE: "Choose at least one answer to this question.",
    Question.Kind.SCALE: "Choose a number from 1 to 5.",
    Question.Kind.TEXT: "Write an answer to this question.",
}
NOT_OFFERED = "Choose one of the answers shown."
NOT_ON_SCALE = "Choose a number from 1 to 5."


@dataclass
class AnswerSet:
    """What was typed, per question (to show it again), the clean values, and the errors."""

    raw: dict[int, list[str]] = field(default_factory=dict)
    values: dict[int, list[str] | int | str | None] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def answers_read(questions: list[Question], data) -> AnswerSet:
    """Read each question's answer from `data` (a QueryDict or {field_name: [values]}) and check it."""
    result = AnswerSet()
    for question in questions:
        given = [value for value in _getlist(data, question.field_name)]
        result.raw[question.pk] = given
        value, error = _check(question, given)
        if error:
            result.errors[question.pk] = error
        else:
            result.values[question.pk] = value
    return result


def _getlist(data, name: str) -> list[str]:
    if hasattr(data, "getlist"):
        return data.getlist(name)
    value = data.get(name, [])
    return list(value) if isinstance(value, list | tuple) else [value]


def _check(question: Question, given: list[str]):
    present = [value for value in given if str(value).strip()]
    if question.kind == Question.Kind.TEXT:
        text = (given[0] if given else "").strip()
        if not text:
            return ("", REQUIRED[question.kind] if question.required else None)
        if len(text) > question.max_length:
            return (None, f"Your answer is {len(text):,} characters long. Shorten it to {question.max_length:,} characters or fewer.")
        return (text, None)
    if not present:
        return (None, REQUIRED[question.kind] if question.required else None)
    if question.kind == Question.Kind.SCALE:
        if len(present) != 1 or present[0] not in {str(n) for n in range(SCALE_MIN, SCALE_MAX + 1)}:
            return (None, NOT_ON_SCALE)
        return (int(present[0]), None)
    offered = question.choice_list()
    if any(value not in offered for value in present):
        return (None, NOT_OFFERED)
    if question.kind == Question.Kind.SINGLE:
        if len(present) != 1:
            return (None, "Choose only one answer to this question.")
        return (present[0], None)
    return ([choice for choice in offered if choice in present], None)

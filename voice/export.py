"""CSV export of a survey's answers, written through the portal's one CSV writer (`lmcportal.csv`)."""

import io
from collections import Counter, defaultdict
from collections.abc import Iterable

from lmcportal import csv

from .models import BREAKDOWN_THRESHOLD, Answer, NamedResponse, Response, Survey

FEWER_THAN_THRESHOLD = f"fewer than {BREAKDOWN_THRESHOLD} responses"

__all__ = ["csv_write", "survey_answers_csv"]

def csv_write(rows: Iterable[Iterable[object]]) -> str:
    """Return `rows` as CSV text; the writer escapes text a spreadsheet would run as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return buffer.getvalue()


def survey_answers_csv(*, survey: Survey) -> str:
    """One row per response: its date, role, PCN, area, service, topic, then one column per question.

    A named survey adds the person's name and email; an anonymous one has nothing that names anyone,
    and a role, PCN or area with fewer than 5 responses in this survey is written as "fewer than 5
    responses", so a row cannot single out the only practice manager in a small PCN.
    """
    questions = list(survey.questions.all())
    values: dict = defaultdict(lambda: defaultdict(list))
    for response_id, question_id, choice, scale, text in Answer.objects.filter(response__survey=survey).values_list(
        "response_id", "question_id", "choice", "scale", "text"
    ):
        values[response_id][question_id].append(choice or (str(scale) if scale is not None else "") or text)
    names = {}
    if not survey.anonymous:
        names = {
            named.response_id: named.user
            for named in NamedResponse.objects.filter(response__survey=survey).select_related("user")
        }
    header = ["Date", "Role", "PCN", "Area", "Service", "Topic"]
    if not survey.anonymous:
        header += ["Name", "Email"]
    header += [f"{index}. {question.text}" for index, question in enumerate(questions, start=1)]
    rows: list[list[object]] = [header]
    responses = list(Response.objects.filter(survey=survey).select_related("pcn").order_by("submitted_on", "pk"))
    segments = [
        (r.get_role_display() if r.role else "", r.pcn.name if r.pcn else "", r.area, r.service, r.topic) for r in responses
    ]
    if survey.anonymous:
        segments = _hide_small_groups(segments)
    for response, segment in zip(responses, segments, strict=True):
        row: list[object] = [response.submitted_on.isoformat(), *segment]
        if not survey.anonymous:
            person = names.get(response.pk)
            row += [person.get_full_name() if person else "", person.email if person else ""]
        row += ["; ".join(values[response.pk].get(question.pk, [])) for question in questions]
        rows.append(row)
    return csv_write(rows)




def _hide_small_groups(segments: list[tuple]) -> list[tuple]:
    """Replace each value shared by fewer than BREAKDOWN_THRESHOLD responses in its column."""
    columns = list(zip(*segments, strict=True)) if segments else []
    counts = [Counter(column) for column in columns]
    return [
        tuple(
            value if not value or counts[i][value] >= BREAKDOWN_THRESHOLD else FEWER_THAN_THRESHOLD
            for i, value in enumerate(segment)
        )
        for segment in segments
    ]

"""The member-voice section of a person's subject access export (see privacy/personal_data.py).

Anonymous answers cannot be included: nothing links them to the person, by
design. What is held about the person: which surveys they have responded to
(with the date), their answers to named surveys, the feedback invitations and
consultation emails sent to them.
"""

from typing import Any

from members.models import User

from .models import Answer, FeedbackInvitation, NamedResponse, Respondent, SurveyNotice


def collect(user: User) -> dict[str, list[dict[str, Any]]]:
    named = NamedResponse.objects.filter(user=user).values_list("response_id", flat=True)
    answers = Answer.objects.filter(response_id__in=list(named)).select_related("question", "response__survey")
    invitations = FeedbackInvitation.objects.filter(user=user).select_related("enquiry", "session").order_by("created_at")
    return {
        "surveys_responded": [
            {"survey": r.survey.title, "responded_on": r.responded_on, "note": "anonymous answers are not linked to you"
             if r.survey.anonymous else "named survey: your answers are below"}
            for r in Respondent.objects.filter(user=user).select_related("survey").order_by("responded_on")
        ],
        "named_survey_answers": [
            {
                "survey": a.response.survey.title,
                "date": a.response.submitted_on,
                "question": a.question.text,
                "answer": a.choice or (a.scale if a.scale is not None else a.text),
            }
            for a in answers
        ],
        "feedback_invitations": [
            {
                "about": i.enquiry.reference if i.enquiry_id else i.session.title,
                "sent": i.created_at,
                "link_expires": i.expires_at,
                "used": i.used_at,
            }
            for i in invitations
        ],
        "consultation_emails": [
            {"survey": n.survey.title, "email": n.get_kind_display(), "sent": n.created_at}
            for n in SurveyNotice.objects.filter(user=user).select_related("survey").order_by("created_at")
        ],
    }

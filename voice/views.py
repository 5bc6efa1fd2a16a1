"""Members' pages: open consultations, answering a survey, feedback links.

A survey comes only through `selectors.survey_get_for_member`, so a survey
for another audience is a 404, exactly like one that does not exist.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from members.access import member_required

from . import selectors, services
from .answers import AnswerSet
from .models import Survey


def _form_context(survey: Survey, answers: AnswerSet | None, *, refusal: str = "", posted=None) -> dict:
    questions = list(survey.questions.all())
    answers = answers or AnswerSet()
    # Refused outright (closed, already answered): give back what they typed, to copy elsewhere.
    typed = []
    if refusal and posted is not None:
        typed = [
            {"question": question.text, "answer": ", ".join(value for value in posted.getlist(question.field_name) if value.strip())}
            for question in questions
            if any(value.strip() for value in posted.getlist(question.field_name))
        ]
    rows = [
        {
            "question": question,
            "choices": question.choice_list(),
            "given": answers.raw.get(question.pk, []),
            "text": (answers.raw.get(question.pk) or [""])[0],
            "error": answers.errors.get(question.pk, ""),
        }
        for question in questions
    ]
    summary = [
        {"message": f"Question {index}: {row['error']}", "anchor": f"{row['question'].field_name}-first"}
        for index, row in enumerate(rows, start=1)
        if row["error"]
    ]
    return {"survey": survey, "rows": rows, "error_items": summary, "refusal": refusal, "typed": typed}


@member_required
def survey_list(request):
    now = timezone.now()
    surveys = selectors.survey_list_for_member(user=request.user, now=now)
    return render(
        request,
        "voice/list.html",
        {
            "open_surveys": [s for s in surveys if s.closes_at > now],
            "closed_surveys": [s for s in surveys if s.closes_at <= now],
        },
    )


@member_required
@never_cache
def survey_detail(request, pk: int):
    now = timezone.now()
    survey = selectors.survey_get_for_member(user=request.user, pk=pk, now=now)
    if survey is None:
        raise Http404
    responded = selectors.survey_has_responded(survey=survey, user=request.user)
    is_open = survey.opens_at <= now < survey.closes_at
    answers = None
    refusal = ""
    status = 200
    if request.method == "POST":
        try:
            services.response_submit(survey=survey, user=request.user, data=request.POST, now=now)
        except services.AnswersInvalid as invalid:
            answers = invalid.answers
            status = 400
        except (services.SurveyClosed, services.AlreadyResponded) as refused:
            refusal = refused.message
            status = 409
        else:
            return redirect("voice:thanks", pk=survey.pk)
    context = _form_context(survey, answers, refusal=refusal, posted=request.POST if refusal else None)
    context.update({"responded": responded, "is_open": is_open, "now": now})
    return render(request, "voice/detail.html", context, status=status)


@member_required
def survey_thanks(request, pk: int):
    survey = selectors.survey_get_for_member(user=request.user, pk=pk)
    if survey is None:
        raise Http404
    return render(request, "voice/thanks.html", {"survey": survey})


@login_required  # the invitation names its person; they may have left their practice since
@never_cache
def feedback_answer(request, token: str):
    invitation = selectors.invitation_get_for_member(user=request.user, token_hash=services.token_hash(token))
    if invitation is None:
        raise Http404
    survey = invitation.survey
    now = timezone.now()
    if invitation.used_at is not None or invitation.expires_at <= now:
        return render(
            request, "voice/feedback_unusable.html", {"invitation": invitation, "used": invitation.used_at is not None}, status=410
        )
    answers = None
    refusal = ""
    status = 200
    if request.method == "POST":
        try:
            services.response_submit(survey=survey, user=request.user, data=request.POST, invitation=invitation, now=now)
        except services.AnswersInvalid as invalid:
            answers = invalid.answers
            status = 400
        except (services.SurveyClosed, services.AlreadyResponded, services.InvitationUnusable) as refused:
            refusal = refused.message
            status = 409
        else:
            return render(request, "voice/thanks.html", {"survey": survey, "feedback": True})
    context = _form_context(survey, answers, refusal=refusal, posted=request.POST if refusal else None)
    context.update({"invitation": invitation, "is_open": True, "responded": False, "feedback": True})
    return render(request, "voice/detail.html", context, status=status)

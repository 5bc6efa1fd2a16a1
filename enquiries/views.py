"""Members' pages for support enquiries. Every object comes through a selector
scoped to the member's practices, so another practice's enquiry is a 404."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from members.access import member_required
from members.selectors import practices_for_user

from . import sla
from .forms import EnquiryForm
from .models import Enquiry, Scope
from .selectors import (
    enquiry_get_for_member,
    enquiry_list_for_member,
    enquiry_timeline_for_member,
    pcn_support_pause_current,
)
from .services import enquiry_submit

PAGE_SIZE = 25


def _promise(enquiry: Enquiry, *, now) -> str:
    if enquiry.first_contact_at:
        return ""
    if enquiry.first_contact_due_at is None:
        return "On hold until PCN support resumes"
    return sla.describe_due(enquiry.first_contact_due_at, now=now)


@member_required
def enquiry_list(request):
    now = timezone.now()
    page = Paginator(enquiry_list_for_member(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"enquiry": enquiry, "promise": _promise(enquiry, now=now)} for enquiry in page]
    return render(request, "enquiries/list.html", {"page": page, "rows": rows})


def _due_preview(*, urgent: bool, pcn_held: bool, now) -> dict:
    """The promise shown on the form, from the same code that sets the due time on submit."""
    if pcn_held:
        return {
            "due_at": None,
            "text": "Support to PCNs is paused, so we will hold a PCN enquiry and tell you when we will contact you as soon as support resumes.",
        }
    due_at = sla.first_contact_due(now, urgent=urgent)
    words = sla.describe_due(due_at, now=now)
    if urgent:
        text = f"Urgent: if you send this now, an LMC officer will contact you {words}."
    else:
        text = f"If you send this now, an LMC officer will contact you {words}."
    return {"due_at": due_at.isoformat(), "text": text}


@member_required
def enquiry_submit_view(request):
    practices = list(practices_for_user(user=request.user))
    pause = pcn_support_pause_current()
    form = EnquiryForm(request.POST or None, practices=practices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enquiry = enquiry_submit(
                submitted_by=request.user,
                practice=form.chosen_practice(),
                scope=data["scope"],
                topic=data["topic"],
                urgent=data["urgent"],
                urgent_reason=data["urgent_reason"],
                summary=data["summary"],
                details=data["details"],
                preferred_contact_times=data["preferred_contact_times"],
                contact_phone=data["contact_phone"],
                submission_token=data["submission_token"],
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            return redirect("enquiries:submitted", reference=enquiry.reference)
    now = timezone.now()
    urgent = form.is_bound and form.data.get("urgent") in ("on", "true", "1")
    pcn_held = pause is not None and form.is_bound and form.data.get("scope") == Scope.PCN
    context = {
        "form": form,
        "pause": pause,
        "preview": _due_preview(urgent=urgent, pcn_held=pcn_held, now=now),
        "standard_words": sla.describe_due(sla.first_contact_due(now, urgent=False), now=now),
        "urgent_hours": sla.urgent_hours(),
        "single_practice": form.single_practice,
    }
    return render(request, "enquiries/submit.html", context)


def _add_service_errors(form: EnquiryForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


@member_required
@require_GET
def due_preview(request):
    """JSON for the form: when we promise to contact them if they send it now."""
    pause = pcn_support_pause_current()
    urgent = request.GET.get("urgent") in ("1", "true", "on")
    pcn_held = pause is not None and request.GET.get("scope") == Scope.PCN
    return JsonResponse(_due_preview(urgent=urgent, pcn_held=pcn_held, now=timezone.now()))


def _enquiry_or_404(request, reference: str) -> Enquiry:
    enquiry = enquiry_get_for_member(user=request.user, reference=reference)
    if enquiry is None:
        raise Http404("No enquiry with that reference for your practices.")
    return enquiry


@member_required
def enquiry_submitted(request, reference: str):
    enquiry = _enquiry_or_404(request, reference)
    now = timezone.now()
    return render(
        request,
        "enquiries/submitted.html",
        {"enquiry": enquiry, "promise": _promise(enquiry, now=now), "pause": pcn_support_pause_current()},
    )


@member_required
def enquiry_detail(request, reference: str):
    enquiry = _enquiry_or_404(request, reference)
    now = timezone.now()
    context = {
        "enquiry": enquiry,
        "promise": _promise(enquiry, now=now),
        "timeline": enquiry_timeline_for_member(enquiry=enquiry),
        "submitted_words": sla.describe_moment(enquiry.submitted_at),
        # What they wrote is shown to the person who wrote it only: colleagues
        # at the practice may be the people the enquiry is about.
        "is_submitter": enquiry.submitted_by_id == request.user.pk,
    }
    return render(request, "enquiries/detail.html", context)

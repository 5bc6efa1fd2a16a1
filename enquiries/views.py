"""Members' pages for support enquiries. Every object comes through a selector
that applies the one access rule (enquiries.selectors.member), so an enquiry
the member may not see is a 404, whoever's it is."""

import uuid

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from members.access import member_required
from members.models import User
from members.selectors import practices_for_user

from . import sla
from .files import KINDS
from .forms import EnquiryForm, MessageForm, SharingForm
from .models import TOPIC_LABELS, Enquiry, Scope, Sharing, SignpostCategory, SupportService
from .promises import promise_for, sla_state_for
from .selectors import (
    enquiry_draft_get_for_member,
    enquiry_file_get_for_member,
    enquiry_get_for_member,
    enquiry_list_for_member,
    enquiry_messages_for_member,
    enquiry_sessions_for_member,
    enquiry_sharing_choices,
    enquiry_sharing_history_for_sender,
    enquiry_signposts_for_member,
    enquiry_timeline_for_member,
    pcn_support_pause_current,
    signpost_list,
    signposts_by_topic,
    support_service_get_by_slug,
    support_service_list,
)
from .services import (
    EnquiryAlreadySent,
    enquiry_chase,
    enquiry_chase_available_at,
    enquiry_draft_save,
    enquiry_message_send,
    enquiry_sharing_change,
    enquiry_submit,
    sharing_in_words,
)

PAGE_SIZE = 25


_state = sla_state_for  # the rule lives in enquiries.promises, shared with the dashboard
_promise = promise_for


@member_required
def enquiry_list(request):
    now = timezone.now()
    page = Paginator(enquiry_list_for_member(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"enquiry": enquiry, "promise": _promise(enquiry, now=now), "state": _state(enquiry, now=now).value}
        for enquiry in page
    ]
    return render(request, "enquiries/list.html", {"page": page, "rows": rows})


def _due_preview(*, urgent: bool, pcn_held: bool, now, service: SupportService | None = None) -> dict:
    """The promise shown on the form, from the same code that sets the due time on submit."""
    if pcn_held:
        return {
            "due_at": None,
            "text": "Support to PCNs is paused, so we will hold a PCN enquiry and tell you when we will contact you as soon as support resumes.",
        }
    due_at = sla.first_contact_due(now, urgent=urgent, targets=service.targets if service else None)
    words = sla.describe_due(due_at, now=now)
    if urgent:
        text = f"Urgent: if you send this now, an LMC officer will contact you {words}."
    else:
        text = f"If you send this now, an LMC officer will contact you {words}."
    return {"due_at": due_at.isoformat(), "text": text}


def _colleagues(user: User, practices) -> "QuerySet[User]":
    """Everyone the member could name, across their practices (the service checks the practice)."""
    if len(practices) == 1:  # most members: one query, run only if the form is shown
        return enquiry_sharing_choices(practice_id=practices[0].pk, sender=user)
    ids = set()
    for practice in practices:
        ids.update(enquiry_sharing_choices(practice_id=practice.pk, sender=user).values_list("pk", flat=True))
    return User.objects.filter(pk__in=ids).order_by("first_name", "last_name", "email")


def _service_or_404(slug: str) -> SupportService:
    service = support_service_get_by_slug(slug=slug)
    if service is None:
        raise Http404("There is no such support service.")
    return service


@member_required
def support_services(request):
    """The support services, what each offers and what it promises."""
    rows = [
        {
            "service": service,
            "standard": sla.standard_promise(service.targets),
            "urgent": sla.urgent_promise(service.targets),
        }
        for service in support_service_list()
    ]
    return render(request, "enquiries/support.html", {"rows": rows})


@member_required
def signposting(request):
    """The directory of organisations the LMC points members to, with a filter by category."""
    category = request.GET.get("category", "")
    if category not in SignpostCategory.values:
        category = ""
    return render(
        request,
        "enquiries/signposting.html",
        {
            "signposts": signpost_list(category=category),
            "categories": SignpostCategory.choices,
            "category": category,
            "category_label": SignpostCategory(category).label if category else "",
        },
    )


@member_required
def enquiry_submit_view(request, slug: str = "leadership"):
    service = _service_or_404(slug)
    person = service.for_person
    practices = list(practices_for_user(user=request.user))
    pause = None if person else pcn_support_pause_current()
    draft = None
    initial = {}
    # Drafts are kept for the practice form only: a request for a person is typed and sent in one go.
    if request.method != "POST" and not person:
        draft = enquiry_draft_get_for_member(user=request.user)
        if draft is not None:
            initial = {key: value for key, value in draft.data.items() if key != "practice" or len(practices) > 1}
            initial["urgent"] = initial.get("urgent") in ("on", "true", "1", True)
    form = EnquiryForm(
        request.POST or None,
        initial=initial,
        practices=practices,
        colleagues=None if person else _colleagues(request.user, practices),
        service=service,
    )
    if request.method == "POST" and "submission_token" in form.errors:
        form.renew_token()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enquiry = enquiry_submit(
                service=service,
                about=data.get("about", ""),
                submitted_by=request.user,
                practice=form.chosen_practice(),
                scope=data.get("scope", Scope.PRACTICE),
                topic=data["topic"],
                urgent=data["urgent"],
                urgent_reason=data["urgent_reason"],
                summary=data["summary"],
                details=data["details"],
                preferred_contact_times=data["preferred_contact_times"],
                contact_phone=data["contact_phone"],
                submission_token=data["submission_token"],
                sharing=data.get("sharing", Sharing.ONLY_ME),
                shared_with=list(data.get("shared_with") or []),
                allow_duplicate=data["send_again"],
            )
        except EnquiryAlreadySent as already:
            return _already_sent(request, form, already)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            return redirect("enquiries:submitted", reference=enquiry.reference)
    now = timezone.now()
    urgent = form.is_bound and form.data.get("urgent") in ("on", "true", "1")
    pcn_held = pause is not None and form.is_bound and form.data.get("scope") == Scope.PCN
    topics = signposts_by_topic(topics=service.topics)
    chosen_topic = form.data.get("topic", "") if form.is_bound else ""
    context = {
        "form": form,
        "service": service,
        "pause": pause,
        "preview": _due_preview(urgent=urgent, pcn_held=pcn_held, now=now, service=service),
        "standard_words": sla.describe_due(sla.first_contact_due(now, urgent=False, targets=service.targets), now=now),
        "urgent_hours": service.urgent_hours,
        "working_days": service.standard_working_days,
        "single_practice": form.single_practice,
        "draft": draft,
        "topic_signposts": [
            {"topic": topic, "label": TOPIC_LABELS[topic], "signposts": found, "open": topic == chosen_topic}
            for topic, found in topics.items()
            if found
        ],
    }
    return render(request, "enquiries/submit.html", context)


def _already_sent(request, form: EnquiryForm, already: EnquiryAlreadySent):
    """Show the enquiry they already sent, what changed, and what they can do instead of a second one."""
    changes_text = "\n\n".join(f"{label} (changed):\n{new}" for label, old, new in already.changes if new)
    resend = form.data.copy()
    resend["send_again"] = "on"
    resend.pop("csrfmiddlewaretoken", None)
    if already.same_form:
        resend["submission_token"] = ""  # a new form's token: this one made the first enquiry
    context = {
        "enquiry": already.enquiry,
        "changes": already.changes,
        "same_form": already.same_form,
        "message_form": MessageForm(initial={"text": changes_text}) if already.changes else None,
        "resend": sorted((key, value) for key in resend for value in resend.getlist(key) if key != "submission_token"),
        "new_token": uuid.uuid4(),
        "sent_words": sla.describe_moment(already.enquiry.submitted_at),
        "submit_url": reverse("enquiries:submit_service", kwargs={"slug": form.service.slug})
        if form.service is not None
        else reverse("enquiries:submit"),
    }
    return render(request, "enquiries/already_sent.html", context)


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
    service = _service_or_404(request.GET.get("service") or "leadership")
    pause = pcn_support_pause_current()
    urgent = request.GET.get("urgent") in ("1", "true", "on")
    pcn_held = not service.for_person and pause is not None and request.GET.get("scope") == Scope.PCN
    return JsonResponse(_due_preview(urgent=urgent, pcn_held=pcn_held, now=timezone.now(), service=service))


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


def _detail_context(request, enquiry: Enquiry, *, message_form=None, sharing_form=None) -> dict:
    now = timezone.now()
    state = _state(enquiry, now=now)
    is_submitter = enquiry.submitted_by_id == request.user.pk
    shared_with = list(enquiry.shared_with.order_by("first_name", "last_name", "email"))
    if enquiry.service.for_person:
        sharing_form = None  # only ever the sender's: nothing to change
    elif is_submitter and sharing_form is None:
        sharing_form = SharingForm(initial={"sharing": enquiry.sharing, "shared_with": shared_with})
    if sharing_form is not None:
        sharing_form.set_colleagues(enquiry_sharing_choices(practice_id=enquiry.practice_id, sender=request.user))
    chase_at = enquiry_chase_available_at(enquiry=enquiry)
    return {
        "enquiry": enquiry,
        "promise": _promise(enquiry, now=now),
        "state": state.value,
        "overdue": state == sla.SlaState.BREACHED,
        "late": state == sla.SlaState.MISSED,
        "can_chase": state == sla.SlaState.BREACHED and (chase_at is None or chase_at <= now),
        "chased_words": sla.describe_moment(enquiry.chased_at) if enquiry.chased_at else "",
        "due_words": sla.describe_moment(enquiry.first_contact_due_at) if enquiry.first_contact_due_at else "",
        "timeline": enquiry_timeline_for_member(enquiry=enquiry),
        "submitted_words": sla.describe_moment(enquiry.submitted_at),
        # What they wrote is shown to the person who wrote it only: colleagues
        # at the practice may be the people the enquiry is about.
        "is_submitter": is_submitter,
        "sharing_words": sharing_in_words(sharing=enquiry.sharing, shared_with=shared_with)
        if is_submitter
        else ("Everyone at the practice" if enquiry.sharing == "practice" else "The sender and colleagues they named"),
        "sharing_form": sharing_form if is_submitter and not enquiry.service.for_person else None,
        "sharing_history": enquiry_sharing_history_for_sender(enquiry=enquiry) if is_submitter else [],
        "conversation": enquiry_messages_for_member(enquiry=enquiry),
        "message_form": message_form or MessageForm(),
        "can_write": enquiry.status != "closed" and enquiry.anonymised_at is None,
        "signposted": enquiry_signposts_for_member(enquiry=enquiry),
        "sessions": enquiry_sessions_for_member(enquiry=enquiry) if enquiry.service.for_person else [],
        "plan_words": sla.describe_moment(enquiry.plan_published_at) if enquiry.plan_published_at else "",
        "outcome_words": sla.describe_moment(enquiry.outcome_published_at) if enquiry.outcome_published_at else "",
    }


@member_required
def enquiry_detail(request, reference: str):
    enquiry = _enquiry_or_404(request, reference)
    return render(request, "enquiries/detail.html", _detail_context(request, enquiry))


@member_required
@require_POST
def enquiry_message_send_view(request, reference: str):
    """A member writes to the LMC on an enquiry they may see, with optional documents."""
    enquiry = _enquiry_or_404(request, reference)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            enquiry_message_send(
                enquiry=enquiry, author=request.user, text=form.cleaned_data["text"], files=form.cleaned_data["files"]
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            flash.success(request, "Message sent. We have told your LMC officer; they will reply here.")
            return redirect(reverse("enquiries:detail", kwargs={"reference": enquiry.reference}) + "#conversation")
    if form.errors.get("files") and not form.errors.get("text"):
        form.add_error("files", "Your message has not been sent yet: it is kept below. Choose the files again.")
    return render(request, "enquiries/detail.html", _detail_context(request, enquiry, message_form=form), status=400)


@member_required
@never_cache
def enquiry_file_download(request, reference: str, file_id: int):
    """Give a document on an enquiry the member may see, always as a download."""
    document = enquiry_file_get_for_member(user=request.user, reference=reference, file_id=file_id)
    if document is None:
        raise Http404("No such document on your enquiries.")
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.name,
        content_type=KINDS[document.kind].content_type,
    )
    response["Cache-Control"] = "no-store, private"
    return response


@member_required
@require_POST
def enquiry_chase_view(request, reference: str):
    """Chase an overdue first contact (at most once a day per enquiry)."""
    enquiry = _enquiry_or_404(request, reference)
    try:
        chased = enquiry_chase(enquiry=enquiry, by=request.user)
    except ValidationError as error:
        flash.info(request, " ".join(error.messages))
    else:
        if chased:
            flash.success(request, "We have alerted the LMC's triage lead and your officer. We're sorry for the wait.")
        else:
            flash.info(request, "This enquiry was chased in the last 24 hours: the triage lead already knows.")
    return redirect("enquiries:detail", reference=enquiry.reference)


@member_required
@require_POST
def enquiry_sharing_view(request, reference: str):
    """The sender widens or narrows who at the practice may see the enquiry."""
    enquiry = _enquiry_or_404(request, reference)
    if enquiry.submitted_by_id != request.user.pk:
        raise Http404("Only the sender can change who sees this enquiry.")
    form = SharingForm(request.POST)
    form.set_colleagues(enquiry_sharing_choices(practice_id=enquiry.practice_id, sender=request.user))
    if form.is_valid():
        try:
            enquiry_sharing_change(
                enquiry=enquiry,
                by=request.user,
                sharing=form.cleaned_data["sharing"],
                shared_with=list(form.cleaned_data["shared_with"]),
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            flash.success(request, "Saved: who can see this enquiry has changed.")
            return redirect(reverse("enquiries:detail", kwargs={"reference": enquiry.reference}) + "#sharing")
    return render(request, "enquiries/detail.html", _detail_context(request, enquiry, sharing_form=form), status=400)


@member_required
@require_POST
def enquiry_draft_save_view(request):
    """Keep what the member has typed so far (every 30 seconds and on leaving the page)."""
    draft = enquiry_draft_save(author=request.user, data=request.POST)
    saved = timezone.localtime(draft.updated_at) if draft else None
    return JsonResponse({"saved": draft is not None, "at": sla.describe_time(saved) if saved else ""})

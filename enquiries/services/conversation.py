"""The member's side of an enquiry after it is sent: who sees it, the conversation
with the LMC and its documents, chasing a late first contact, notices of the
agreed plan and outcome, and drafts of the Request support form.

Emails here say that something new is waiting and link to it; none carries
what anyone wrote.
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mail.services import email_queue
from members.models import Practice, User

from ..files import FILE_MAX_BYTES, FILES_PER_MESSAGE, KINDS, file_kind, file_refusal
from ..history import save_with_history
from ..models import MESSAGE_MAX_LENGTH, Enquiry, EnquiryDraft, EnquiryFile, EnquiryMessage, Sharing, Status
from ..selectors.member import (
    SHARING_CHANGE_PREFIX,
    enquiry_list_for_member,
    enquiry_member_readers,
    enquiry_sharing_choices,
)
from ..selectors.visibility import enquiry_is_visible_to_staff

__all__ = [
    "CHASE_INTERVAL",
    "DRAFT_FIELDS",
    "DRAFT_KEEP_DAYS",
    "MESSAGE_MAX_LENGTH",
    "enquiry_chase",
    "enquiry_chase_available_at",
    "enquiry_draft_delete",
    "enquiry_draft_save",
    "enquiry_drafts_delete_expired",
    "enquiry_message_send",
    "enquiry_messages_mark_read_by_lmc",
    "enquiry_messages_remove",
    "enquiry_published_notify",
    "enquiry_sharing_change",
    "enquiry_sharing_check",
    "sharing_in_words",
    "PERSON_ONLY_ME_MESSAGE",
]

logger = logging.getLogger(__name__)

CHASE_INTERVAL = timedelta(hours=24)
DRAFT_KEEP_DAYS = 30
# What a draft keeps: the text fields of the Request support form, nothing else.
DRAFT_FIELDS = [
    "practice",
    "scope",
    "topic",
    "urgent",
    "urgent_reason",
    "summary",
    "details",
    "preferred_contact_times",
    "contact_phone",
    "sharing",
]
DRAFT_FIELD_MAX_LENGTH = 20_000


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _member_link(enquiry: Enquiry, anchor: str = "") -> str:
    return _absolute(reverse("enquiries:detail", kwargs={"reference": enquiry.reference})) + anchor


def _admin_link(enquiry: Enquiry) -> str:
    return _absolute(reverse("admin:enquiries_enquiry_change", args=[enquiry.pk]))


def _name(user: User | None) -> str:
    if user is None:
        return "a former member"
    return user.get_full_name() or user.email


# --- Who sees an enquiry ---------------------------------------------------------


# Said when anyone tries to widen who sees a request to a service for a person.
PERSON_ONLY_ME_MESSAGE = "Only you can ever see a request for pastoral and professional support."


def sharing_in_words(*, sharing: str, shared_with: Iterable[User] = ()) -> str:
    """Say who at the practice may see an enquiry, e.g. "You and Dr Ann Lee"."""
    if sharing == Sharing.PRACTICE:
        return "Everyone at the practice"
    if sharing == Sharing.NAMED:
        names = sorted(_name(user) for user in shared_with)
        return "You and " + ", ".join(names) if names else "Only you"
    return "Only you"


def enquiry_sharing_check(*, practice: Practice, sender: User, sharing: str, shared_with: Iterable[User]) -> list[User]:
    """Return the colleagues to name, or raise ValidationError (keyed by field) for a choice not allowed.

    Only active members of the enquiry's practice can be named; naming people
    is only for "me and named colleagues".
    """
    if sharing not in Sharing.values:
        raise ValidationError({"sharing": "Choose who at your practice may see this enquiry."})
    named = {user.pk: user for user in shared_with if user.pk != sender.pk}
    if sharing != Sharing.NAMED:
        return []
    if not named:
        raise ValidationError(
            {"shared_with": "Choose at least one colleague, or choose 'Only me' or 'Everyone at the practice'."}
        )
    allowed = set(
        enquiry_sharing_choices(practice_id=practice.pk, sender=sender).filter(pk__in=named).values_list("pk", flat=True)
    )
    outsiders = [user for pk, user in named.items() if pk not in allowed]
    if outsiders:
        raise ValidationError(
            {"shared_with": f"You can only name people at {practice.name}. Remove: {', '.join(map(_name, outsiders))}."}
        )
    return list(named.values())


@transaction.atomic
def enquiry_sharing_change(
    *, enquiry: Enquiry, by: User, sharing: str, shared_with: Iterable[User] = (), now: datetime | None = None
) -> Enquiry:
    """Let the sender widen or narrow who at the practice sees `enquiry`; record it in the history.

    Only the person who sent it may change this: nobody else ever widens access.
    """
    now = now or timezone.now()
    enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    if enquiry.submitted_by_id != by.pk:
        raise ValidationError("Only the person who sent this enquiry can change who sees it.")
    if enquiry.service.for_person and sharing != Sharing.ONLY_ME:
        raise ValidationError({"sharing": PERSON_ONLY_ME_MESSAGE})
    named = enquiry_sharing_check(practice=enquiry.practice, sender=by, sharing=sharing, shared_with=shared_with)
    enquiry.sharing = sharing
    enquiry.full_clean()
    reason = SHARING_CHANGE_PREFIX + sharing_in_words(sharing=sharing, shared_with=named).replace(
        "You", "the sender", 1
    ).replace("Only you", "only the sender")
    save_with_history(enquiry, by=by, at=now, reason=reason)
    enquiry.shared_with.set(named)
    return enquiry


# --- Messages and documents --------------------------------------------------------


def _check_files(files: list[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    if len(files) > FILES_PER_MESSAGE:
        raise ValidationError({"files": f"Attach up to {FILES_PER_MESSAGE} files to one message."})
    errors, checked = [], []
    for upload in files:
        size = upload.size or 0
        kind = file_kind(upload) if size <= FILE_MAX_BYTES else None
        refusal = file_refusal(name=upload.name or "The file", size=size, kind=kind)
        if refusal:
            errors.append(refusal)
        elif kind is not None:  # no refusal means the kind is known
            checked.append((upload, kind))
    if errors:
        raise ValidationError({"files": errors})
    return checked


def _download_name(name: str, kind: str) -> str:
    """The file's name as given, with the extension its content earns (a.pdf.html stays a PDF)."""
    base = (name or "document").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = "".join(ch for ch in stem if ch.isprintable() and ch not in '"\\;\0').strip() or "document"
    return f"{stem[:150]}.{KINDS[kind].extension}"


def _is_member_author(*, enquiry: Enquiry, author: User) -> bool:
    return enquiry_list_for_member(user=author).filter(pk=enquiry.pk).exists()


def enquiry_message_send(
    *, enquiry: Enquiry, author: User, text: str, files: Iterable[UploadedFile] = (), now: datetime | None = None
) -> EnquiryMessage:
    """Add a message (and documents) to `enquiry`'s conversation and email the other side a notice.

    A member who may see the enquiry writes to the LMC: the assigned officer,
    or the triage inbox when nobody is assigned, gets the notice. An officer
    who may see it writes to the practice: everyone who may see the enquiry
    gets the notice. Raise ValidationError (keyed by `text` / `files`) for an
    empty or over-long message, or a file refused by type or size; nothing is
    saved then.
    """
    now = now or timezone.now()
    text = text.replace("\x00", "").strip()
    files = list(files)
    errors: dict[str, list[str]] = {}
    if not text and not files:
        errors["text"] = ["Write your message, or attach a file."]
    if len(text) > MESSAGE_MAX_LENGTH:
        errors["text"] = [
            f"Your message must be {MESSAGE_MAX_LENGTH:,} characters or fewer. "
            f"You have written {len(text):,}: please shorten it or send it in two parts."
        ]
    try:
        checked = _check_files(files)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if enquiry.status == Status.CLOSED:
        raise ValidationError({"text": f"{enquiry.reference} is closed. To ask for more help, request support again."})
    if enquiry.anonymised_at is not None:
        raise ValidationError({"text": f"{enquiry.reference} has been removed under the retention policy."})

    if _is_member_author(enquiry=enquiry, author=author):
        from_lmc = False
    elif author.is_staff and author.has_perm("enquiries.record_contact_enquiry") and enquiry_is_visible_to_staff(
        user=author, enquiry=enquiry
    ):
        from_lmc = True
    else:
        raise ValidationError("You cannot write on this enquiry.")

    stored: list[str] = []
    try:
        with transaction.atomic():
            message = EnquiryMessage(enquiry=enquiry, author=author, from_lmc=from_lmc, text=text, created_at=now)
            if from_lmc:
                message.read_by_lmc_at = now
            message.full_clean()
            message.save()
            for upload, kind in checked:
                record = EnquiryFile(
                    message=message,
                    name=_download_name(upload.name or "document", kind),
                    kind=kind,
                    size=upload.size or 0,
                    created_at=now,
                )
                upload.seek(0)
                record.file.save(upload.name or "document", upload, save=False)
                stored.append(record.file.name)
                record.full_clean()
                record.save()
            _queue_message_notices(message=message, enquiry=enquiry)
    except Exception:
        # The rows are rolled back; do not leave their files behind.
        for name in stored:
            EnquiryFile.file.field.storage.delete(name)
        raise
    return message


def _queue_message_notices(*, message: EnquiryMessage, enquiry: Enquiry) -> None:
    if message.from_lmc:
        for reader in enquiry_member_readers(enquiry=enquiry):
            if reader.email:
                email_queue(
                    to=[reader.email],
                    template="enquiries/email/message_to_member",
                    context={"enquiry": enquiry, "reader": reader, "link": _member_link(enquiry, "#conversation")},
                    dedupe_key=f"enquiry-message:{message.pk}:{reader.pk}",
                )
        return
    officer = enquiry.assigned_to
    inbox = enquiry.service.inbox
    to = officer.email if officer is not None and officer.is_active and officer.email else inbox
    email_queue(
        to=[to],
        template="enquiries/email/message_to_lmc",
        context={"enquiry": enquiry, "assigned": to != inbox, "link": _admin_link(enquiry)},
        dedupe_key=f"enquiry-message:{message.pk}:lmc",
    )


def enquiry_messages_mark_read_by_lmc(*, enquiry: Enquiry, now: datetime | None = None) -> int:
    """Mark the practice's messages on `enquiry` as read by the LMC; return how many were unread."""
    return enquiry.messages.filter(from_lmc=False, read_by_lmc_at__isnull=True).update(
        read_by_lmc_at=now or timezone.now()
    )


def enquiry_messages_remove(enquiry: Enquiry) -> None:
    """Delete `enquiry`'s messages and their stored documents (the retention job's hook)."""
    files = list(EnquiryFile.objects.filter(message__enquiry=enquiry).values_list("file", flat=True))
    EnquiryMessage.objects.filter(enquiry=enquiry).delete()
    storage = EnquiryFile.file.field.storage

    def delete_files() -> None:
        for name in files:
            try:
                storage.delete(name)
            except OSError:
                logger.exception("Retention: could not delete stored file %s", name)

    transaction.on_commit(delete_files)


# --- Chasing a late first contact ----------------------------------------------------


def enquiry_chase_available_at(*, enquiry: Enquiry) -> datetime | None:
    """Return when the enquiry may next be chased, or None if it may be now."""
    if enquiry.chased_at is None:
        return None
    return enquiry.chased_at + CHASE_INTERVAL


def enquiry_chase(*, enquiry: Enquiry, by: User, now: datetime | None = None) -> bool:
    """Chase an overdue first contact: alert the triage inbox and the assigned officer.

    At most once per 24 hours per enquiry, whoever chases; return False (and
    send nothing) when it was chased less than 24 hours ago. Raise
    ValidationError when first contact is not overdue.
    """
    now = now or timezone.now()
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update(of=("self",)).select_related("assigned_to").get(pk=enquiry.pk)
        if enquiry.first_contact_at is not None or enquiry.first_contact_due_at is None:
            raise ValidationError("There is nothing to chase: the LMC has already been in touch, or it is on hold.")
        if enquiry.first_contact_due_at > now:
            raise ValidationError("The time we promised has not passed yet.")
        if enquiry.chased_at is not None and now < enquiry.chased_at + CHASE_INTERVAL:
            return False
        enquiry.chased_at = now
        save_with_history(enquiry, by=by, at=now, reason="Chased by the practice: first contact is overdue")
        recipients = [enquiry.service.inbox]
        if enquiry.assigned_to is not None and enquiry.assigned_to.is_active and enquiry.assigned_to.email:
            recipients.append(enquiry.assigned_to.email)
        for address in dict.fromkeys(recipients):
            email_queue(
                to=[address],
                template="enquiries/email/chase",
                context={"enquiry": enquiry, "link": _admin_link(enquiry)},
                dedupe_key=f"enquiry-chase:{enquiry.pk}:{now.isoformat()}:{address}",
            )
    return True


# --- The agreed plan and the outcome ---------------------------------------------------


def enquiry_published_notify(*, enquiry: Enquiry, what: str, at: datetime) -> None:
    """Tell everyone who may see `enquiry` that its agreed plan or outcome (`what`) is on the portal."""
    for reader in enquiry_member_readers(enquiry=enquiry):
        if reader.email:
            email_queue(
                to=[reader.email],
                template="enquiries/email/published",
                context={"enquiry": enquiry, "what": what, "reader": reader, "link": _member_link(enquiry, "#agreed")},
                dedupe_key=f"enquiry-published:{enquiry.pk}:{what}:{at.isoformat()}:{reader.pk}",
            )


# --- Drafts -------------------------------------------------------------------------


def enquiry_draft_save(*, author: User, data: dict, now: datetime | None = None) -> EnquiryDraft | None:
    """Keep what `author` has typed into the Request support form; an empty form deletes the draft."""
    now = now or timezone.now()
    kept: dict[str, Any] = {}
    for field in DRAFT_FIELDS:
        value = data.get(field, "")
        if isinstance(value, str):
            value = value.replace("\x00", "")[:DRAFT_FIELD_MAX_LENGTH]
            if value.strip():
                kept[field] = value
    if hasattr(data, "getlist"):
        # The colleagues ticked for "me and named colleagues" (checked again when it is sent).
        kept["shared_with"] = [value for value in data.getlist("shared_with") if str(value).isdigit()][:50]
    if not any(kept.get(f) for f in ("summary", "details", "urgent_reason", "preferred_contact_times")):
        enquiry_draft_delete(author=author)
        return None
    draft, _ = EnquiryDraft.objects.update_or_create(author=author, defaults={"data": kept, "updated_at": now})
    return draft


def enquiry_draft_delete(*, author: User) -> None:
    EnquiryDraft.objects.filter(author=author).delete()


def enquiry_drafts_delete_expired(*, now: datetime | None = None) -> int:
    """Delete drafts untouched for 30 days; return how many."""
    now = now or timezone.now()
    deleted, _ = EnquiryDraft.objects.filter(updated_at__lt=now - timedelta(days=DRAFT_KEEP_DAYS)).delete()
    return deleted

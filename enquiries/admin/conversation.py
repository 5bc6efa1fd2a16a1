"""Staff side of an enquiry's conversation with the practice, for the triage Enquiry admin.

The change page shows the messages in order, the practice's unread ones
marked "New" (they count as read once shown); staff write from a page of
their own; documents download through an access-checked, logged view. The
changelist's "Message" column says when the practice is waiting for a reply.

Wiring (kept to a few lines in enquiries/admin/triage.py):

    class EnquiryAdmin(EnquiryConversationAdminMixin, EnquiryDataProtectionAdminMixin, admin.ModelAdmin):
        list_display = [..., "message_waiting_display"]
        def get_queryset(self, request):
            return ...annotate(message_waiting=MESSAGE_WAITING)
"""

from contextvars import ContextVar

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.safestring import mark_safe

from ..files import KINDS
from ..forms import MessageForm
from ..models import AccessAction, Enquiry, EnquiryFile
from ..selectors.needs_you import MESSAGE_WAITING
from ..services.conversation import enquiry_message_send, enquiry_messages_mark_read_by_lmc
from ..services.data_protection import enquiry_access_record

__all__ = ["MESSAGE_WAITING", "EnquiryConversationAdminMixin", "MessageWaitingFilter"]

WRITE_PERMISSION = "enquiries.record_contact_enquiry"

# The practice's messages that were unread when this request's change page
# was opened (the ModelAdmin is shared by every request, so not on `self`).
_unread_ids: ContextVar[frozenset[int]] = ContextVar("enquiry_unread_message_ids", default=frozenset())


class MessageWaitingFilter(admin.SimpleListFilter):
    """Enquiries whose practice is waiting for a reply (needs the `message_waiting` annotation)."""

    title = "messages"
    parameter_name = "message"

    def lookups(self, request, model_admin):
        return [("waiting", "Practice waiting for a reply")]

    def queryset(self, request, queryset):
        return queryset.filter(message_waiting=True) if self.value() == "waiting" else queryset


class StaffMessageForm(MessageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = "Message to the practice"
        self.fields["text"].help_text = (
            "Everyone at the practice who may see this enquiry can read it. They are emailed that there is a "
            "new message, never its text. For notes the practice must not see, use a staff note."
        )


class EnquiryConversationAdminMixin:
    """Adds the conversation to the Enquiry admin's change page, a reply page and document downloads."""

    CONVERSATION_FIELDSET = ("Messages with the practice (shown to the practice)", {"fields": ["conversation_display"]})

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        return [*fieldsets, self.CONVERSATION_FIELDSET] if obj is not None else fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "conversation_display"]

    @admin.display(description="Waiting", boolean=False)
    def message_waiting_display(self, obj: Enquiry) -> str:
        if getattr(obj, "message_waiting", False):
            return mark_safe('<strong class="triage-message-waiting">Reply waiting</strong>')
        return ""

    @admin.display(description="Conversation")
    def conversation_display(self, obj: Enquiry) -> str:
        conversation = list(
            obj.messages.select_related("author").prefetch_related("files").order_by("created_at", "pk")
        )
        unread = _unread_ids.get()
        return render_to_string(
            "admin/enquiries/enquiry/_conversation.html",
            {
                "enquiry": obj,
                "conversation": conversation,
                "unread": unread,
                "reply_url": reverse("admin:enquiries_enquiry_message", args=[obj.pk]),
            },
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Which of the practice's messages are new to the LMC is decided before
        # the page is shown; they count as read once it has been.
        enquiry = self.get_object(request, object_id)
        if enquiry is None or request.method != "GET":
            return super().change_view(request, object_id, form_url, extra_context)
        token = _unread_ids.set(
            frozenset(enquiry.messages.filter(from_lmc=False, read_by_lmc_at__isnull=True).values_list("pk", flat=True))
        )
        try:
            response = super().change_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()
        finally:
            _unread_ids.reset(token)
        enquiry_messages_mark_read_by_lmc(enquiry=enquiry)
        return response

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/message/",
                self.admin_site.admin_view(self.message_view),
                name="enquiries_enquiry_message",
            ),
            path(
                "<path:object_id>/document/<int:file_id>/",
                self.admin_site.admin_view(self.document_view),
                name="enquiries_enquiry_document",
            ),
        ]
        return own + super().get_urls()

    def _visible_enquiry(self, request, object_id) -> Enquiry:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request).filter(pk=object_id))

    def message_view(self, request, object_id):
        """Staff write to the practice, with optional documents."""
        enquiry = self._visible_enquiry(request, object_id)
        if not request.user.has_perm(WRITE_PERMISSION):
            raise PermissionDenied
        change_url = reverse("admin:enquiries_enquiry_change", args=[enquiry.pk])
        form = StaffMessageForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                enquiry_message_send(
                    enquiry=enquiry, author=request.user, text=form.cleaned_data["text"], files=form.cleaned_data["files"]
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                self.message_user(request, f"Message sent on {enquiry.reference}; the practice is told by email.")
                return HttpResponseRedirect(change_url + "#fieldset-0-2-heading")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Write to the practice: {enquiry.reference}",
            "opts": self.model._meta,
            "form": form,
            "enquiry": enquiry,
            "cancel_url": change_url,
        }
        return TemplateResponse(request, "admin/enquiries/enquiry/message.html", context)

    def document_view(self, request, object_id, file_id):
        """Download a document on an enquiry this officer may see; the access is logged."""
        enquiry = self._visible_enquiry(request, object_id)
        document = EnquiryFile.objects.filter(pk=file_id, message__enquiry=enquiry).first()
        if document is None:
            raise Http404
        enquiry_access_record(
            user=request.user,
            enquiries=[enquiry],
            action=AccessAction.VIEWED,
            request=request,
            note=f"Downloaded document {document.name}",
        )
        response = FileResponse(
            document.file.open("rb"), as_attachment=True, filename=document.name, content_type=KINDS[document.kind].content_type
        )
        response["Cache-Control"] = "no-store, private"
        return response

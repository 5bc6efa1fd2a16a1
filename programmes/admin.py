"""Staff side of the programme: sessions with their counts, attendees and
attendance, training records, and the peer-review and mentoring pairings.
Programmes, cohorts, Training Hubs and interests are in `admin_cohorts` and
`admin_leadership`, registered from here."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from lmcportal import csv
from members.models import Membership, User

from . import selectors, services
from .models import (
    Area,
    AspiringGroup,
    Booking,
    Goal,
    Mentoring,
    MentoringSession,
    PeerReview,
    Session,
    Training,
)


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(AspiringGroup)
class AspiringGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "member_count"]
    list_filter = ["area"]
    search_fields = ["name", "area__name"]
    autocomplete_fields = ["members"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("area").annotate(member_count=Count("members"))

    @admin.display(description="members", ordering="member_count")
    def member_count(self, obj):
        return obj.member_count


class BookingInline(admin.TabularInline):
    """The attendee list. Bookings change only through the services (book, cancel, attendance)."""

    model = Booking
    fields = ["user", "status", "created_at", "attended", "reminded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["status", "created_at", "pk"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Cancelled bookings stay in the Bookings list; here only the people coming or waiting.
        return super().get_queryset(request).filter(status__in=Booking.ACTIVE).select_related("user")


def _practices(user) -> str:
    return "; ".join(
        f"{membership.practice.name} ({membership.practice.ods_code})" for membership in user.active_memberships
    )


def attendance_csv(sessions) -> HttpResponse:
    """Return a CSV of everyone booked on `sessions`, with their attendance."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="programme-attendance-{timezone.localdate():%Y-%m-%d}.csv"'
    writer = csv.writer(response)
    writer.writerow(["Session", "Kind", "Footprint", "Date", "Name", "Email", "Practice", "Booking", "Attended"])
    members = Prefetch(
        "user__memberships",
        queryset=Membership.objects.filter(is_active=True).select_related("practice"),
        to_attr="active_memberships",
    )
    bookings = (
        Booking.objects.filter(session__in=sessions, status__in=Booking.ACTIVE)
        .select_related("session", "session__area", "user")
        .prefetch_related(members)
        .order_by("session__starts_at", "session_id", "status", "created_at")
    )
    attended_label = {True: "Yes", False: "No", None: "Not recorded"}
    for booking in bookings:
        session = booking.session
        writer.writerow(
            [
                session.title,
                session.get_kind_display(),
                session.area.name,
                f"{timezone.localtime(session.starts_at):%d/%m/%Y %H:%M}",
                booking.user.get_full_name(),
                booking.user.email,
                _practices(booking.user),
                booking.get_status_display(),
                attended_label[booking.attended],
            ]
        )
    return response


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "area", "starts_at", "mode", "capacity", "booked", "waitlisted", "attendees_link"]
    list_filter = ["kind", "area", "mode", "audience"]
    search_fields = ["title", "venue", "area__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["group"]
    inlines = [BookingInline]
    actions = ["export_attendance"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["programme", "title", "kind", "description", "area", "group", "audience"]}),
        ("Where", {"fields": ["mode", "venue", "online_link"]}),
        ("When", {"fields": ["starts_at", "ends_at", "booking_closes_at", "cancellation_until"]}),
        ("Places", {"fields": ["capacity", "deletion"]}),
    ]
    readonly_fields = ["deletion"]

    def get_queryset(self, request):
        return selectors.sessions_for_staff()

    def has_delete_permission(self, request, obj=None):
        # People (and training records) rely on a booked session: cancel the bookings instead.
        if obj is not None and (obj.bookings.exists() or obj.training_set.exists()):
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description="can it be deleted?")
    def deletion(self, obj):
        if obj and obj.pk and not self.has_delete_permission(None, obj):
            return (
                "This session cannot be deleted because people have booked it (or it gave them their training). "
                "Cancel the bookings instead: each person is emailed."
            )
        return "A session nobody has booked can be deleted."

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            promoted = services.session_fill_from_waiting_list(session=obj)
            if promoted:
                self.message_user(
                    request, f"{promoted} {'person' if promoted == 1 else 'people'} moved off the waiting list and emailed."
                )

    @admin.display(description="booked", ordering="booked_count")
    def booked(self, obj):
        return obj.booked_count

    @admin.display(description="waiting list", ordering="waitlisted_count")
    def waitlisted(self, obj):
        return obj.waitlisted_count

    @admin.display(description="attendance")
    def attendees_link(self, obj):
        url = reverse("admin:programmes_booking_changelist") + f"?session__id__exact={obj.pk}&status__exact=confirmed"
        return format_html('<a href="{}">Record attendance</a>', url)

    @admin.action(description="Download attendance (CSV) for the selected sessions")
    def export_attendance(self, request, queryset):
        return attendance_csv(queryset.values("pk"))


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["user", "session", "status", "created_at", "attended", "reminded_at"]
    list_filter = ["status", "attended", "session__area", "session__kind", ("session", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__email", "user__first_name", "user__last_name", "session__title"]
    list_select_related = ["user", "session", "session__area"]
    readonly_fields = [
        "session", "user", "status", "created_at", "confirmed_at", "cancelled_at", "attended", "reminded_at", "ics_sequence"
    ]
    actions = ["mark_attended", "mark_absent", "cancel_bookings"]

    def has_add_permission(self, request):
        # Staff book people in from the members' side or ask them to book; places are only given by the service.
        return False

    def has_delete_permission(self, request, obj=None):
        # A booking is the record of a place (and of attendance): cancel it, never delete it.
        return False

    def _record(self, request, queryset, attended: bool):
        try:
            count = services.attendance_record(bookings=queryset.select_related("session"), attended=attended)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        skipped = queryset.count() - count
        message = f"Recorded {count} booking{'s' if count != 1 else ''} as {'attended' if attended else 'did not attend'}."
        if skipped:
            message += f" {skipped} not confirmed (waiting list or cancelled) were left alone."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Record as attended (training days also record the training)", permissions=["change"])
    def mark_attended(self, request, queryset):
        self._record(request, queryset, True)

    @admin.action(description="Record as did not attend", permissions=["change"])
    def mark_absent(self, request, queryset):
        self._record(request, queryset, False)

    @admin.action(description="Cancel the selected bookings (places go to the waiting list)", permissions=["change"])
    def cancel_bookings(self, request, queryset):
        done = 0
        for booking in queryset.filter(status__in=Booking.ACTIVE):
            try:
                services.booking_cancel(booking=booking)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{booking}: {' '.join(error.messages)}", messages.ERROR)
        self.message_user(request, f"Cancelled {done} booking{'s' if done != 1 else ''}; each person was emailed.")


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "completed_on", "session"]
    list_filter = ["kind"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["session"]
    list_select_related = ["user", "session"]


def _adopt(obj, saved) -> None:
    """Make the admin's unsaved `obj` the row a service just created, so inlines attach to it."""
    for field in saved._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


def _trained(kind: str):
    return User.objects.filter(programme_trainings__kind=kind).order_by("last_name", "first_name")


class PeerReviewForm(forms.ModelForm):
    class Meta:
        model = PeerReview
        fields = ["manager", "reviewer", "meeting_on", "meeting_notes", "plan_agreed_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "reviewer" in self.fields:
            self.fields["reviewer"].queryset = _trained(Training.Kind.PEER_REVIEWER)
            self.fields["reviewer"].help_text = "Only trained peer reviewers are listed."


class GoalInline(admin.StackedInline):
    model = Goal
    extra = 0
    fields = ["what", "why", "target_date", "status", "progress_notes"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # the plan is the manager's own: they write it in the members area


@admin.register(PeerReview)
class PeerReviewAdmin(admin.ModelAdmin):
    form = PeerReviewForm
    list_display = ["manager", "reviewer", "paired_at", "meeting_on", "plan_agreed_at"]
    search_fields = ["manager__email", "manager__last_name", "reviewer__email", "reviewer__last_name"]
    autocomplete_fields = ["manager"]
    readonly_fields = ["plan_agreed_at"]
    list_select_related = ["manager", "reviewer"]
    inlines = [GoalInline]

    def get_fields(self, request, obj=None):
        # A new pairing is just who and with whom; the reviewer records the meeting later.
        return ["manager", "reviewer"] if obj is None else super().get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        _adopt(obj, services.peer_review_pair(manager=obj.manager, reviewer=obj.reviewer))
        return None


class MentoringForm(forms.ModelForm):
    class Meta:
        model = Mentoring
        fields = ["mentee", "mentor", "started_on", "ended_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "mentor" in self.fields:
            self.fields["mentor"].queryset = _trained(Training.Kind.MENTOR)
            self.fields["mentor"].help_text = "Only trained coaches and mentors are listed."


class MentoringSessionInline(admin.TabularInline):
    model = MentoringSession
    extra = 1


@admin.register(Mentoring)
class MentoringAdmin(admin.ModelAdmin):
    form = MentoringForm
    list_display = ["mentee", "mentor", "started_on", "ended_on", "session_count"]
    search_fields = ["mentee__email", "mentee__last_name", "mentor__email", "mentor__last_name"]
    autocomplete_fields = ["mentee"]
    list_select_related = ["mentee", "mentor"]
    inlines = [MentoringSessionInline]

    def get_fields(self, request, obj=None):
        # A pairing starts open; it is ended later, on the pairing's own page.
        return ["mentee", "mentor", "started_on"] if obj is None else super().get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        _adopt(obj, services.mentoring_pair(mentee=obj.mentee, mentor=obj.mentor, started_on=obj.started_on))
        return None

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_count=Count("sessions"))

    @admin.display(description="sessions", ordering="session_count")
    def session_count(self, obj):
        return obj.session_count


from . import admin_cohorts, admin_leadership  # noqa: F401  (registers their ModelAdmins)

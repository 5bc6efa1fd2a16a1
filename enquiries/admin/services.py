"""Support services and the signposting directory, managed by the triage lead."""

from django import forms
from django.contrib import admin

from ..models import ALL_TOPIC_CHOICES, Signpost, SupportService

__all__ = ["SupportServiceAdmin", "SignpostAdmin"]


class TopicsField(forms.MultipleChoiceField):
    """The topics a service offers, or a signpost is shown beside, chosen from every known topic."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        kwargs.pop("max_length", None)
        super().__init__(choices=ALL_TOPIC_CHOICES, **kwargs)


# Addresses under /enquiries/new/ that are not a service's form.
RESERVED_SLUGS = {"due-time", "draft"}


class SupportServiceForm(forms.ModelForm):
    topics = TopicsField(label="Topics", help_text="The topics members choose from on the service's form.")

    class Meta:
        model = SupportService
        fields = "__all__"  # noqa: DJ007 (the ModelAdmin's fieldsets choose what is shown)

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError("This address is used by the portal already: choose another.")
        return slug


@admin.register(SupportService)
class SupportServiceAdmin(admin.ModelAdmin):
    form = SupportServiceForm
    list_display = ["name", "reference_prefix", "audience", "standard_working_days", "urgent_hours", "staff_group"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "reference_prefix", "position", "description", "who_reads", "crisis_contacts"]}),
        ("Who it is for and who sees it", {"fields": ["audience", "default_sharing", "staff_group", "reminder_email"]}),
        ("Topics", {"fields": ["topics"]}),
        (
            "First-contact promise",
            {"fields": ["standard_working_days", "urgent_hours", "close_of_business"]},
        ),
        ("Records", {"fields": ["retention_years", "session_allowance"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # References and form addresses already given out must keep working.
        return ["slug", "reference_prefix"] if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # its enquiries refer to it


class SignpostForm(forms.ModelForm):
    topics = TopicsField(label="Topics", required=False, help_text="Shown beside the form for these topics.")

    class Meta:
        model = Signpost
        fields = "__all__"  # noqa: DJ007 (the ModelAdmin's fieldsets choose what is shown)


@admin.register(Signpost)
class SignpostAdmin(admin.ModelAdmin):
    form = SignpostForm
    list_display = ["name", "category", "phone", "who_for"]
    list_filter = ["category"]
    search_fields = ["name", "helps_with"]
    fieldsets = [
        (None, {"fields": ["name", "category", "helps_with"]}),
        ("How to reach them", {"fields": ["phone", "web", "email"]}),
        ("Who it is for", {"fields": ["for_gps", "for_practice_staff", "for_practices"]}),
        ("Beside the support forms", {"fields": ["topics", "topic_advice"]}),
    ]

    @admin.display(description="for")
    def who_for(self, obj: Signpost) -> str:
        return obj.who_for()

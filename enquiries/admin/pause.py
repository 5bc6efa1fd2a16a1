"""The PCN support switch in the staff admin. Saving a pause calls the service;
"Resume PCN support now" ends it and starts the clock for held enquiries."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import path, reverse

from ..models import PcnSupportPause
from ..services import pcn_support_pause, pcn_support_pause_check, pcn_support_resume


class PcnSupportPauseForm(forms.ModelForm):
    class Meta:
        model = PcnSupportPause
        fields = ["message", "ends_on"]

    def clean(self):
        data = super().clean()
        try:
            pcn_support_pause_check(message=data.get("message") or "", ends_on=data.get("ends_on"))
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, field_errors)
        return data


@admin.register(PcnSupportPause)
class PcnSupportPauseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "active", "ends_on", "started_by", "resumed_at", "resumed_by"]
    list_filter = ["active"]
    fields = ["message", "ends_on", "active", "started_at", "started_by", "resumed_at", "resumed_by"]
    readonly_fields = ["active", "started_at", "started_by", "resumed_at", "resumed_by"]
    form = PcnSupportPauseForm
    change_form_template = "enquiries/admin/pause_change_form.html"

    def has_delete_permission(self, request, obj=None) -> bool:
        # Keep the record of when support was paused.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and not obj.active:
            return False
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not PcnSupportPause.objects.filter(active=True).exists()

    def save_model(self, request, obj, form, change) -> None:
        saved = pcn_support_pause(message=obj.message, ends_on=obj.ends_on, by=request.user)
        obj.pk = saved.pk
        obj.started_at = saved.started_at

    def get_urls(self):
        urls = [
            path(
                "resume/",
                self.admin_site.admin_view(self.resume_view),
                name="enquiries_pcnsupportpause_resume",
            )
        ]
        return urls + super().get_urls()

    def resume_view(self, request):
        if request.method != "POST" or not self.has_change_permission(request):
            messages.error(request, "You do not have permission to resume PCN support.")
        else:
            count = pcn_support_resume(by=request.user)
            messages.success(
                request,
                f"PCN support resumed. {count} held {'enquiry now has' if count == 1 else 'enquiries now have'} "
                "a first-contact due time counted from now, and each sender has been emailed.",
            )
        return HttpResponseRedirect(reverse("admin:enquiries_pcnsupportpause_changelist"))

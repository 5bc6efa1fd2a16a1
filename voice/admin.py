"""Staff build surveys here: questions as inlines (reorder by position), a preview as members see it,
results with charts, the CSV export, and publishing (the survey, then "You said, we did")."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from . import selectors, services
from .export import survey_answers_csv
from .models import Question, Survey


class QuestionFormSet(BaseInlineFormSet):
    """Once a question has answers its kind stays: changing it would corrupt the results.

    (Removing it is refused by the admin itself: its answers are protected.)
    """

    def clean(self):
        super().clean()
        for form in self.forms:
            question = form.instance
            if "kind" in getattr(form, "changed_data", []) and question.pk and question.answers.exists():
                form.add_error("kind", "This question already has answers, so its kind cannot change.")


class QuestionInline(admin.StackedInline):
    model = Question
    formset = QuestionFormSet
    extra = 0
    fields = [("position", "kind", "required"), "text", "hint", "choices", ("scale_low_label", "scale_high_label"), "max_length"]
    ordering = ["position", "pk"]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    change_form_template = "admin/voice/survey/change_form.html"
    inlines = [QuestionInline]
    list_display = ["title", "purpose", "audience_words", "opens_at", "closes_at", "status", "response_count"]
    list_filter = ["purpose", "audience", "anonymous"]
    search_fields = ["title"]
    actions = ["publish", "publish_you_said_we_did"]
    readonly_fields = ["published_at", "you_said_we_did_published_at"]
    raw_id_fields = ["audience_enquiry", "audience_session"]
    fieldsets = [
        (None, {"fields": ["title", "purpose", "introduction", "anonymous"]}),
        (
            "Who is asked",
            {
                "fields": ["audience", "audience_role", "audience_pcn", "audience_area", "audience_enquiry", "audience_session"],
                "description": "Fill in only the detail that goes with the audience you choose.",
            },
        ),
        ("When", {"fields": [("opens_at", "closes_at"), "published_at"]}),
        ('"You said, we did"', {"fields": ["you_said_we_did", "you_said_we_did_published_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        """Once anyone has answered, whether the survey is anonymous can no longer change."""
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.responses.exists():
            fields.append("anonymous")
        return fields

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """Label the admin's separate date and time boxes, which Django leaves unlabelled for screen readers."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("opens_at", "closes_at") and field is not None:
            label = db_field.verbose_name.capitalize()
            date_input, time_input = field.widget.widgets
            date_input.attrs["aria-label"] = f"{label}: date (dd/mm/yyyy)"
            time_input.attrs["aria-label"] = f"{label}: time (hh:mm)"
        return field

    @admin.display(description="audience")
    def audience_words(self, survey: Survey) -> str:
        detail = {
            Survey.Audience.ROLE: survey.get_audience_role_display(),
            Survey.Audience.PCN: str(survey.audience_pcn) if survey.audience_pcn_id else "",
            Survey.Audience.AREA: str(survey.audience_area) if survey.audience_area_id else "",
        }.get(survey.audience, "")
        return f"{survey.get_audience_display()}: {detail}" if detail else survey.get_audience_display()

    @admin.display(description="status")
    def status(self, survey: Survey) -> str:
        now = timezone.now()
        if survey.published_at is None:
            return "Draft"
        if now < survey.opens_at:
            return "Published, not open yet"
        if now < survey.closes_at:
            return "Open"
        return "Closed, summary published" if survey.you_said_we_did_published_at else "Closed"

    @admin.display(description="responses")
    def response_count(self, survey: Survey) -> int:
        return survey.response_total

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("audience_pcn", "audience_area").annotate(response_total=Count("responses"))

    @admin.action(description="Publish the selected surveys (members see them when they open)")
    def publish(self, request, queryset):
        done = 0
        for survey in queryset:
            try:
                services.survey_publish(survey=survey)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{survey}: {error.message}", messages.ERROR)
        if done:
            self.message_user(request, f"Published {done} {'survey' if done == 1 else 'surveys'}.", messages.SUCCESS)

    @admin.action(description='Publish the "You said, we did" summary of the selected consultations to their audience')
    def publish_you_said_we_did(self, request, queryset):
        done = 0
        for survey in queryset:
            try:
                services.you_said_we_did_publish(survey=survey)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{survey}: {error.message}", messages.ERROR)
        if done:
            consultations = "consultation" if done == 1 else "consultations"
            self.message_user(request, f'Published "You said, we did" for {done} {consultations}.', messages.SUCCESS)

    def get_urls(self):
        extra = [
            path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view), name="voice_survey_preview"),
            path("<int:pk>/results/", self.admin_site.admin_view(self.results_view), name="voice_survey_results"),
            path("<int:pk>/results.csv", self.admin_site.admin_view(self.export_view), name="voice_survey_export"),
        ]
        return extra + super().get_urls()

    def _survey(self, request, pk: int, *, results: bool = False) -> Survey:
        if not self.has_view_permission(request):
            raise PermissionDenied
        if results and not request.user.has_perm("voice.view_results"):
            raise PermissionDenied
        return get_object_or_404(Survey, pk=pk)

    def preview_view(self, request, pk: int):
        survey = self._survey(request, pk)
        rows = [
            {"question": q, "choices": q.choice_list(), "given": [], "text": "", "error": ""}
            for q in survey.questions.all()
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Preview: {survey}",
            "opts": self.model._meta,
            "original": survey,
            "survey": survey,
            "rows": rows,
            "error_items": [],
            "preview": True,
        }
        return TemplateResponse(request, "admin/voice/survey/preview.html", context)

    def results_view(self, request, pk: int):
        survey = self._survey(request, pk, results=True)
        results = selectors.survey_results(survey=survey)
        charts = {
            f"chart-{result.question.pk}": {**result.chart(), "title": result.question.text}
            for result in results.questions
            if result.is_chart
        }
        context = {
            **self.admin_site.each_context(request),
            "title": f"Results: {survey}",
            "opts": self.model._meta,
            "original": survey,
            "survey": survey,
            "results": results,
            "charts": charts,
            "export_url": reverse("admin:voice_survey_export", args=[survey.pk]),
        }
        return TemplateResponse(request, "admin/voice/survey/results.html", context)

    def export_view(self, request, pk: int):
        survey = self._survey(request, pk, results=True)
        response = HttpResponse(survey_answers_csv(survey=survey), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-answers-{timezone.localdate():%Y-%m-%d}.csv"'
        return response

    def view_on_site(self, survey):  # members' page, for published surveys
        return reverse("voice:detail", args=[survey.pk]) if survey.published_at else None


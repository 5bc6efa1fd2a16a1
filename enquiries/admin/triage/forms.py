"""The small forms of the triage journey's steps (each asks only what its service needs), and the list's action form."""

from datetime import datetime

from django import forms
from django.contrib.admin.helpers import ActionForm
from django.utils import timezone

from members.models import User
from members.widgets import PlainSelect

from ...models import Signpost
from ...selectors.visibility import officers_without_conflict
from ...services import triage as services

__all__ = [
    "TriageActionForm",
    "StepForm",
    "ConfirmForm",
    "AssignForm",
    "FirstContactForm",
    "PlanForm",
    "OutcomeForm",
    "SessionForm",
    "SignpostForm",
    "AllowanceForm",
    "MediationForm",
]


class TriageActionForm(ActionForm):
    """Django's action form, its list of steps drawn by `PlainSelect`: the same markup, drawn on every list page."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].widget = PlainSelect(choices=self.fields["action"].choices)


class StepForm(forms.Form):
    """A step's form, told which enquiries the step is for (so choices can depend on them)."""

    def __init__(self, *args, enquiries=(), **kwargs):
        self.enquiries = list(enquiries)
        super().__init__(*args, **kwargs)


class ConfirmForm(StepForm):
    """A step with nothing to type: the page asks to confirm."""


class AssignForm(StepForm):
    officer = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Officer",
        help_text=(
            "The officer who will arrange the first conversation and see the enquiry through. "
            "Officers with a conflict of interest with the practice are not listed."
        ),
        error_messages={"required": "Choose the officer to assign."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Officers with a conflict of interest with any of the enquiries are left out.
        self.fields["officer"].queryset = officers_without_conflict(enquiries=self.enquiries)
        self.fields["officer"].label_from_instance = lambda user: user.get_full_name() or user.email


class FirstContactForm(StepForm):
    date = forms.DateField(
        label="Date of the first contact",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Enter the date of the first contact.", "invalid": "Enter a real date."},
    )
    time = forms.TimeField(
        label="Time (24-hour clock, UK time)",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": "Enter the time of the first contact, for example 14:30.",
            "invalid": "Enter a time like 14:30.",
        },
    )
    method = forms.ChoiceField(
        label="How it was made",
        choices=services.CONTACT_METHODS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the first contact was made."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        now = timezone.localtime()
        self.fields["date"].initial = now.date()
        self.fields["time"].initial = now.strftime("%H:%M")

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("time"):
            at = timezone.make_aware(datetime.combine(data["date"], data["time"]))
            if at > timezone.now():
                self.add_error(
                    "time", "The first contact time is in the future: enter when the conversation took place."
                )
            data["at"] = at
        return data


class PlanForm(StepForm):
    plan = forms.CharField(
        label="Plan agreed with the practice",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the LMC will do, what the practice will do, and by when. Shown to the practice, "
        "who are emailed that it is there: keep working notes in a staff note.",
        error_messages={"required": "Enter the plan agreed with the practice."},
    )


class MediationForm(StepForm):
    note = forms.CharField(
        label="Why mediation (staff note)",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Kept as a staff note on the enquiry. Never shown to the practice.",
        error_messages={"required": "Say why the enquiry needs mediation."},
    )


class OutcomeForm(StepForm):
    outcome = forms.CharField(
        label="Outcome",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="How the enquiry ended. Shown to the practice, who are emailed that it is there: "
        "keep working notes in a staff note.",
        error_messages={"required": "Enter the outcome before closing."},
    )


class SessionForm(StepForm):
    held_on = forms.DateField(
        label="Date of the support session",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Enter the date of the support session.", "invalid": "Enter a real date."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()


class SignpostForm(StepForm):
    signpost = forms.ModelChoiceField(
        queryset=Signpost.objects.order_by("name"),
        label="Organisation",
        help_text="The member sees this on their enquiry's page, with the organisation's phone number and website.",
        error_messages={"required": "Choose the organisation you pointed the member to."},
    )


class AllowanceForm(StepForm):
    session_allowance = forms.IntegerField(
        label="New allowance of support sessions",
        min_value=1,
        max_value=52,
        error_messages={"required": "Enter the new number of sessions.", "invalid": "Enter a whole number."},
    )
    reason = forms.CharField(
        label="Why more sessions are needed",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the enquiry's history.",
        error_messages={"required": "Say why this enquiry needs more sessions."},
    )

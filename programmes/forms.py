from django import forms

from .models import Goal, MentoringSession, PeerReview


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["what", "why", "target_date", "status", "progress_notes"]
        widgets = {
            "target_date": DateInput(),
            "why": forms.Textarea(attrs={"rows": 3}),
            "progress_notes": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "what": {"required": "Enter the goal: what you want to achieve."},
            "why": {"required": "Enter why this goal matters."},
            "target_date": {
                "required": "Enter the date you aim to achieve this by.",
                "invalid": "Enter the target date as a real date, for example 31 03 2027.",
            },
        }


class ReviewMeetingForm(forms.ModelForm):
    class Meta:
        model = PeerReview
        fields = ["meeting_on", "meeting_notes"]
        widgets = {"meeting_on": DateInput(), "meeting_notes": forms.Textarea(attrs={"rows": 6})}
        labels = {"meeting_notes": "Notes from the meeting (shared with the manager)"}
        error_messages = {
            "meeting_on": {"invalid": "Enter the meeting date as a real date, for example 14 01 2027."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting_on"].required = True
        self.fields["meeting_on"].error_messages["required"] = "Enter the date of the review meeting."


class MentoringSessionForm(forms.ModelForm):
    class Meta:
        model = MentoringSession
        fields = ["held_on", "summary"]
        widgets = {"held_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 5})}
        labels = {"held_on": "Date of the session", "summary": "Summary (shared with the person you mentor)"}
        error_messages = {
            "held_on": {
                "required": "Enter the date of the session.",
                "invalid": "Enter the date as a real date, for example 14 01 2027.",
            },
        }

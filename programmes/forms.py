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


class LeadershipInterestForm(forms.Form):
    """Register or change an interest in leadership development."""

    practice = forms.ModelChoiceField(
        queryset=None,
        label="Which practice's area?",
        help_text="Others see your interest only within this practice's area.",
        error_messages={"required": "Choose the practice whose area your interest is in.",
                        "invalid_choice": "Choose one of your practices."},
    )
    take_part = forms.BooleanField(required=False, label="Taking part in a leadership programme")
    co_facilitate = forms.BooleanField(required=False, label="Co-facilitating a programme (helping to run one)")
    lead = forms.BooleanField(required=False, label="Leading a programme in my area")
    name_visible = forms.BooleanField(
        required=False,
        label="Show my name and practice to others in my area who have registered and chosen to show theirs",
        help_text="Off unless you tick it. You can untick it at any time and your name disappears at once. "
        "Nobody sees your email address. LMC staff see every registered interest.",
    )

    def __init__(self, *args, practices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practice"].queryset = practices
        if practices.count() == 1:
            self.fields["practice"].initial = practices.first().pk

    def clean(self):
        data = super().clean()
        if not (data.get("take_part") or data.get("co_facilitate") or data.get("lead")):
            self.add_error("take_part", "Choose at least one way you are interested.")
        return data


class IntroductionForm(forms.Form):
    """Staff: the message that goes with an introduction email."""

    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Message to the group",
        help_text="Each person gets their own email with this message and the names of the others who chose to "
        "show their name. No email addresses are shared.",
        error_messages={"required": "Write a short message to go with the introduction."},
    )

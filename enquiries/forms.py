"""The "Request support" form. It checks the shape of the input; the rules live in
`enquiries.services.enquiry_submit`, whose errors the view puts back on the fields."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from lmcportal.forms import BootstrapBoundField
from members.models import Practice, User

from . import sla
from .files import FILE_MAX_BYTES, FILES_PER_MESSAGE
from .models import (
    CONTACT_TIMES_MAX_LENGTH,
    DETAILS_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TOPIC_LABELS,
    URGENT_REASON_MAX_LENGTH,
    About,
    PastoralTopic,
    Scope,
    Sharing,
    SupportService,
    Topic,
)
from .services import too_long_message

SHARING_HINTS = {
    Sharing.ONLY_ME: "Nobody else at the practice will know you have asked for help. Best for disputes between colleagues.",
    Sharing.NAMED: "Only the colleagues you tick below can see it and its messages.",
    Sharing.PRACTICE: "Everyone with an account at the practice can see it and its messages, but not what you wrote here.",
}

TOPIC_HINTS = {
    Topic.BUSINESS_VIABILITY: "Money worries, rising costs, cash flow, or whether the practice can carry on.",
    Topic.PARTNERSHIP: "Disagreements between partners, a partner not pulling their weight, or a partnership agreement.",
    Topic.SUCCESSION: "Partners or the manager retiring or leaving, and who takes over.",
    Topic.WORKFORCE: "Recruiting, keeping staff, employment problems or staff wellbeing.",
    Topic.PREMISES: "Your building, lease, rent reimbursement or moving premises.",
    Topic.STAKEHOLDERS: "Working relationships with the ICB, NHS England, the PCN, hospitals or others.",
    Topic.REGULATORY: "CQC, inspections, complaints, or meeting your contract's requirements.",
    Topic.CONTRACT: "A dispute with the commissioner, a breach notice, or handing back the contract.",
    Topic.PCN: "How your PCN works, its clinical director, funding or staff.",
    Topic.MERGER: "Joining with another practice, or taking one over.",
    Topic.RESILIENCE: "A sudden event that threatens services, such as losing several GPs or a building at once.",
    Topic.OTHER: "Anything else about leading or managing your practice.",
}


PASTORAL_TOPIC_HINTS = {
    PastoralTopic.WELLBEING: "Stress, burnout, your own health, or something at home affecting work.",
    PastoralTopic.GMC: "A letter from the GMC, a referral, an investigation or a hearing.",
    PastoralTopic.PERFORMERS_LIST: "NHS England has raised a concern, or conditions, about your place on the performers list.",
    PastoralTopic.RETURN_TO_WORK: "Coming back after illness, parental leave, a career break or suspension.",
    PastoralTopic.REMEDIATION: "A remediation or development plan you have been asked to follow.",
    PastoralTopic.COMPLAINT: "A patient complaint, a significant event or an inquest you are involved in.",
    PastoralTopic.MEDIA: "A journalist has contacted you, or you are in the news or on social media.",
    PastoralTopic.INDIVIDUAL_CONTRACT: "Your own contract of employment, job plan or pay as a salaried GP or locum.",
}
ABOUT_HINTS = {
    About.SELF: "You would like support for yourself.",
    About.COLLEAGUE: "You are worried about a colleague and would like advice on how to help them. You do not need to name them.",
}


def without_nul(data):
    """Return posted data with NUL characters removed: they are never meant, and PostgreSQL refuses them."""
    if data is None or not any("\x00" in value for _, values in data.lists() for value in values if isinstance(value, str)):
        return data
    cleaned = data.copy()
    for key, values in data.lists():
        cleaned.setlist(key, [value.replace("\x00", "") if isinstance(value, str) else value for value in values])
    return cleaned


def limit(what: str, max_length: int):
    """A validator refusing text over `max_length`, saying the limit and how much was written.

    Used instead of the field's max_length, which would also put a maxlength
    attribute on the input and let the browser silently cut a long paste.
    """

    def validate(value: str) -> None:
        if len(value) > max_length:
            raise ValidationError(too_long_message(what=what, limit=max_length, length=len(value)), code="max_length")

    validate.max_length = max_length
    return validate


def _topic_choices(service: SupportService | None = None):
    values = service.topics if service is not None else Topic.values
    hints = {**TOPIC_HINTS, **PASTORAL_TOPIC_HINTS} if service is None or service.for_person else TOPIC_HINTS
    if service is not None and service.for_person:
        hints = {**TOPIC_HINTS, **PASTORAL_TOPIC_HINTS, Topic.OTHER: "Anything else about you and your work."}
    return [
        (value, format_html('{}<span class="d-block form-text mt-0">{}</span>', TOPIC_LABELS[value], hints.get(value, "")))
        for value in values
        if value in TOPIC_LABELS
    ]


def _sharing_choices():
    return [
        (value, format_html('{}<span class="d-block form-text mt-0">{}</span>', label, SHARING_HINTS[value]))
        for value, label in Sharing.choices
    ]


class ColleagueChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user: User) -> str:
        return user.get_full_name() or user.email


class SharingFields(forms.Form):
    """Who at the practice may see the enquiry: the question on the form and on the enquiry page."""

    sharing = forms.ChoiceField(
        label="Who at your practice may see this enquiry?",
        widget=forms.RadioSelect,
        initial=Sharing.ONLY_ME,
        # Left unanswered, it is the narrowest choice: only the sender.
        required=False,
        help_text="The LMC's officers always see it. You can change this later from the enquiry's page.",
        error_messages={"invalid_choice": "Choose who at your practice may see this enquiry."},
    )
    shared_with = ColleagueChoiceField(
        label="Colleagues who may see it",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only if you chose 'Me and colleagues I name'.",
        error_messages={"invalid_choice": "You can only name people at your practice."},
    )

    def clean_sharing(self) -> str:
        return self.cleaned_data.get("sharing") or Sharing.ONLY_ME

    def set_colleagues(self, colleagues) -> None:
        self.fields["sharing"].choices = _sharing_choices()
        self.fields["shared_with"].queryset = colleagues


class SharingForm(SharingFields):
    pass


class PracticeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, practice: Practice) -> str:
        return f"{practice.name} ({practice.ods_code})"


class EnquiryForm(SharingFields):
    # The busiest form: drawn by Django's field groups rather than crispy (see lmcportal.forms).
    bound_field_class = BootstrapBoundField

    practice = PracticeChoiceField(
        queryset=Practice.objects.none(),
        label="Which practice is this about?",
        empty_label="Choose a practice",
        error_messages={
            "required": "Choose which of your practices this is about.",
            "invalid_choice": "Choose one of your own practices.",
        },
    )
    scope = forms.ChoiceField(
        label="Is this about your practice or your PCN?",
        choices=Scope.choices,
        initial=Scope.PRACTICE,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether this is about your practice or your PCN."},
    )
    topic = forms.ChoiceField(
        label="What is it about?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what your enquiry is about. If nothing fits, choose 'Other'."},
    )
    urgent = forms.BooleanField(
        # The label says the urgent promise, which comes from LMC_URGENT_HOURS: set in __init__.
        required=False,
        help_text="For example a partner has left suddenly, the practice may not open, or a contract notice has a deadline this week.",
    )
    urgent_reason = forms.CharField(
        label="Why is it urgent?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Only needed if you ticked 'This is urgent'. Up to {URGENT_REASON_MAX_LENGTH:,} characters.",
        validators=[limit("Why it is urgent", URGENT_REASON_MAX_LENGTH)],
    )
    summary = forms.CharField(
        label="Summary",
        help_text=f"One or two sentences. Up to {SUMMARY_MAX_LENGTH} characters.",
        validators=[limit("The summary", SUMMARY_MAX_LENGTH)],
        error_messages={"required": "Enter a short summary of what you need help with."},
    )
    details = forms.CharField(
        label="Tell us more",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=(
            "What is happening, who is involved (roles are enough, you do not need to give names), "
            f"and what help you would like. Up to {DETAILS_MAX_LENGTH:,} characters, about 3 pages."
        ),
        validators=[limit("The details", DETAILS_MAX_LENGTH)],
        error_messages={"required": "Tell us what is happening and what help you would like."},
    )
    preferred_contact_times = forms.CharField(
        label="Best times to contact you (optional)",
        required=False,
        help_text="For example 'after 6pm' or 'not Wednesdays'. We can call you away from the practice.",
        validators=[limit("Best times to contact you", CONTACT_TIMES_MAX_LENGTH)],
    )
    contact_phone = forms.CharField(
        label="Phone number to call you on (optional)",
        required=False,
        help_text="A mobile is best if you would rather not be called at the practice.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        validators=[limit("The phone number", PHONE_MAX_LENGTH)],
    )
    submission_token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "This form had expired, so nothing was sent. Check your answers and send it again.",
            "invalid": "This form had expired, so nothing was sent. Check your answers and send it again.",
        },
    )
    # Set by the "send it again anyway" button on the page that shows a duplicate.
    send_again = forms.BooleanField(widget=forms.HiddenInput, required=False)
    # Asked only by a service for a person (pastoral support).
    about = forms.ChoiceField(
        label="Who is this about?",
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Tell us whether this is about you or about a colleague you are worried about."},
    )

    field_order = [
        "practice", "about", "scope", "topic", "summary", "details", "urgent", "urgent_reason",
        "preferred_contact_times", "contact_phone", "sharing", "shared_with",
    ]

    def __init__(self, data=None, *args, practices, colleagues=None, service: SupportService | None = None, **kwargs):
        super().__init__(without_nul(data), *args, **kwargs)
        self.service = service
        self.set_colleagues(colleagues if colleagues is not None else User.objects.none())
        self.fields["topic"].choices = _topic_choices(service)
        targets = service.targets if service is not None else None
        self.fields["urgent"].label = f"This is urgent: we need to speak to someone {sla.urgent_promise(targets)}"
        if service is not None and service.for_person:
            # Only ever seen by the sender: nothing to choose about sharing or scope.
            for name in ("sharing", "shared_with", "scope"):
                del self.fields[name]
            self.fields["about"].choices = [
                (value, format_html('{}<span class="d-block form-text mt-0">{}</span>', label, ABOUT_HINTS[value]))
                for value, label in About.choices
            ]
            self.fields["about"].required = True
            self.fields["about"].error_messages["required"] = (
                "Tell us whether this is about you or about a colleague you are worried about."
            )
            self.fields["urgent"].help_text = "For example a GMC hearing or an interview with NHS England this week, or you feel you cannot carry on."
            self.fields["details"].help_text = (
                "What is happening and what help you would like. You do not need to give anyone's name. "
                f"Up to {DETAILS_MAX_LENGTH:,} characters, about 3 pages."
            )
            self.fields["practice"].label = "Which practice do you work at?"
        else:
            del self.fields["about"]
        if len(practices) == 1:
            # One practice: nothing to choose, so don't ask.
            self.single_practice = practices[0]
            del self.fields["practice"]
        else:
            self.single_practice = None
            self.fields["practice"].queryset = Practice.objects.filter(pk__in=[p.pk for p in practices])
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())
        pcns = {p.pcn.name for p in practices if p.pcn_id}
        if len(pcns) == 1 and "scope" in self.fields:
            self.fields["scope"].choices = [
                (Scope.PRACTICE, Scope.PRACTICE.label),
                (Scope.PCN, f"{Scope.PCN.label} ({pcns.pop()})"),
            ]
        for field in self.fields.values():
            for validator in field.validators:
                if hasattr(validator, "max_length"):
                    # Read by enquiries.js to show how many characters are left.
                    field.widget.attrs["data-max-length"] = validator.max_length

    def renew_token(self) -> None:
        """Give a refused form a fresh token, so sending it again once fixed is one enquiry."""
        self.data = self.data.copy()
        self.data["submission_token"] = str(uuid.uuid4())

    def clean(self):
        data = super().clean()
        if data.get("urgent") and not (data.get("urgent_reason") or "").strip() and "urgent_reason" not in self.errors:
            self.add_error("urgent_reason", "Tell us why this is urgent, or untick 'This is urgent'.")
        return data

    def chosen_practice(self) -> Practice | None:
        return self.single_practice or self.cleaned_data.get("practice")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; the service checks each file's type and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class MessageForm(forms.Form):
    text = forms.CharField(
        label="Your message",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=f"Up to {MESSAGE_MAX_LENGTH:,} characters. Everyone who can see this enquiry can read it.",
        validators=[limit("Your message", MESSAGE_MAX_LENGTH)],
    )
    files = MultipleFileField(
        label="Attach documents (optional)",
        required=False,
        help_text=(
            f"PDF, Word, Excel, PNG or JPEG, up to {FILE_MAX_BYTES // (1024 * 1024)} MB each, "
            f"at most {FILES_PER_MESSAGE} files."
        ),
        widget=MultipleFileInput(
            attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.png,.jpg,.jpeg"}
        ),
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(without_nul(data), *args, **kwargs)
        self.fields["text"].widget.attrs["data-max-length"] = MESSAGE_MAX_LENGTH

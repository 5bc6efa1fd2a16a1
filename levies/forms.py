from dataclasses import dataclass
from datetime import date

from django import forms
from django.utils import timezone

from members.models import PCN

from .listsize_csv import NHS, PLAIN, FileProblem, detect_format, first_line
from .models import LevyKind
from .periods import Quarter, financial_year_label, quarters_between, quarters_of_year
from .remittance_csv import RemittanceFileProblem, parse_remittances
from .selectors import ReconciliationState

MAX_UPLOAD_BYTES = 250 * 1024 * 1024
MAX_REMITTANCE_BYTES = 5 * 1024 * 1024


def quarter_choices(*, back: int = 8, ahead: int = 1, today: date | None = None) -> list[tuple[str, str]]:
    """Return (start date, label) choices for recent quarters, newest first."""
    current = Quarter.containing(today or timezone.localdate())
    first, last = current, current
    for _ in range(back):
        first = first.previous()
    for _ in range(ahead):
        last = last.next()
    return [(quarter.start.isoformat(), quarter.label) for quarter in reversed(quarters_between(first, last))]


def quarter_from_choice(value: str) -> Quarter | None:
    return Quarter.starting(date.fromisoformat(value)) if value else None


class ListSizeUploadForm(forms.Form):
    file = forms.FileField(
        label="List-size file (CSV)",
        help_text="The NHS “Patients Registered at a GP Practice” CSV (for example gp-reg-pat-prac-all.csv), "
        "or a CSV with two columns: ODS code and number of patients.",
    )
    quarter = forms.ChoiceField(
        label="Quarter (only for a two-column file)",
        required=False,
        help_text="The NHS file gives its own date, so leave this blank for it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [("", "Choose the quarter")] + quarter_choices()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 250 MB. Upload the file for one quarter only.")
        try:
            header = first_line(upload)
        except FileProblem as problem:
            raise forms.ValidationError(str(problem)) from None
        finally:
            upload.seek(0)
        self.cleaned_data["file_format"] = detect_format(header)
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("file_format") == PLAIN and not cleaned.get("quarter"):
            self.add_error("quarter", "Choose the quarter these list sizes are for: a two-column file has no date.")
        if cleaned.get("file_format") == NHS:
            cleaned["quarter"] = ""
        return cleaned

    @property
    def chosen_quarter(self) -> Quarter | None:
        return quarter_from_choice(self.cleaned_data.get("quarter") or "")


@dataclass(frozen=True)
class Period:
    """What the staff view covers: one quarter, or the four quarters of a financial year."""

    quarters: list[Quarter]
    label: str
    file_label: str


def _quarter_period(quarter: Quarter) -> Period:
    return Period([quarter], quarter.label, f"{quarter.financial_year.replace('/', '-')}-q{quarter.number}")


class RemittanceUploadForm(forms.Form):
    file = forms.FileField(
        label="Remittances file (CSV)",
        help_text="A header row, then one payment a row: ods_code, financial_year, quarter, levy, amount, "
        "date_received, reference.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_REMITTANCE_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB. A year's remittances for the LMC fit well within that.")
        text = upload.read().decode("utf-8-sig", errors="replace")
        if "\x00" in text:
            raise forms.ValidationError("The file is not a CSV file. Save it as CSV and upload it again.")
        try:
            self.cleaned_data["parsed"] = parse_remittances(text.splitlines(keepends=True))
        except RemittanceFileProblem as problem:
            raise forms.ValidationError(str(problem)) from problem
        return upload


class ReconciliationFilterForm(forms.Form):
    quarter = forms.ChoiceField(label="Period", required=False)
    pcn = forms.ModelChoiceField(label="PCN", queryset=PCN.objects.all(), required=False, empty_label="All PCNs")
    kind = forms.ChoiceField(label="Levy", required=False, choices=[("", "Both levies"), *LevyKind.choices])
    state = forms.ChoiceField(label="State", required=False, choices=[("", "Any state"), *ReconciliationState.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        quarters = quarter_choices(back=12, ahead=0)
        years = sorted({quarter_from_choice(value).year for value, _ in quarters}, reverse=True)
        self.fields["quarter"].choices = [
            ("One quarter", quarters),
            ("A whole financial year", [(str(year), f"{financial_year_label(year)} (all four quarters)") for year in years]),
        ]

    @property
    def selected_period(self) -> Period:
        """The chosen quarter or year; by default the latest quarter that has finished (the one the money is arriving for)."""
        value = self.cleaned_data.get("quarter", "") if self.is_valid() else ""
        if value.isdigit():
            year = int(value)
            label = f"{financial_year_label(year)} (April {year} to March {year + 1})"
            return Period(quarters_of_year(year), label, financial_year_label(year).replace("/", "-"))
        return _quarter_period(quarter_from_choice(value) or Quarter.containing(timezone.localdate()).previous())

"""Levy rates, practices' list sizes, remittances received, and staged list-size imports."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from members.models import Practice

from .periods import Quarter, financial_year_start, is_quarter_start

# What the database insists on; `validate_financial_year` adds that 26 follows 2025.
FINANCIAL_YEAR_PATTERN = r"^[0-9]{4}/[0-9]{2}$"
MAX_LIST_SIZE = 1_000_000


def validate_financial_year(value: str) -> None:
    try:
        financial_year_start(value)
    except ValueError as error:
        raise ValidationError(str(error), code="financial_year") from error


def validate_quarter_start(value) -> None:
    if value and not is_quarter_start(value):
        raise ValidationError(
            "Enter the date the quarter starts: 1 April, 1 July, 1 October or 1 January.", code="quarter_start"
        )


class LevyKind(models.TextChoices):
    STATUTORY = "statutory", "Statutory levy"
    GPDF = "gpdf", "GPDF levy"


class LevyRate(models.Model):
    """The rate of one levy for one financial year, in pence per registered patient per year."""

    financial_year = models.CharField(
        max_length=7, validators=[validate_financial_year], help_text="April to March, written like 2026/27."
    )
    kind = models.CharField("levy", max_length=10, choices=LevyKind)
    pence_per_patient = models.DecimalField(
        "pence per patient per year",
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="For example 42 for 42p per registered patient per year.",
    )
    date_approved = models.DateField(help_text="When the LMC (or the GPDF) approved this rate.")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-financial_year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["financial_year", "kind"],
                name="levies_rate_one_per_year_and_kind",
                violation_error_message="There is already a rate for this levy in this financial year. Change that rate instead.",
            ),
            models.CheckConstraint(
                condition=Q(pence_per_patient__gt=0),
                name="levies_rate_positive",
                violation_error_message="The rate must be more than 0 pence per patient.",
            ),
            models.CheckConstraint(
                condition=Q(financial_year__regex=FINANCIAL_YEAR_PATTERN),
                name="levies_rate_financial_year_format",
                violation_error_message="Write the financial year as 2026/27 (the first year, a slash, and the next year's last two digits).",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.financial_year}: {self.pence_per_patient}p per patient"


class ListSize(models.Model):
    """A practice's registered patients at the start of a quarter."""

    class Source(models.TextChoices):
        NHS_FILE = "nhs", "NHS Patients Registered at a GP Practice file"
        PLAIN_FILE = "plain", "ODS code and patients file"
        MANUAL = "manual", "Entered by hand"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="list_sizes")
    quarter_start = models.DateField(
        "quarter starting",
        validators=[validate_quarter_start],
        help_text="The first day of the quarter: 1 April, 1 July, 1 October or 1 January.",
    )
    patients = models.PositiveIntegerField("registered patients", validators=[MaxValueValidator(MAX_LIST_SIZE)])
    source = models.CharField(max_length=10, choices=Source, default=Source.MANUAL)
    imported_at = models.DateTimeField("recorded at", auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="recorded by"
    )
    import_batch = models.ForeignKey(
        "ListSizeImport",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="list_sizes",
        verbose_name="from the uploaded file",
    )

    class Meta:
        ordering = ["-quarter_start", "practice__name"]
        permissions = [("import_listsize", "Can import list sizes from a CSV file")]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "quarter_start"],
                name="levies_listsize_one_per_quarter",
                violation_error_message="This practice already has a list size for this quarter. Change that figure instead.",
            ),
            models.CheckConstraint(
                condition=Q(quarter_start__day=1, quarter_start__month__in=[1, 4, 7, 10]),
                name="levies_listsize_quarter_start",
                violation_error_message="A list size belongs to the first day of a quarter: 1 April, 1 July, 1 October or 1 January.",
            ),
            models.CheckConstraint(
                condition=Q(patients__lte=MAX_LIST_SIZE),
                name="levies_listsize_plausible",
                violation_error_message="That list size is too large for one practice. Check the number of registered patients.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice.ods_code} {self.quarter.short_label}: {self.patients:,} patients"

    @property
    def quarter(self) -> Quarter:
        return Quarter.starting(self.quarter_start)


class Remittance(models.Model):
    """Money the commissioner remitted to the LMC for one practice, quarter and levy."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="remittances")
    financial_year = models.CharField(max_length=7, validators=[validate_financial_year], help_text="April to March, written like 2026/27.")
    quarter = models.PositiveSmallIntegerField(
        choices=[(1, "Q1 (April to June)"), (2, "Q2 (July to September)"), (3, "Q3 (October to December)"),
                 (4, "Q4 (January to March)")]
    )  # fmt: skip
    kind = models.CharField("levy", max_length=10, choices=LevyKind)
    amount = models.DecimalField("amount received (£)", max_digits=12, decimal_places=2)
    date_received = models.DateField()
    reference = models.CharField(max_length=100, blank=True, help_text="The commissioner's remittance reference.")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-financial_year", "-quarter", "practice__name", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4),
                name="levies_remittance_quarter",
                violation_error_message="The quarter must be 1, 2, 3 or 4.",
            ),
            # A commissioner's reference is one payment: never record it twice (imports rely on this).
            models.UniqueConstraint(
                fields=["practice", "financial_year", "quarter", "kind", "reference"],
                condition=~Q(reference=""),
                name="levies_remittance_reference_once",
                violation_error_message="This remittance reference is already recorded for this practice, quarter and levy.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="levies_remittance_not_negative",
                violation_error_message="The amount received cannot be less than £0.00. Record a refund as a note instead.",
            ),
            models.CheckConstraint(
                condition=Q(financial_year__regex=FINANCIAL_YEAR_PATTERN),
                name="levies_remittance_financial_year_format",
                violation_error_message="Write the financial year as 2026/27 (the first year, a slash, and the next year's last two digits).",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice.ods_code} Q{self.quarter} {self.financial_year} {self.get_kind_display()}: £{self.amount:,}"


class ListSizeImport(models.Model):
    """An uploaded list-size file on its way from upload, through preview, to being applied.

    The file and what was read from it stay here on the server between the
    preview and the confirmation, so nobody can alter them in between.
    """

    class Format(models.TextChoices):
        NHS = "nhs", "NHS Patients Registered at a GP Practice"
        PLAIN = "plain", "ODS code and patients"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be read"
        READING = "reading", "Being read"
        READY = "ready", "Ready to check and confirm"
        FAILED = "failed", "Could not be read"
        APPLIED = "applied", "Imported"
        DISCARDED = "discarded", "Discarded"

    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10, choices=Format)
    quarter_start = models.DateField("quarter starting", null=True, blank=True, validators=[validate_quarter_start])
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    # gzip of the uploaded bytes; emptied once the file has been read.
    data = models.BinaryField(default=bytes, editable=False)
    size_chars = models.PositiveBigIntegerField("file size (characters)", default=0)
    progress_chars = models.PositiveBigIntegerField("characters read so far", default=0)
    result = models.JSONField("what the file would change", default=dict, blank=True)
    error = models.TextField("problem", blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = "list-size import"
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter_start__isnull=True)
                | Q(quarter_start__day=1, quarter_start__month__in=[1, 4, 7, 10]),
                name="levies_import_quarter_start",
                violation_error_message="An import is for the first day of a quarter: 1 April, 1 July, 1 October or 1 January.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display().lower()})"

    @property
    def quarter(self) -> Quarter | None:
        return Quarter.starting(self.quarter_start) if self.quarter_start else None

    @property
    def percent_read(self) -> int:
        if self.status in (self.Status.READY, self.Status.APPLIED):
            return 100
        if not self.size_chars:
            return 0
        return min(99, self.progress_chars * 100 // self.size_chars)

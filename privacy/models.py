from django.conf import settings
from django.db import models
from django.utils import timezone


class PersonalDataExport(models.Model):
    """A subject access export produced for a person, by themselves or by staff.

    The table kept its name from when this lived in `enquiries`: the model
    moved, the rows did not.
    """

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="personal_data_exports", verbose_name="whose data"
    )
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="personal_data_exports_produced", verbose_name="produced by"
    )
    at = models.DateTimeField("produced at", default=timezone.now)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)

    class Meta:
        db_table = "enquiries_personaldataexport"
        ordering = ["-at", "-id"]
        # The register is insert-only: nobody may add, change or delete rows by hand.
        default_permissions = ("view",)
        verbose_name = "personal data export (subject access)"
        verbose_name_plural = "personal data exports (subject access)"
        permissions = [("export_personal_data", "Can produce a person's subject access export")]

    def __str__(self) -> str:
        return f"Personal data of {self.subject} produced by {self.produced_by} at {self.at:%Y-%m-%d %H:%M}"

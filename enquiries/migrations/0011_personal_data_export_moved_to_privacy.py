# The register of subject access exports moved to the privacy app, with its
# table (see privacy/migrations/0001_initial.py): state only, no row moves.
# The "export personal data" permission moved with it (privacy 0002).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("enquiries", "0010_triage_order_index"),
        ("privacy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PersonalDataExport")],
            database_operations=[],
        ),
        migrations.AlterModelOptions(
            name="enquiryaccess",
            options={
                "default_permissions": ("view",),
                "ordering": ["-at", "-id"],
                "permissions": [("restrict_enquiry", "Can restrict an enquiry to named officers")],
                "verbose_name": "enquiry access",
                "verbose_name_plural": "enquiry access log",
            },
        ),
    ]

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enquiries", "0004_triage_permissions"),
        ("mail", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Reminder",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("due_soon", "First contact due soon"), ("breached", "First contact overdue")],
                        max_length=10,
                    ),
                ),
                ("first_contact_due_at", models.DateTimeField()),
                ("created_at", models.DateTimeField()),
                (
                    "email",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="enquiry_reminder",
                        to="mail.outboundemail",
                    ),
                ),
                (
                    "enquiry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="reminders", to="enquiries.enquiry"
                    ),
                ),
            ],
            options={
                "ordering": ["created_at"],
                "constraints": [models.UniqueConstraint(fields=("enquiry", "kind"), name="reminder_once_per_kind")],
            },
        ),
    ]

"""Emails queued before the outbox knew about secrets: mark those that carry a
sign-in or set-password link, remove the body of those already sent or given
up on, and let the triage lead read who opened outbox emails."""

from django.db import migrations
from django.db.models import Q

from members.permissions import TRIAGE_LEAD, grant, revoke

# Paths of the links that let someone into an account (invitation, allauth's
# password reset and email confirmation).
LINK_PATHS = ["/invitation/", "/accounts/password/reset/key/", "/accounts/confirm-email/"]
REMOVED = "[removed: this email contained a sign-in link]"


def hide(apps, schema_editor):
    OutboundEmail = apps.get_model("mail", "OutboundEmail")
    carries_link = Q()
    for path in LINK_PATHS:
        carries_link |= Q(body_text__contains=path) | Q(body_html__contains=path)
    OutboundEmail.objects.filter(carries_link).update(secret=True)
    OutboundEmail.objects.filter(secret=True, status__in=["sent", "failed"]).update(
        body_text=REMOVED, body_html="", attachments=[]
    )
    grant(apps, TRIAGE_LEAD, ["mail.view_outboundemailaccess"])


def unhide(apps, schema_editor):
    revoke(apps, TRIAGE_LEAD, ["mail.view_outboundemailaccess"])


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0004_outbox_secrets_and_access_log"),
        ("members", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(hide, unhide)]

"""Demo data for data protection: retention periods, one restricted enquiry and its access log.

Runs after `enquiries.demo`; idempotent. Without demo enquiries it only sets
the retention periods.
"""

from django.core.exceptions import ValidationError

from members.models import User

from .models import AccessAction, Enquiry, EnquiryAccess, RetentionPolicy, Status, Topic
from .services.data_protection import enquiry_access_record, enquiry_restrict

# Contract and merger files can matter in a later legal dispute: keep them longer.
RETENTION_YEARS = {Topic.CONTRACT: 10, Topic.MERGER: 10}


def seed() -> None:
    for topic, years in RETENTION_YEARS.items():
        RetentionPolicy.objects.update_or_create(topic=topic, defaults={"years_after_closing": years})

    lead = User.objects.filter(email="triage@lmc.example.org").first()
    officer = User.objects.filter(email="officer@lmc.example.org").first()
    dispute = (
        Enquiry.objects.filter(topic=Topic.PARTNERSHIP, anonymised_at__isnull=True)
        .exclude(status=Status.CLOSED)
        .order_by("submitted_at")
        .first()
    )
    if not (lead and officer and dispute) or dispute.restricted_to.exists():
        return
    named = [officer] + ([dispute.assigned_to] if dispute.assigned_to else [])
    try:
        enquiry_restrict(enquiry=dispute, officers=named, by=lead)
    except ValidationError:
        return
    if not EnquiryAccess.objects.filter(enquiry=dispute, action=AccessAction.VIEWED).exists():
        enquiry_access_record(user=officer, enquiries=[dispute], action=AccessAction.VIEWED)

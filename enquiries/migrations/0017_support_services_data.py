"""Create the two support services, the "Pastoral support" group, and put every existing enquiry in Leadership.

Existing enquiries keep their references and due times: only `service` is
filled in. The year counters carry on under Leadership. Leadership's targets
are today's settings (LMC_URGENT_HOURS, LMC_CLOSE_OF_BUSINESS; 5 working days).
"""

from datetime import time

from django.conf import settings
from django.db import migrations

from members.permissions import OFFICERS, PASTORAL_SUPPORT, TRIAGE_LEAD, grant

LEADERSHIP_TOPICS = [
    "business_viability", "partnership", "succession", "workforce", "premises", "stakeholders",
    "regulatory", "contract", "pcn", "merger", "resilience", "other",
]
PASTORAL_TOPICS = [
    "wellbeing", "gmc", "performers_list", "return_to_work", "remediation",
    "complaint", "media", "individual_contract", "other",
]
WORK_ENQUIRIES = [
    "enquiries.view_enquiry",
    "enquiries.change_enquiry",
    "enquiries.take_enquiry",
    "enquiries.record_contact_enquiry",
    "enquiries.view_staffnote",
    "enquiries.add_staffnote",
    "enquiries.view_supportsession",
    "enquiries.add_supportsession",
    "enquiries.view_enquirysignpost",
    "enquiries.add_enquirysignpost",
    "enquiries.view_signpost",
]
# Every officer may record that they pointed a member elsewhere.
SIGNPOST_ENQUIRIES = [
    "enquiries.view_signpost",
    "enquiries.view_enquirysignpost",
    "enquiries.add_enquirysignpost",
]
LEAD_MANAGES = [
    "enquiries.view_supportservice",
    "enquiries.change_supportservice",
    "enquiries.add_supportservice",
    "enquiries.view_signpost",
    "enquiries.add_signpost",
    "enquiries.change_signpost",
    "enquiries.delete_signpost",
    "enquiries.raise_session_allowance",
    "enquiries.view_supportsession",
    "enquiries.add_supportsession",
    "enquiries.view_enquirysignpost",
    "enquiries.add_enquirysignpost",
]


def _close_of_business() -> time:
    hours, minutes = getattr(settings, "LMC_CLOSE_OF_BUSINESS", "17:00").split(":")
    return time(int(hours), int(minutes))


def create_services(apps, schema_editor):
    SupportService = apps.get_model("enquiries", "SupportService")
    Enquiry = apps.get_model("enquiries", "Enquiry")
    HistoricalEnquiry = apps.get_model("enquiries", "HistoricalEnquiry")
    ServiceReferenceCounter = apps.get_model("enquiries", "ServiceReferenceCounter")
    Group = apps.get_model("auth", "Group")

    grant(apps, PASTORAL_SUPPORT, WORK_ENQUIRIES)
    grant(apps, OFFICERS, SIGNPOST_ENQUIRIES)
    grant(apps, TRIAGE_LEAD, LEAD_MANAGES)
    pastoral_group = Group.objects.get(name=PASTORAL_SUPPORT)

    leadership, _ = SupportService.objects.get_or_create(
        slug="leadership",
        defaults={
            "name": "Leadership and Management Support",
            "reference_prefix": "LMS",
            "description": "Confidential help for practices and PCNs with leading and managing: money worries, "
            "partnership disputes, succession, workforce, premises, contracts, mergers and more.",
            "who_reads": "Your request is read by the LMC's triage lead, who passes it to one LMC officer.",
            "topics": LEADERSHIP_TOPICS,
            "standard_working_days": 5,
            "urgent_hours": int(getattr(settings, "LMC_URGENT_HOURS", 48)),
            "close_of_business": _close_of_business(),
            "audience": "practice",
            "default_sharing": "only_me",
            "retention_years": int(getattr(settings, "LMC_RETENTION_YEARS_DEFAULT", 6)),
            "session_allowance": 0,
            "position": 1,
        },
    )
    SupportService.objects.get_or_create(
        slug="pastoral",
        defaults={
            "name": "Pastoral and professional support",
            "reference_prefix": "PPS",
            "description": "Confidential support for you as a GP or member of practice staff: your health and "
            "wellbeing, a GMC or NHS England performers-list concern, returning to work, remediation, a complaint, "
            "the press, or your own contract. Up to six support sessions over about three months, and we point "
            "you to the right people for legal or HR advice.",
            "who_reads": "Only the LMC's small pastoral support team reads your request: nobody at any practice, "
            "and no other LMC officer, can see it.",
            "crisis_contacts": "If you are in crisis or feel unsafe now, do not wait for us:\n"
            "NHS Practitioner Health: 0300 0303 300 (free, confidential help for doctors and dentists)\n"
            "Samaritans: 116 123 (free, day or night)\n"
            "NHS 111: call 111 for urgent medical help, or 999 in an emergency",
            "topics": PASTORAL_TOPICS,
            "standard_working_days": 2,
            "urgent_hours": 24,
            "close_of_business": _close_of_business(),
            "audience": "person",
            "default_sharing": "only_me",
            "staff_group": pastoral_group,
            "retention_years": 6,
            "session_allowance": 6,
            "position": 2,
        },
    )
    Enquiry.objects.filter(service__isnull=True).update(service=leadership)
    HistoricalEnquiry.objects.filter(service__isnull=True).update(service=leadership)
    try:
        # Gone after 0018: the test suite replays this migration against today's models.
        ReferenceCounter = apps.get_model("enquiries", "ReferenceCounter")
    except LookupError:
        return
    for counter in ReferenceCounter.objects.all():
        ServiceReferenceCounter.objects.update_or_create(
            service=leadership, year=counter.year, defaults={"last_number": counter.last_number}
        )


def restore_counters(apps, schema_editor):
    ReferenceCounter = apps.get_model("enquiries", "ReferenceCounter")
    ServiceReferenceCounter = apps.get_model("enquiries", "ServiceReferenceCounter")
    for counter in ServiceReferenceCounter.objects.filter(service__slug="leadership"):
        ReferenceCounter.objects.update_or_create(year=counter.year, defaults={"last_number": counter.last_number})


class Migration(migrations.Migration):
    dependencies = [
        ("enquiries", "0016_support_services"),
        ("members", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(create_services, restore_counters)]

"""Demo of Pastoral and professional support: the signposting directory, a pastoral
officer, and pastoral requests in different states.

Idempotent, like enquiries.demo: fixed submission tokens, and a request is
walked along its journey only when it has just been made.
"""

import uuid
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from members.models import Practice, User
from members.permissions import OFFICERS, PASTORAL_SUPPORT

from .models import Signpost, SignpostCategory
from .services import (
    enquiry_assign,
    enquiry_close,
    enquiry_record_first_contact,
    enquiry_signpost_record,
    enquiry_submit,
    support_session_book,
)

DEMO_NAMESPACE = uuid.UUID("0d5f3c1e-9b0a-4b8e-8f57-6a3b4f1c2e90")
PASTORAL_OFFICER = ("pastoral@lmc.example.org", "Ruth", "Ashworth")
TRIAGE_LEAD_EMAIL = "triage@lmc.example.org"

# Real organisations and the public phone numbers they publish (written from memory for the demo:
# staff should confirm each number before the directory goes live).
# (name, category, what they help with, phone, web, email, GPs, practice staff, practices, topics, advice beside the form)
SIGNPOSTS = [
    (
        "BMA",
        SignpostCategory.BMA,
        "Employment, contract and pay advice for BMA members, including salaried GPs and GP partners.",
        "0300 123 1233",
        "https://www.bma.org.uk",
        "",
        True, False, True,
        ["individual_contract", "contract", "partnership"],
        "For advice on your own contract, BMA members can call the BMA",
    ),
    (
        "BMA wellbeing support services",
        SignpostCategory.WELLBEING,
        "Free, confidential counselling and peer support for all doctors and medical students, 24 hours a day.",
        "0330 123 1245",
        "https://www.bma.org.uk/advice-and-support/your-wellbeing",
        "",
        True, False, False,
        ["wellbeing", "gmc", "complaint", "return_to_work"],
        "To talk to a counsellor any time, day or night",
    ),
    (
        "Medical Defence Union (MDU)",
        SignpostCategory.MDO,
        "Medico-legal advice and defence for members: GMC investigations, complaints, inquests and the press.",
        "0800 716 646",
        "https://www.themdu.com",
        "",
        True, False, True,
        ["gmc", "performers_list", "complaint", "media", "remediation", "contract"],
        "For legal advice, contact your medical defence organisation",
    ),
    (
        "Medical Protection Society (MPS)",
        SignpostCategory.MDO,
        "Medico-legal advice and defence for members: GMC investigations, complaints, inquests and the press.",
        "0800 561 9000",
        "https://www.medicalprotection.org/uk",
        "",
        True, False, True,
        ["gmc", "performers_list", "complaint", "media", "remediation", "contract"],
        "For legal advice, contact your medical defence organisation",
    ),
    (
        "MDDUS",
        SignpostCategory.MDO,
        "Medico-legal and employment advice for members: GMC investigations, complaints and practice HR questions.",
        "0333 043 4444",
        "https://www.mddus.com",
        "",
        True, True, True,
        ["gmc", "performers_list", "complaint", "media", "remediation", "contract", "workforce"],
        "For legal advice, contact your medical defence organisation",
    ),
    (
        "NHS Practitioner Health",
        SignpostCategory.WELLBEING,
        "Free, confidential NHS service for doctors and dentists with mental health concerns, including addiction, "
        "and for returning to work after ill health.",
        "0300 0303 300",
        "https://www.practitionerhealth.nhs.uk",
        "prac.health@nhs.net",
        True, False, False,
        ["wellbeing", "return_to_work", "gmc"],
        "For confidential help with your health",
    ),
    (
        "General Medical Council (GMC)",
        SignpostCategory.REGULATORS,
        "The doctors' regulator. Its doctor support service gives emotional support to doctors in a fitness to "
        "practise investigation (run by the BMA, independent of the GMC's decision makers).",
        "0161 923 6602",
        "https://www.gmc-uk.org",
        "",
        True, False, False,
        ["gmc", "return_to_work", "remediation"],
        "To ask the GMC about your registration or its doctor support service",
    ),
    (
        "Acas",
        SignpostCategory.HR,
        "Free, impartial advice on employment law and workplace disputes for employers and employees.",
        "0300 123 1100",
        "https://www.acas.org.uk",
        "",
        False, True, True,
        ["workforce", "partnership", "individual_contract"],
        "For free employment advice",
    ),
    (
        "Lancashire and South Cumbria Training Hub",
        SignpostCategory.TRAINING,
        "Leadership and management training, mentoring, return-to-practice and career support for GPs and practice "
        "teams in Lancashire and South Cumbria. Find its contact details through your ICB's website.",
        "",
        "",
        "",
        True, True, True,
        ["return_to_work", "remediation", "workforce", "succession"],
        "For training, mentoring and return-to-practice support",
    ),
]

# (key, sender, practice, topic, about, urgent reason, summary, details, days ago, journey)
PASTORAL_REQUESTS = [
    (
        "salaried-gmc",
        "salaried@riverside.example.org",
        "P81001",
        "gmc",
        "self",
        "",
        "The GMC has written to me about a complaint",
        "I received a letter from the GMC this morning about a complaint from a patient's family. I have never had "
        "one before and I do not know who to talk to or what to do first.",
        0.2,
        "received",
    ),
    (
        "promenade-wellbeing",
        "partner@promenade.example.org",
        "P81011",
        "wellbeing",
        "self",
        "",
        "I am exhausted and not sleeping",
        "Since two partners left I have been covering most of the sessions. I am not sleeping and I dread going in.",
        21,
        "sessions",
    ),
    (
        "ribbleview-colleague",
        "manager@ribbleview.example.org",
        "P81002",
        "return_to_work",
        "colleague",
        "",
        "How can we support a GP coming back after sick leave?",
        "One of our salaried GPs is returning after three months off. I want to get the phased return right.",
        60,
        "closed",
    ),
]


def seed() -> None:
    _seed_signposts()
    officer = _seed_pastoral_officer()
    now = timezone.now()
    for key, email, ods_code, topic, about, urgent_reason, summary, details, days_ago, journey in PASTORAL_REQUESTS:
        sender = User.objects.filter(email=email).first()
        practice = Practice.objects.filter(ods_code=ods_code).first()
        if sender is None or practice is None:
            continue
        submitted_at = now - timedelta(days=days_ago)
        enquiry = enquiry_submit(
            service="pastoral",
            submitted_by=sender,
            practice=practice,
            scope="practice",
            topic=topic,
            about=about,
            urgent=bool(urgent_reason),
            urgent_reason=urgent_reason,
            summary=summary,
            details=details,
            submission_token=uuid.uuid5(DEMO_NAMESPACE, key),
            allow_duplicate=True,
            now=submitted_at,
        )
        if enquiry.history.count() == 1 and journey != "received":
            _walk(enquiry, officer=officer, submitted_at=submitted_at, journey=journey)


def _seed_signposts() -> None:
    for name, category, helps_with, phone, web, email, gps, staff, practices, topics, advice in SIGNPOSTS:
        Signpost.objects.update_or_create(
            name=name,
            defaults={
                "category": category,
                "helps_with": helps_with,
                "phone": phone,
                "web": web,
                "email": email,
                "for_gps": gps,
                "for_practice_staff": staff,
                "for_practices": practices,
                "topics": topics,
                "topic_advice": advice,
            },
        )


def _seed_pastoral_officer() -> User:
    from members.demo import DEMO_PASSWORD

    email, first, last = PASTORAL_OFFICER
    officer, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last, "is_staff": True}
    )
    if created:
        officer.set_password(DEMO_PASSWORD)
        officer.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(user=officer, email=email, defaults={"verified": True, "primary": True})
    officer.groups.set(Group.objects.filter(name__in=[OFFICERS, PASTORAL_SUPPORT]))
    # The triage lead raises allowances, so sees pastoral requests too.
    lead = User.objects.filter(email=TRIAGE_LEAD_EMAIL).first()
    if lead is not None:
        lead.groups.add(*Group.objects.filter(name=PASTORAL_SUPPORT))
    return officer


def _walk(enquiry, *, officer: User, submitted_at, journey: str) -> None:
    """Walk a demo request along the person journey through the real services."""
    enquiry_assign(enquiry=enquiry, officer=officer, by=officer)
    contacted = submitted_at + timedelta(days=1)
    enquiry_record_first_contact(enquiry=enquiry, at=contacted, method="video", by=officer)
    enquiry.refresh_from_db()
    for week in (1, 2):
        support_session_book(
            enquiry=enquiry, held_on=(contacted + timedelta(weeks=week)).date(), by=officer, now=contacted
        )
    signpost_name = "NHS Practitioner Health" if journey == "sessions" else "Lancashire and South Cumbria Training Hub"
    enquiry_signpost_record(
        enquiry=enquiry, signpost=Signpost.objects.get(name=signpost_name), by=officer, now=contacted + timedelta(days=2)
    )
    if journey == "closed":
        enquiry_close(
            enquiry=enquiry,
            outcome="We talked through a phased return plan and pointed you to the Training Hub's return-to-work support.",
            by=officer,
        )

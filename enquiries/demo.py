"""Demo enquiries, so a newcomer can click through the members' pages and the
triage dashboard: every status, urgent and standard, on track and breached.

Idempotent: each demo enquiry has a fixed submission token, so running it again
finds the enquiries already made. Times are relative to now, so the SLA states
stay meaningful whenever the demo is seeded.
"""

import uuid
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from members.models import PCN, Membership, Practice, User
from members.permissions import OFFICERS, TRIAGE_LEAD

from .history import save_with_history
from .models import ConflictOfInterest, EnquiryMessage, Scope, Sharing, Status, Topic
from .services import conflict_declare, enquiry_message_send, enquiry_submit

DEMO_NAMESPACE = uuid.UUID("6f1d8a52-4a0e-4d59-9a55-2f1e0c7b9d10")

# (key, sender, practice ODS, scope, topic, urgent reason, summary, details, days ago, progress)
DEMO_ENQUIRIES = [
    (
        "riverside-dispute",
        "partner@riverside.example.org",
        "P81001",
        Scope.PRACTICE,
        Topic.PARTNERSHIP,
        "Two partners have said they will leave at the end of the month unless the profit share changes.",
        "Partners cannot agree the profit share and two may leave",
        "Since the new financial year the partners have been unable to agree how profits are shared. Two of the "
        "four partners have said they will give notice. We need independent help to talk this through before "
        "positions harden.",
        0.5,
        [],
    ),
    (
        "riverside-premises",
        "manager@riverside.example.org",
        "P81001",
        Scope.PRACTICE,
        Topic.PREMISES,
        "",
        "Landlord wants to end our lease early",
        "Our landlord has written saying they intend to sell the building. We do not know where we stand on the lease "
        "or on rent reimbursement if we have to move.",
        12,
        [(1, Status.TRIAGED), (3, Status.FIRST_CONTACT), (6, Status.PLAN_AGREED)],
    ),
    (
        "riverside-workforce",
        "manager@riverside.example.org",
        "P81001",
        Scope.PRACTICE,
        Topic.WORKFORCE,
        "",
        "Advice on restructuring the reception team",
        "We want to change reception shift patterns and would like advice on consulting staff fairly.",
        70,
        [(1, Status.TRIAGED), (2, Status.FIRST_CONTACT), (9, Status.PLAN_AGREED), (30, Status.CLOSED)],
    ),
    (
        "riverside-cqc",
        "manager@riverside.example.org",
        "P81001",
        Scope.PRACTICE,
        Topic.REGULATORY,
        "",
        "CQC wants evidence on repeat prescribing before a visit",
        "The CQC has written asking for our repeat prescribing protocol and audit before an inspection next month. "
        "We would like advice on what to send and how to present the audit.",
        0.2,
        [],
    ),
    (
        "promenade-pcn",
        "manager@promenade.example.org",
        "P81011",
        Scope.PCN,
        Topic.PCN,
        "",
        "PCN practices disagree on sharing ARRS staff",
        "The practices in our PCN cannot agree how the additional roles staff are shared between sites.",
        3,
        [(1, Status.TRIAGED)],
    ),
    (
        "caldervale-contract",
        "manager@caldervale.example.org",
        "P81021",
        Scope.PRACTICE,
        Topic.CONTRACT,
        "",
        "Breach notice from the ICB about access",
        "We have received a remedial notice about appointment availability and do not agree with the figures used.",
        9,
        [],
    ),
    (
        "castlestreet-resilience",
        "manager@castlestreet.example.org",
        "P81031",
        Scope.PRACTICE,
        Topic.RESILIENCE,
        "A flood has closed our main building and we are seeing patients at a branch site.",
        "Flood has closed our main surgery",
        "Water came through the roof overnight. The main building is closed; we need help with the ICB and cover.",
        1.6,
        [],
    ),
]


# Who may see each demo enquiry (every other one is "only me", the default):
# (sharing, emails of the colleagues named).
DEMO_SHARING = {
    "riverside-premises": (Sharing.PRACTICE, []),
    "riverside-cqc": (Sharing.PRACTICE, []),
    "riverside-workforce": (Sharing.NAMED, ["deputy@riverside.example.org"]),
}
# A demo conversation: (enquiry key, author email or None for the officer, text, PDF name or "").
DEMO_MESSAGES = [
    ("riverside-premises", "manager@riverside.example.org", "Here is the landlord's letter.", "landlord-letter.pdf"),
    ("riverside-premises", None, "Thank you. I have read it and will bring a note of the options to our call.", ""),
    ("riverside-premises", "partner@riverside.example.org", "Can the partners join the call on Thursday?", ""),
    ("riverside-premises", None, "Yes, all the partners are welcome. I will send the joining details on Wednesday.", ""),
]
DEMO_PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


def seed() -> None:
    now = timezone.now()
    made = {}
    for key, email, ods_code, scope, topic, urgent_reason, summary, details, days_ago, progress in DEMO_ENQUIRIES:
        submitted_by = User.objects.filter(email=email).first()
        practice = Practice.objects.filter(ods_code=ods_code).first()
        if submitted_by is None or practice is None:
            continue
        submitted_at = now - timedelta(days=days_ago)
        sharing, named = DEMO_SHARING.get(key, (Sharing.ONLY_ME, []))
        enquiry = enquiry_submit(
            submitted_by=submitted_by,
            practice=practice,
            scope=scope,
            topic=topic,
            urgent=bool(urgent_reason),
            urgent_reason=urgent_reason,
            summary=summary,
            details=details,
            preferred_contact_times="Weekday evenings after 6pm",
            submission_token=uuid.uuid5(DEMO_NAMESPACE, key),
            sharing=sharing,
            shared_with=list(User.objects.filter(email__in=named)),
            allow_duplicate=True,
            now=submitted_at,
        )
        if enquiry.history.count() == 1 and progress:
            _progress(enquiry, submitted_at=submitted_at, progress=progress)
        made[key] = enquiry
    _conversations(made, now=now)
    _seed_conflicts()


def _conversations(made: dict, *, now) -> None:
    """Give the demo a conversation with a document, once."""
    officer = User.objects.filter(email="officer@lmc.example.org").first()
    for index, (key, email, text, pdf_name) in enumerate(DEMO_MESSAGES):
        enquiry = made.get(key)
        author = officer if email is None else User.objects.filter(email=email).first()
        if enquiry is None or author is None or EnquiryMessage.objects.filter(enquiry=enquiry, text=text).exists():
            continue
        files = [SimpleUploadedFile(pdf_name, DEMO_PDF, content_type="application/pdf")] if pdf_name else []
        enquiry_message_send(
            enquiry=enquiry, author=author, text=text, files=files, now=now - timedelta(hours=len(DEMO_MESSAGES) - index)
        )


# An officer who is also a GP partner at Riverside (an automatic conflict: she
# never sees Riverside's enquiries), and a declared PCN conflict for Owen Okafor.
CONFLICTED_OFFICER = ("gp.officer@lmc.example.org", "Gita", "Patel", "P81001")
DECLARED_PCN_CONFLICT = (
    "officer2@lmc.example.org",
    "U60002",
    "My spouse is the practice manager at a practice in this PCN.",
)


def _seed_conflicts() -> None:
    from members.demo import DEMO_PASSWORD

    email, first, last, ods_code = CONFLICTED_OFFICER
    practice = Practice.objects.filter(ods_code=ods_code).first()
    if practice is not None:
        officer, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last, "is_staff": True}
        )
        if created:
            officer.set_password(DEMO_PASSWORD)
            officer.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(user=officer, email=email, defaults={"verified": True, "primary": True})
        officer.groups.set(Group.objects.filter(name=OFFICERS))
        Membership.objects.update_or_create(
            user=officer, practice=practice, defaults={"role": Membership.Role.GP_PARTNER, "is_active": True}
        )
    email, pcn_code, reason = DECLARED_PCN_CONFLICT
    officer = User.objects.filter(email=email).first()
    pcn = PCN.objects.filter(code=pcn_code).first()
    lead = User.objects.filter(groups__name=TRIAGE_LEAD, is_active=True).order_by("pk").first()
    if officer is None or pcn is None or lead is None:
        return
    if not ConflictOfInterest.objects.filter(officer=officer, pcn=pcn, withdrawn_at__isnull=True).exists():
        conflict_declare(officer=officer, pcn=pcn, reason=reason, by=lead)


def _progress(enquiry, *, submitted_at, progress) -> None:
    """Walk a demo enquiry along its journey (the triage services do this for real)."""
    officer = User.objects.filter(email="officer@lmc.example.org").first()
    for days_after, status in progress:
        when = submitted_at + timedelta(days=days_after)
        enquiry.status = status
        if status == Status.TRIAGED:
            enquiry.assigned_to = officer
        if status == Status.FIRST_CONTACT:
            enquiry.first_contact_at = when
            enquiry.first_contact_method = "phone"
        if status == Status.PLAN_AGREED:
            enquiry.plan = "Three facilitated conversations with the partners, then a review."
            enquiry.plan_published_at = when
        if status == Status.CLOSED:
            enquiry.outcome = "New rota agreed with staff after consultation; no grievances raised."
            enquiry.closed_at = when
            enquiry.outcome_published_at = when
        enquiry.full_clean()
        save_with_history(enquiry, by=officer, at=when)

"""The demo LMC: PCNs, practices, members in every role and staff in every group.

Every function here is idempotent: running it twice leaves the same rows.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from .groups import LEVY_ADMIN, OFFICERS, PROGRAMME_ADMIN, TRIAGE_LEAD
from .models import PCN, Area, Membership, Practice, User

DEMO_PASSWORD = "demo-portal-2026"

PCNS = [
    ("Preston City PCN", "U60001"),
    ("Fylde Coast Central PCN", "U60002"),
    ("Pennine Valleys PCN", "U60003"),
]

ICB = ("NHS Lancashire and South Cumbria ICB", "QE1")
# Sub-ICB locations of the ICB: (name, ODS code)
SUB_ICB_AREAS = [
    ("Greater Preston", "01E"),
    ("Blackpool", "00R"),
    ("Fylde and Wyre", "02M"),
    ("East Lancashire", "01A"),
    ("Morecambe Bay", "01K"),
]

# (name, ODS code, PCN index or None, postcode, contract, GPDF opt-out, Sub-ICB location)
PRACTICES = [
    ("Riverside Medical Practice", "P81001", 0, "PR1 2AB", "GMS", False, "Greater Preston"),
    ("Ribble View Surgery", "P81002", 0, "PR1 5QT", "GMS", False, "Greater Preston"),
    ("Avenham Health Centre", "P81003", 0, "PR1 8JN", "PMS", False, "Greater Preston"),
    ("Fishergate Family Practice", "P81004", 0, "PR1 3LP", "GMS", True, "Greater Preston"),
    ("Promenade Surgery", "P81011", 1, "FY1 4BD", "GMS", False, "Blackpool"),
    ("Bispham Village Practice", "P81012", 1, "FY2 0HH", "PMS", False, "Blackpool"),
    ("Lytham Road Surgery", "P81013", 1, "FY4 1DW", "APMS", False, "Blackpool"),
    ("Harbour Lane Medical Centre", "P81014", 1, "FY7 6AB", "GMS", False, "Fylde and Wyre"),
    ("Calder Vale Practice", "P81021", 2, "BB11 2DL", "GMS", False, "East Lancashire"),
    ("Pendle Hill Surgery", "P81022", 2, "BB9 7SR", "GMS", True, "East Lancashire"),
    ("Rossendale Moors Health Centre", "P81023", 2, "BB4 5HU", "PMS", False, "East Lancashire"),
    ("Castle Street Surgery", "P81031", None, "LA1 1HP", "GMS", False, "Morecambe Bay"),
]

# (email, first, last, practice ODS codes, role)
MEMBERS = [
    ("manager@riverside.example.org", "Priya", "Shah", ["P81001"], Membership.Role.PRACTICE_MANAGER),
    ("partner@riverside.example.org", "Tom", "Hughes", ["P81001"], Membership.Role.GP_PARTNER),
    ("salaried@riverside.example.org", "Aisha", "Khan", ["P81001"], Membership.Role.SALARIED_GP),
    ("newgp@riverside.example.org", "Ben", "Okoro", ["P81001"], Membership.Role.GP_TRAINEE),
    ("deputy@riverside.example.org", "Leah", "Murphy", ["P81001"], Membership.Role.ASSISTANT_MANAGER),
    ("reception.lead@riverside.example.org", "Sam", "Walsh", ["P81001"], Membership.Role.TEAM_LEAD),
    ("manager@ribbleview.example.org", "Gareth", "Jones", ["P81002"], Membership.Role.PRACTICE_MANAGER),
    ("partner@ribbleview.example.org", "Helen", "Price", ["P81002"], Membership.Role.GP_PARTNER),
    ("manager@promenade.example.org", "Fiona", "Clarke", ["P81011"], Membership.Role.PRACTICE_MANAGER),
    ("partner@promenade.example.org", "Rob", "Taylor", ["P81011", "P81012"], Membership.Role.GP_PARTNER),
    ("manager@bispham.example.org", "Nadia", "Ali", ["P81012"], Membership.Role.PRACTICE_MANAGER),
    ("manager@caldervale.example.org", "Chris", "Barnes", ["P81021"], Membership.Role.PRACTICE_MANAGER),
    ("deputy@caldervale.example.org", "Jo", "Ward", ["P81021"], Membership.Role.ASSISTANT_MANAGER),
    ("manager@castlestreet.example.org", "Mark", "Ellis", ["P81031"], Membership.Role.PRACTICE_MANAGER),
]

# Invited by the triage lead; has not set a password yet (see _invited_member).
INVITED_MEMBER = "new.partner@harbourlane.example.org"

# (email, first, last, groups, superuser)
STAFF = [
    ("officer@lmc.example.org", "Olivia", "Officer", [OFFICERS], False),
    ("officer2@lmc.example.org", "Owen", "Okafor", [OFFICERS], False),
    ("triage@lmc.example.org", "Tara", "Triage", [OFFICERS, TRIAGE_LEAD], False),
    ("levies@lmc.example.org", "Liam", "Levy", [LEVY_ADMIN], False),
    ("programme@lmc.example.org", "Pat", "Programme", [PROGRAMME_ADMIN], False),
    ("admin@lmc.example.org", "Ada", "Admin", [], True),
]


def _user(email: str, first: str, last: str, *, is_staff: bool = False, is_superuser: bool = False) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"first_name": first, "last_name": last, "is_staff": is_staff, "is_superuser": is_superuser},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def seed() -> dict[str, list[str]]:
    """Create the demo LMC; return the logins by kind, for printing."""
    pcns = [PCN.objects.update_or_create(code=code, defaults={"name": name})[0] for name, code in PCNS]
    icb = Area.objects.update_or_create(name=ICB[0], defaults={"code": ICB[1], "kind": Area.Kind.ICB, "icb": None})[0]
    areas = {
        name: Area.objects.update_or_create(name=name, defaults={"code": code, "kind": Area.Kind.SUB_ICB, "icb": icb})[0]
        for name, code in SUB_ICB_AREAS
    }
    for name, ods, pcn_index, postcode, contract, opt_out, area in PRACTICES:
        Practice.objects.update_or_create(
            ods_code=ods,
            defaults={
                "name": name,
                "area": areas[area],
                "pcn": pcns[pcn_index] if pcn_index is not None else None,
                "postcode": postcode,
                "contract_type": contract,
                "gpdf_opt_out": opt_out,
            },
        )
    logins: dict[str, list[str]] = {"members": [], "staff": []}
    for email, first, last, codes, role in MEMBERS:
        user = _user(email, first, last)
        for code in codes:
            Membership.objects.update_or_create(
                user=user, practice=Practice.objects.get(ods_code=code), defaults={"role": role, "is_active": True}
            )
        logins["members"].append(f"{email} ({Membership.Role(role).label}, {', '.join(codes)})")
    for email, first, last, groups, superuser in STAFF:
        user = _user(email, first, last, is_staff=True, is_superuser=superuser)
        user.groups.set(Group.objects.filter(name__in=groups))
        logins["staff"].append(f"{email} ({', '.join(groups) or 'superuser'})")
    _invited_member()
    return logins


def _invited_member() -> None:
    """A new partner the triage lead has invited but who has not set a password yet.

    Their invitation is in the outbox, where staff see it as hidden (it
    carries a set-password link), and once sent its body is removed.
    """
    from .services import user_invite

    user, created = User.objects.get_or_create(
        email=INVITED_MEMBER, defaults={"first_name": "Imran", "last_name": "Patel"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Membership.objects.update_or_create(
        user=user, practice=Practice.objects.get(ods_code="P81014"), defaults={"role": Membership.Role.GP_PARTNER}
    )
    if user.invited_at is None:
        user_invite(user=user, invited_by=User.objects.get(email="triage@lmc.example.org"))

"""Seed a realistic volume of practices, members and enquiries with bulk inserts.

    .venv/bin/python -m bench.seed --enquiries 100000 --practices 7000

Writes to the database `lmc_bench` on the server DATABASE_URL names (a SQLite
file in the temp dir without one), migrating it first. The seed owns every
row it makes (practices Z00001.., users @bench.example.org) and deletes them
before seeding again, so running it twice leaves one copy. Other rows are
left alone; enquiry numbers carry on from the reference counter.
"""

import argparse
import csv
import io
import random
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

ODS_PREFIX = "Z"
EMAIL_DOMAIN = "bench.example.org"
PASSWORD = "bench-password-not-a-secret"
PRACTICES_PER_PCN = 6
OFFICERS = 12
LONDON = ZoneInfo("Europe/London")
NULL = "\\N"  # how None travels in the COPY stream

SUMMARIES = [
    "Two partners disagree about taking on a new salaried GP",
    "Our senior partner is retiring next spring and nobody wants the lease",
    "The ICB has issued a remedial notice about access",
    "Cash flow problem after the PCN ARRS reimbursement was late",
    "A partner wants to leave and the partnership deed is unclear",
    "CQC inspection next month and our manager is off sick",
    "We are considering merging with the practice next door",
    "Landlord has proposed a large rent increase at review",
    "Tension between the PCN clinical director and member practices",
    "Lost three GPs in a month and may not be able to open",
]
DETAILS = (
    "We would like a confidential conversation with an LMC officer about this. "
    "The partners have tried to resolve it between themselves but things are getting worse, "
    "and the staff are beginning to notice. We can talk after surgery most days."
)
OUTCOMES = [
    "Partnership deed revised with LMC facilitation; partners agreed a way forward.",
    "Signposted to the GPDF legal helpline; practice resolved the matter.",
    "Merger completed with LMC support; new partnership agreement signed.",
    "Issue resolved after one conversation; no further support needed.",
]


@dataclass(frozen=True)
class SeedResult:
    practices: int
    members: int
    enquiries: int
    rows: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def member_email(n: int) -> str:
    """The login of the bench member at practice number `n` (1-based)."""
    return f"member{n}@{EMAIL_DOMAIN}"


def reset() -> None:
    """Delete every row an earlier seed made (and anything hanging off its enquiries)."""
    from allauth.account.models import EmailAddress
    from django.db import router

    from enquiries.models import Enquiry
    from members.models import PCN, Membership, Practice, User

    ours = Enquiry.objects.filter(practice__ods_code__startswith=ODS_PREFIX)
    using = router.db_for_write(Enquiry)
    # Reminders, notes and the like first (few rows, ORM delete keeps their cascades);
    # then the enquiries in one statement: the ORM would load and log all 100,000.
    for relation in Enquiry._meta.related_objects:
        if relation.one_to_many or relation.one_to_one:
            relation.related_model.objects.filter(**{f"{relation.field.name}__in": ours.values("pk")}).delete()
    history = Enquiry.history.model.objects.filter(practice__ods_code__startswith=ODS_PREFIX)
    history._raw_delete(using)
    ours._raw_delete(using)
    _counters_follow_remaining_enquiries()
    users = User.objects.filter(email__endswith="@" + EMAIL_DOMAIN)
    EmailAddress.objects.filter(user__in=users)._raw_delete(using)
    Membership.objects.filter(user__in=users)._raw_delete(using)
    users.delete()
    Practice.objects.filter(ods_code__startswith=ODS_PREFIX).delete()
    PCN.objects.filter(code__startswith=ODS_PREFIX).delete()


def _counters_follow_remaining_enquiries() -> None:
    """Wind each year's counter back to the highest reference still in use, so numbers stay five digits."""
    from django.db.models import Max

    from enquiries.models import Enquiry, ServiceReferenceCounter

    for counter in ServiceReferenceCounter.objects.filter(service__slug="leadership"):
        highest = Enquiry.objects.filter(reference__startswith=f"LMS-{counter.year}-").aggregate(m=Max("reference"))["m"]
        counter.last_number = int(highest.rsplit("-", 1)[1]) if highest else 0
        counter.save(update_fields=["last_number"])


def _due(submitted_at: datetime, *, urgent: bool) -> datetime:
    # Close enough to the real rule for a benchmark: five working days is a
    # week, at close of business. The real rule is in enquiries.sla.
    if urgent:
        return submitted_at + timedelta(hours=48)
    day = submitted_at.astimezone(LONDON).date() + timedelta(days=7)
    return datetime(day.year, day.month, day.day, 17, 0, tzinfo=LONDON)


def _status(rng: random.Random, *, recent: bool, pcn_scope: bool) -> str:
    if recent:
        choices, weights = ["submitted", "triaged", "first_contact", "plan_agreed", "on_hold"], [35, 35, 20, 8, 2]
    else:
        # Old work left with no first contact is rare: the reminders chase it.
        choices = ["closed", "submitted", "triaged", "first_contact", "plan_agreed", "facilitation", "mediation"]
        weights = [84, 0.3, 0.7, 5, 5, 3.5, 1.5]
    status = rng.choices(choices, weights)[0]
    if status == "on_hold" and not pcn_scope:
        status = "submitted"
    return status


def _enquiries(rng, *, count, practices, officers, members_by_practice, now):
    from enquiries.models import AFTER_FIRST_CONTACT, Topic

    topics = [t.value for t in Topic]
    rows = []
    for _ in range(count):
        practice = practices[rng.randrange(len(practices))]
        recent = rng.random() < 0.03  # the last ten days; the rest over two years
        age = timedelta(seconds=rng.uniform(0, 10 * 86400) if recent else rng.uniform(10 * 86400, 730 * 86400))
        submitted_at = now - age
        urgent = rng.random() < 0.1
        pcn_scope = practice.pcn_id is not None and rng.random() < 0.15
        status = _status(rng, recent=recent, pcn_scope=pcn_scope)
        held = status == "on_hold"
        due = None if held else _due(submitted_at, urgent=urgent)
        first_contact_at = None
        if status in AFTER_FIRST_CONTACT or (status == "closed" and rng.random() < 0.9):
            # Most first contacts are on time; about one in eight is late.
            window = (due - submitted_at).total_seconds()
            first_contact_at = min(now, submitted_at + timedelta(seconds=rng.uniform(3600, window * 1.15)))
        closed_at = None
        if status == "closed":
            closed_at = min(now, (first_contact_at or submitted_at) + timedelta(days=rng.uniform(3, 120)))
        rows.append(
            dict(
                practice_id=practice.pk,
                scope="pcn" if pcn_scope else "practice",
                pcn_id=practice.pcn_id if pcn_scope else None,
                topic=rng.choice(topics),
                urgent=urgent,
                urgent_reason="A partner has resigned with immediate effect." if urgent else "",
                summary=rng.choice(SUMMARIES),
                details=DETAILS,
                preferred_contact_times=rng.choice(["", "After 6pm", "Not Wednesdays", "Mornings before surgery"]),
                contact_phone=rng.choice(["", "07700 900123"]),
                submitted_by_id=members_by_practice[practice.pk],
                submitted_at=submitted_at,
                sla_started_at=None if held else submitted_at,
                first_contact_due_at=due,
                first_contact_at=first_contact_at,
                first_contact_method="phone" if first_contact_at else "",
                status=status,
                assigned_to_id=None if status in ("submitted", "on_hold") else rng.choice(officers),
                plan="Facilitated partners' meeting, then review in six weeks." if status != "submitted" else "",
                outcome=rng.choice(OUTCOMES) if status == "closed" else "",
                closed_at=closed_at,
                updated_at=now,
            )
        )
    return rows


def _number(rows, *, now) -> None:
    """Give the enquiries references in submission order, carrying on each year's counter."""
    from django.db import transaction

    from enquiries.models import ServiceReferenceCounter, SupportService

    leadership = SupportService.objects.get(slug="leadership")
    rows.sort(key=lambda e: e["submitted_at"])
    with transaction.atomic():
        last: dict[int, int] = {}
        for enquiry in rows:
            year = enquiry["submitted_at"].astimezone(LONDON).year
            if year not in last:
                counter, _ = ServiceReferenceCounter.objects.select_for_update().get_or_create(
                    service=leadership, year=year
                )
                last[year] = counter.last_number
            last[year] += 1
            enquiry["reference"] = f"LMS-{year}-{last[year]:05d}"
        for year, number in last.items():
            ServiceReferenceCounter.objects.filter(service=leadership, year=year).update(last_number=number)


def _insert_enquiries(rows: list[dict]) -> None:
    """Insert the enquiries: PostgreSQL's COPY (ten times Django's bulk_create), else bulk_create."""
    from django.db import connection, transaction

    from enquiries.models import Enquiry

    if not rows:
        return
    if connection.vendor != "postgresql":
        with transaction.atomic():
            Enquiry.objects.bulk_create([Enquiry(**row) for row in rows], batch_size=2000)
        return
    # Fields other branches add later get their model default, as the ORM would give them.
    extra = {
        f.attname: f.get_default()
        for f in Enquiry._meta.concrete_fields
        if not f.primary_key and f.attname not in rows[0]
    }
    columns = [*rows[0], *extra]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        values = [*row.values(), *extra.values()]
        writer.writerow([NULL if value is None else value for value in values])
    buffer.seek(0)
    table = Enquiry._meta.db_table
    column_list = ", ".join(f'"{Enquiry._meta.get_field(name).column}"' for name in columns)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({column_list}) FROM STDIN WITH (FORMAT csv, NULL '{NULL}')", buffer)


def _summarise_overview() -> None:
    """Count the support overview's past months, as beat does every night, so the page is measured as it runs."""
    from enquiries.tasks import summarise_overview_months

    summarise_overview_months()


def _analyze() -> None:
    """Refresh the planner's statistics and the visibility map, as autovacuum would soon after a bulk load.

    Without the statistics the planner guesses a dozen breached enquiries where
    there are ten thousand, and a filtered triage page takes a second instead
    of 5 ms. Without the visibility map an index-only scan (the overview's
    open enquiries) still reads every row it counts from the table.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # VACUUM cannot run in a transaction (a test's): statistics alone there.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


def seed(*, enquiries: int = 100_000, practices: int = 7_000, random_seed: int = 2026) -> SeedResult:
    """Replace the bench data with `practices` practices (with PCNs, one member each) and `enquiries` enquiries.

    Return what was made and how fast. Needs Django set up.
    """
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from members.models import PCN, Membership, Practice, User

    rng = random.Random(random_seed)
    started = time.perf_counter()
    reset()
    now = timezone.now()
    password = make_password(PASSWORD)  # hashed once: hashing 7,000 times would dominate
    batch = 2000
    with transaction.atomic():
        pcns = PCN.objects.bulk_create(
            [
                PCN(name=f"Bench PCN {n}", code=f"{ODS_PREFIX}P{n:04d}")
                for n in range(1, practices // PRACTICES_PER_PCN + 2)
            ],
            batch_size=batch,
        )
        practice_rows = Practice.objects.bulk_create(
            [
                Practice(
                    name=f"Bench Surgery {n}",
                    ods_code=f"{ODS_PREFIX}{n:05d}",
                    pcn=pcns[(n - 1) // PRACTICES_PER_PCN] if n % 10 else None,  # one in ten has no PCN
                    postcode="PR1 1AA",
                    contract_type=rng.choice(["GMS", "GMS", "PMS", "APMS"]),
                )
                for n in range(1, practices + 1)
            ],
            batch_size=batch,
        )
        members = User.objects.bulk_create(
            [
                User(email=member_email(n), first_name="Bench", last_name=f"Manager {n}", password=password)
                for n in range(1, practices + 1)
            ],
            batch_size=batch,
        )
        officers = User.objects.bulk_create(
            [
                User(email=f"officer{n}@{EMAIL_DOMAIN}", first_name="Bench", last_name=f"Officer {n}",
                     password=password, is_staff=True)
                for n in range(1, OFFICERS + 1)
            ],
            batch_size=batch,
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in members + officers],
            batch_size=batch,
        )
        Membership.objects.bulk_create(
            [
                Membership(user=user, practice=practice, role="practice_manager")
                for user, practice in zip(members, practice_rows, strict=True)
            ],
            batch_size=batch,
        )
    members_by_practice = {p.pk: u.pk for u, p in zip(members, practice_rows, strict=True)}
    rows = _enquiries(
        rng, count=enquiries, practices=practice_rows, officers=[o.pk for o in officers],
        members_by_practice=members_by_practice, now=now,
    )
    _number(rows, now=now)
    _insert_enquiries(rows)
    _analyze()
    _summarise_overview()
    seconds = time.perf_counter() - started
    total = len(pcns) + practices * 3 + OFFICERS * 2 + enquiries
    return SeedResult(practices=practices, members=practices, enquiries=enquiries, rows=total, seconds=seconds)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enquiries", type=int, default=100_000)
    parser.add_argument("--practices", type=int, default=7_000)
    parser.add_argument("--database", default="lmc_bench", help="database name on the DATABASE_URL server")
    parser.add_argument("--recreate", action="store_true", help="drop and create the database first")
    args = parser.parse_args(argv)

    from bench.harness import bench_database_url, database_recreate, django_setup

    url = bench_database_url(args.database)
    if args.recreate:
        database_recreate(url)
    django_setup(database_url=url)
    result = seed(enquiries=args.enquiries, practices=args.practices)
    print(
        f"Seeded {result.enquiries:,} enquiries, {result.practices:,} practices and {result.members:,} members "
        f"({result.rows:,} rows) into {url.rsplit('/', 1)[-1]} in {result.seconds:.1f} s: "
        f"{result.rows_per_second:,.0f} rows per second."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Seed a realistic volume of practices, members and enquiries with bulk inserts.

    .venv/bin/python -m bench.seed --enquiries 100000 --practices 7000
    .venv/bin/python -m bench.seed --enquiries 1000000      # a few minutes

Writes to the database `lmc_bench` on the server DATABASE_URL names (a SQLite
file in the temp dir without one), migrating it first. The seed owns every
row it makes (practices Z00001.., users @bench.example.org) and deletes them
before seeding again, so running it twice leaves one copy. Other rows are
left alone; enquiry numbers carry on from each service's reference counter.

The first 100,000 enquiries span the last two years and carry the open work;
beyond that, the extra enquiries are older, closed history (about 80,000 a
year, reaching back as far as it takes), because an LMC's open caseload does
not grow with its archive. Whatever the size, about 700 enquiries are due an
SLA reminder (`--due-reminders`).
"""

import argparse
import bisect
import csv
import io
import random
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

ODS_PREFIX = "Z"
EMAIL_DOMAIN = "bench.example.org"
PASSWORD = "bench-password-not-a-secret"
PRACTICES_PER_PCN = 6
OFFICERS = 12
PASTORAL_OFFICERS = 2  # the last officers also work Pastoral and professional support
LONDON = ZoneInfo("Europe/London")
NULL = "\\N"  # how None travels in the COPY stream

# The enquiries that carry the open work; any more are older, closed history.
CURRENT_ENQUIRIES = 100_000
CURRENT_DAYS = 730
RECENT_DAYS = 10
HISTORY_PER_YEAR = 80_000  # keeps each year's references within five digits (LMS-2019-NNNNN)
# Enquiries due an SLA reminder at the moment of seeding, out of each 100,000 current ones.
DUE_REMINDERS = 700
DUE_SOON_SHARE = 0.15  # of those, inside the due-soon window; the rest breached
PASTORAL_SHARE = 0.05
RESTRICTED_SHARE = 0.005
PRACTICE_SHARING_SHARE = 0.3
COPY_BATCH = 50_000  # rows per COPY statement: the memory held at once
BULK_LOAD_FROM = 20_000  # enquiries from which the indexes are built after the COPY rather than during it

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
PASTORAL_SUMMARIES = [
    "I am finding it hard to cope after a complaint",
    "The GMC has written to me and I do not know what to do",
    "I would like to return to work after a long absence",
    "A colleague seems exhausted and I am worried about them",
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
CONTACT_TIMES = ["", "After 6pm", "Not Wednesdays", "Mornings before surgery"]
PHONES = ["", "07700 900123"]
URGENT_REASON = "A partner has resigned with immediate effect."
PLAN = "Facilitated partners' meeting, then review in six weeks."

# The enquiry columns the seed writes, in the COPY stream's order; the others get their model default.
COLUMNS = [
    "reference", "service_id", "about", "session_allowance", "practice_id", "scope", "pcn_id", "topic", "urgent",
    "urgent_reason", "summary", "details", "preferred_contact_times", "contact_phone", "submitted_by_id", "sharing",
    "submitted_at", "sla_started_at", "first_contact_due_at", "first_contact_at", "first_contact_method", "status",
    "assigned_to_id", "plan", "outcome", "closed_at", "updated_at", "is_restricted", "restricted_at",
    "restricted_by_id",
]  # fmt: skip


@dataclass(frozen=True)
class SeedResult:
    practices: int
    members: int
    enquiries: int
    rows: int
    seconds: float
    due_reminders: int = 0

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
    for field in Enquiry._meta.many_to_many:  # the restriction's and the sharing's names
        through = field.remote_field.through
        through.objects.filter(**{f"{field.m2m_field_name()}__in": ours.values("pk")})._raw_delete(using)
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

    for counter in ServiceReferenceCounter.objects.select_related("service"):
        prefix = f"{counter.service.reference_prefix}-{counter.year}-"
        highest = Enquiry.objects.filter(reference__startswith=prefix).aggregate(m=Max("reference"))["m"]
        counter.last_number = int(highest.rsplit("-", 1)[1]) if highest else 0
        counter.save(update_fields=["last_number"])


class _References:
    """Hand out references in submission order, carrying on each service's yearly counter.

    Use inside a transaction; `save` writes the counters back.
    """

    def __init__(self) -> None:
        from enquiries.models import SupportService

        self.prefixes = dict(SupportService.objects.values_list("pk", "reference_prefix"))
        self.last: dict[tuple[int, int], int] = {}

    def next(self, service_id: int, submitted_at: datetime) -> str:
        from enquiries.models import ServiceReferenceCounter

        year = submitted_at.astimezone(LONDON).year
        key = (service_id, year)
        if key not in self.last:
            counter, _ = ServiceReferenceCounter.objects.select_for_update().get_or_create(
                service_id=service_id, year=year
            )
            self.last[key] = counter.last_number
        self.last[key] += 1
        return f"{self.prefixes[service_id]}-{year}-{self.last[key]:05d}"

    def save(self) -> None:
        from enquiries.models import ServiceReferenceCounter

        for (service_id, year), number in self.last.items():
            ServiceReferenceCounter.objects.filter(service_id=service_id, year=year).update(last_number=number)


def _due(submitted_at: datetime, *, urgent: bool, pastoral: bool = False) -> datetime:
    # Close enough to the real rule for a benchmark: five working days is a
    # week (two are three days), at close of business. The real rule is in enquiries.sla.
    if urgent:
        return submitted_at + timedelta(hours=24 if pastoral else 48)
    day = submitted_at.astimezone(LONDON).date() + timedelta(days=3 if pastoral else 7)
    return datetime(day.year, day.month, day.day, 17, 0, tzinfo=LONDON)


def _status(rng: random.Random, *, recent: bool, history: bool, pcn_scope: bool) -> str:
    if history:
        return "closed"
    if recent:
        choices, weights = ["submitted", "triaged", "first_contact", "plan_agreed", "on_hold"], [35, 35, 20, 8, 2]
    else:
        # Old work with no first contact yet is the few due a reminder (chosen apart).
        choices = ["closed", "first_contact", "plan_agreed", "facilitation", "mediation"]
        weights = [85, 5, 5, 3.5, 1.5]
    status = rng.choices(choices, weights)[0]
    if status == "on_hold" and not pcn_scope:
        status = "submitted"
    return status


@dataclass(frozen=True)
class _World:
    """What the enquiries point at: practices (id, PCN id), members, officers and services."""

    practices: Sequence[tuple[int, int | None]]
    members_by_practice: dict[int, int]
    officers: Sequence[int]
    pastoral_officers: Sequence[int]
    leadership_id: int
    pastoral_id: int


def _submission_times(rng: random.Random, *, count: int, now: datetime) -> list[float]:
    """Return `count` submission moments (POSIX seconds), oldest first."""
    current = min(count, CURRENT_ENQUIRIES)
    history = count - current
    history_days = history / HISTORY_PER_YEAR * 365
    now_ts = now.timestamp()
    day = 86400.0
    times = []
    for n in range(count):
        if n >= current:
            age = rng.uniform(CURRENT_DAYS, CURRENT_DAYS + history_days) * day
        elif rng.random() < 0.03:
            age = rng.uniform(0, RECENT_DAYS) * day
        else:
            age = rng.uniform(RECENT_DAYS, CURRENT_DAYS) * day
        times.append(now_ts - age)
    times.sort()
    return times


def _due_reminder_picks(
    rng: random.Random, times: list[float], *, wanted: int, now: datetime
) -> tuple[set[int], set[int]]:
    """Choose the enquiries left waiting for first contact past their due time (breached) or close to it.

    Return (breached, due soon) positions in `times`. Every other enquiry
    that would be waiting by then has had its first contact.
    """
    now_ts, day = now.timestamp(), 86400.0
    due_soon_wanted = round(wanted * DUE_SOON_SHARE)
    low, high = bisect.bisect_left(times, now_ts - 60 * day), bisect.bisect_right(times, now_ts - 8 * day)
    breached = set(rng.sample(range(low, high), min(wanted - due_soon_wanted, high - low)))
    low, high = bisect.bisect_left(times, now_ts - 7.5 * day), bisect.bisect_right(times, now_ts - 5.5 * day)
    candidates = [
        n
        for n in range(low, high)
        if now + timedelta(hours=1) < _due(datetime.fromtimestamp(times[n], UTC), urgent=False)
        <= now + timedelta(hours=23)
    ]
    due_soon = set(rng.sample(candidates, min(due_soon_wanted, len(candidates))))
    return breached, due_soon


def _enquiry_rows(
    rng: random.Random, *, times: list[float], world: _World, due_reminders: int, now: datetime,
    references: _References,
) -> Iterator[list]:  # fmt: skip
    """Yield each enquiry's values in COLUMNS order, oldest first, numbered as they go."""
    from enquiries.models import PastoralTopic, Topic

    topics = [t.value for t in Topic]
    pastoral_topics = [t.value for t in PastoralTopic]
    breached, due_soon = _due_reminder_picks(rng, times, wanted=due_reminders, now=now)
    officers, pastoral_officers = world.officers, world.pastoral_officers
    restricted_by = officers[0]  # the triage lead; the officer named is officers[1] (_restrict_names)
    practices = world.practices
    now_ts = now.timestamp()
    no_later_than = now + timedelta(hours=24)  # waiting enquiries due before this have had first contact
    awaiting = ("submitted", "triaged")
    for n, moment in enumerate(times):
        submitted_at = datetime.fromtimestamp(moment, UTC)
        age_days = (now_ts - moment) / 86400
        practice_id, practice_pcn = practices[rng.randrange(len(practices))]
        reminder_due = n in breached or n in due_soon
        pastoral = not reminder_due and rng.random() < PASTORAL_SHARE
        urgent = not reminder_due and rng.random() < 0.1
        pcn_scope = not pastoral and practice_pcn is not None and rng.random() < 0.15
        if reminder_due:
            status = awaiting[n % 2]
        else:
            status = _status(rng, recent=age_days < RECENT_DAYS, history=age_days > CURRENT_DAYS, pcn_scope=pcn_scope)
        held = status == "on_hold"
        due = None if held else _due(submitted_at, urgent=urgent, pastoral=pastoral)
        if status in awaiting and not reminder_due and due is not None and due <= no_later_than:
            status = "first_contact"  # only the chosen few are left waiting past (or close to) their due time
        first_contact_at = None
        if due is not None and (status not in (*awaiting, "closed") or (status == "closed" and rng.random() < 0.9)):
            # Most first contacts are on time; about one in eight is late.
            window = (due - submitted_at).total_seconds()
            first_contact_at = min(now, submitted_at + timedelta(seconds=rng.uniform(3600, window * 1.15)))
        closed_at = None
        if status == "closed":
            closed_at = min(now, (first_contact_at or submitted_at) + timedelta(days=rng.uniform(3, 120)))
        restricted = not reminder_due and rng.random() < RESTRICTED_SHARE
        service_id = world.pastoral_id if pastoral else world.leadership_id
        if status in ("submitted", "on_hold"):
            assigned_to = None
        else:
            assigned_to = rng.choice(pastoral_officers if pastoral else officers)
        yield [
            references.next(service_id, submitted_at),
            service_id,
            ("self" if rng.random() < 0.8 else "colleague") if pastoral else "",
            6 if pastoral else 0,
            practice_id,
            "pcn" if pcn_scope else "practice",
            practice_pcn if pcn_scope else None,
            rng.choice(pastoral_topics if pastoral else topics),
            urgent,
            URGENT_REASON if urgent else "",
            rng.choice(PASTORAL_SUMMARIES if pastoral else SUMMARIES),
            DETAILS,
            rng.choice(CONTACT_TIMES),
            rng.choice(PHONES),
            world.members_by_practice[practice_id],
            "practice" if not pastoral and rng.random() < PRACTICE_SHARING_SHARE else "only_me",
            submitted_at,
            None if held else submitted_at,
            due,
            first_contact_at,
            "phone" if first_contact_at else "",
            status,
            assigned_to,
            PLAN if status != "submitted" else "",
            rng.choice(OUTCOMES) if status == "closed" else "",
            closed_at,
            now,
            restricted,
            min(now, submitted_at + timedelta(days=1)) if restricted else None,
            restricted_by if restricted else None,
        ]


def _number(rows, *, now) -> None:
    """Give the enquiries (dicts, as `_insert_enquiries` takes) references in submission order."""
    from django.db import transaction

    from enquiries.models import SupportService

    leadership_id = SupportService.objects.get(slug="leadership").pk
    rows.sort(key=lambda e: e["submitted_at"])
    with transaction.atomic():
        references = _References()
        for enquiry in rows:
            enquiry["reference"] = references.next(enquiry.get("service_id", leadership_id), enquiry["submitted_at"])
        references.save()


def _copy(columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert enquiries given as value lists in `columns` order; return how many.

    PostgreSQL's COPY, in batches of COPY_BATCH rows (ten times Django's
    bulk_create, in bounded memory); bulk_create elsewhere. Fields not in
    `columns` get their model default, as the ORM would give them. Call
    inside a transaction.
    """
    from django.db import connection

    from enquiries.models import Enquiry

    extra = {
        f.attname: f.get_default()
        for f in Enquiry._meta.concrete_fields
        if not f.primary_key and f.attname not in columns
    }
    names = [*columns, *extra]
    tail = list(extra.values())
    count = 0
    if connection.vendor != "postgresql":
        batch: list[Enquiry] = []
        for row in rows:
            batch.append(Enquiry(**dict(zip(names, [*row, *tail], strict=True))))
            if len(batch) == 2000:
                count += len(Enquiry.objects.bulk_create(batch))
                batch = []
        return count + len(Enquiry.objects.bulk_create(batch))
    column_list = ", ".join(f'"{Enquiry._meta.get_field(name).column}"' for name in names)
    statement = f"COPY {Enquiry._meta.db_table} ({column_list}) FROM STDIN WITH (FORMAT csv, NULL '{NULL}')"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    in_buffer = 0
    with connection.cursor() as cursor:
        for row in rows:
            writer.writerow([NULL if value is None else value for value in (*row, *tail)])
            in_buffer += 1
            if in_buffer == COPY_BATCH:
                buffer.seek(0)
                cursor.cursor.copy_expert(statement, buffer)
                count += in_buffer
                buffer, in_buffer = io.StringIO(), 0
                writer = csv.writer(buffer)
        if in_buffer:
            buffer.seek(0)
            cursor.cursor.copy_expert(statement, buffer)
            count += in_buffer
    return count


@contextmanager
def _bulk_load():
    """Make a large COPY into the enquiry table fast, as pg_restore does; PostgreSQL only.

    Inside the caller's transaction: the indexes that back no constraint are
    dropped and built again afterwards (one sort each instead of a million
    insertions), and the foreign-key triggers are skipped for the rows the
    seed writes itself (`session_replication_role`, a superuser's setting;
    left on when the server refuses it).
    """
    from django.db import DatabaseError, connection, transaction

    from enquiries.models import Enquiry

    table = Enquiry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND i.schemaname = current_schema()"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            pass
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)


def _insert_enquiries(rows: list[dict]) -> None:
    """Insert enquiries given as dicts of field values (all with the same keys), numbered by `_number`."""
    from django.db import transaction

    if not rows:
        return
    columns = list(rows[0])
    with transaction.atomic():
        _copy(columns, (list(row.values()) for row in rows))


def _restrict_names(*, name_id: int) -> int:
    """Name officer `name_id` on each seeded restricted enquiry; return how many."""
    from enquiries.models import Enquiry

    through = Enquiry.restricted_to.through
    restricted = Enquiry.objects.filter(practice__ods_code__startswith=ODS_PREFIX, is_restricted=True)
    rows = [through(enquiry_id=pk, user_id=name_id) for pk in restricted.values_list("pk", flat=True)]
    return len(through.objects.bulk_create(rows, batch_size=5000))


def _summarise_overview() -> None:
    """Count the support overview's past months, as beat does every night, so the page is measured as it runs."""
    from enquiries.tasks import summarise_overview_months

    summarise_overview_months()


def _analyze() -> None:
    """Vacuum and refresh the planner's statistics, as autovacuum would soon after a bulk load.

    Without statistics the planner guesses a dozen breached enquiries where
    there are ten thousand, and a filtered triage page takes a second instead
    of 5 ms; without the vacuum no index-only scan can skip the table.
    """
    from django.db import connection

    from enquiries.models import Enquiry

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if not connection.in_atomic_block:  # VACUUM cannot run in a transaction (a test's, say)
                cursor.execute(f"VACUUM {Enquiry._meta.db_table}")
            cursor.execute("ANALYZE")


def _world(rng: random.Random, *, practices: int, password: str) -> tuple[_World, int]:
    """Make the PCNs, practices, members (one per practice) and officers; return them and the rows made."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group

    from enquiries.models import SupportService
    from members.groups import OFFICERS as OFFICERS_GROUP
    from members.groups import PASTORAL_SUPPORT
    from members.models import PCN, Membership, Practice, User

    batch = 2000
    pcns = PCN.objects.bulk_create(
        [PCN(name=f"Bench PCN {n}", code=f"{ODS_PREFIX}P{n:04d}") for n in range(1, practices // PRACTICES_PER_PCN + 2)],
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
    )  # fmt: skip
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
    officers_group = Group.objects.filter(name=OFFICERS_GROUP).first()
    pastoral_group = Group.objects.filter(name=PASTORAL_SUPPORT).first()
    for officer in officers:
        officer.groups.add(*[g for g in (officers_group,) if g])
    for officer in officers[-PASTORAL_OFFICERS:]:
        officer.groups.add(*[g for g in (pastoral_group,) if g])
    services = dict(SupportService.objects.values_list("slug", "pk"))
    world = _World(
        practices=[(p.pk, p.pcn_id) for p in practice_rows],
        members_by_practice={p.pk: u.pk for u, p in zip(members, practice_rows, strict=True)},
        officers=[o.pk for o in officers[:-PASTORAL_OFFICERS]],
        pastoral_officers=[o.pk for o in officers[-PASTORAL_OFFICERS:]],
        leadership_id=services["leadership"],
        pastoral_id=services.get("pastoral", services["leadership"]),
    )
    return world, len(pcns) + practices * 3 + OFFICERS * 2


def seed(
    *, enquiries: int = 100_000, practices: int = 7_000, random_seed: int = 2026, due_reminders: int | None = None
) -> SeedResult:
    """Replace the bench data with `practices` practices (with PCNs, one member each) and `enquiries` enquiries.

    About `due_reminders` enquiries are left due an SLA reminder (default 700
    per 100,000, never more than 700). Return what was made and how fast.
    Needs Django set up.
    """
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    rng = random.Random(random_seed)
    started = time.perf_counter()
    reset()
    now = timezone.now()
    password = make_password(PASSWORD)  # hashed once: hashing 7,000 times would dominate
    if due_reminders is None:
        due_reminders = round(min(enquiries, CURRENT_ENQUIRIES) * DUE_REMINDERS / CURRENT_ENQUIRIES)
    with transaction.atomic():
        world, rows = _world(rng, practices=practices, password=password)
        made = 0
        if enquiries and practices:
            times = _submission_times(rng, count=enquiries, now=now)
            references = _References()
            with _bulk_load() if connection.vendor == "postgresql" and enquiries >= BULK_LOAD_FROM else nullcontext():
                made = _copy(
                    COLUMNS,
                    _enquiry_rows(rng, times=times, world=world, due_reminders=due_reminders, now=now,
                                  references=references),
                )  # fmt: skip
            references.save()
            rows += made + _restrict_names(name_id=world.officers[1])
    _analyze()
    _summarise_overview()
    seconds = time.perf_counter() - started
    return SeedResult(
        practices=practices, members=practices, enquiries=made, rows=rows, seconds=seconds,
        due_reminders=due_reminders if made else 0,
    )  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enquiries", type=int, default=100_000)
    parser.add_argument("--practices", type=int, default=7_000)
    parser.add_argument("--due-reminders", type=int, default=None, help="enquiries due an SLA reminder (default 700)")
    parser.add_argument("--database", default="lmc_bench", help="database name on the DATABASE_URL server")
    parser.add_argument("--recreate", action="store_true", help="drop and create the database first")
    args = parser.parse_args(argv)

    from bench.harness import bench_database_url, database_recreate, django_setup

    url = bench_database_url(args.database)
    if args.recreate:
        database_recreate(url)
    django_setup(database_url=url)
    result = seed(enquiries=args.enquiries, practices=args.practices, due_reminders=args.due_reminders)
    print(
        f"Seeded {result.enquiries:,} enquiries, {result.practices:,} practices and {result.members:,} members "
        f"({result.rows:,} rows) into {url.rsplit('/', 1)[-1]} in {result.seconds:.1f} s: "
        f"{result.rows_per_second:,.0f} rows per second."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Where the triage changelist's time goes beside its floor: the page timed with each part switched off.

    .venv/bin/python -m bench.changelist_parts                    # 100,000 enquiries, 60 rounds
    .venv/bin/python -m bench.changelist_parts --enquiries 100000 --requests 30
    .venv/bin/python -m bench.changelist_parts --short            # CI: 1,000 enquiries, 5 rounds

It seeds a fresh bench database (bench.seed) and, in-process with Django's
test client, as a non-superuser officer with TOTP, times the bare view
(bench/views.py: the changelist's rows, one query, a tiny template: the
floor) and the triage changelist (/admin/enquiries/enquiry/) as it is and
with each of its parts switched off:

 2. the sidebar's list of apps and the rest of the admin's site context;
 3. the capped count ("1,000+ enquiries");
 4. the permission query (the user's permissions remembered across requests);
 5. the admin's page chrome (a template that draws only the rows);
 6. the filters;
 7. the actions;
 8. the subqueries of the two warning columns (no officer free of conflicts; a reply waiting);
 9. 2-5 together: the admin's plumbing off, every feature kept;
10. 2-8 together: everything above off.

How to read it. The figures are Django's CPU (`time.process_time()` of this
process: the test client is thin), with wall time beside them. The requests
are interleaved: each of K rounds GETs the bare view and every variant once,
in the same order, so a noisy neighbour slows them all alike. CPU p25 is
printed beside p50 because this machine is a shared VM and the lower
quartile is the steadier figure. "x bare" is a variant's CPU p50 over the
bare view's; the target is x1.5. "saves" is what switching the part off
takes from the page as it is. After the rounds the page as it is is timed
once more, alternating with the bare view only (its "x bare" is against
that bare view; its minutes differ, so it has no "saves"): it must still
draw every part, its filters and actions included, or a switch was not put
back. On a shared VM the figures of one minute and the next can differ by
a fifth; compare ratios within one run, not milliseconds across runs.

The switches are patches made in this process, for the measurement only,
and each is undone after every request: nothing in the portal is changed.
Removing a part here says what it costs, not that it can go.

It exits 1 if a page answers with anything but 200, does not list the bare
view's first enquiry, or does not show that a part was switched off (or,
afterwards, back on).
"""

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field

from bench.harness import BrokenPromise, bench_database, officer_client, percentile, print_table
from bench.scale import same_first_row

BARE_URL = "/bench/bare/enquiries/"
ROWS_ONLY_TEMPLATE = "bench/changelist_rows_only.html"
WARM_UP = 3
TARGET = 1.5  # the changelist's CPU as a multiple of the bare view's

BARE = "bare view (the floor)"
AS_IT_IS = "1. the page as it is"
AGAIN = "1. again, after every variant"
PLUMBING = ("site context", "count", "permissions", "chrome")
FEATURES = ("filters", "actions", "warnings")
VARIANTS: list[tuple[str, tuple[str, ...]]] = [
    (AS_IT_IS, ()),
    ("2. without the sidebar's app list and site context", ("site context",)),
    ("3. without the capped count", ("count",)),
    ("4. without the permission query", ("permissions",)),
    ("5. without the admin's page chrome", ("chrome",)),
    ("6. without the filters", ("filters",)),
    ("7. without the actions", ("actions",)),
    ("8. without the two warning columns' subqueries", ("warnings",)),
    ("9. 2–5 together: the admin's plumbing off, every feature kept", PLUMBING),
    ("10. 2–8 together: everything above off", PLUMBING + FEATURES),
]


# --- The parts and their switches ------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One part of the triage changelist: a switch that turns it off for a block, and how to tell it is off."""

    switched_off: Callable[[], AbstractContextManager[None]]
    is_off: Callable[[str, str], bool]  # (the page, its SQL) -> True when the part is gone


@contextmanager
def _replaced(owner: object, name: str, value: object) -> Iterator[None]:
    """Set `owner.name` to `value` for the block, then put back exactly what `owner` itself held."""
    own = vars(owner)
    had_own, old = name in own, own.get(name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        if had_own:
            setattr(owner, name, old)
        else:
            delattr(owner, name)  # an instance's attribute: the class's shows through again


def _site_context_without_sidebar(self, request) -> dict:
    """`AdminSite.each_context` with only what the changelist's templates read, and no apps for the sidebar."""
    return {
        "site_title": self.site_title,
        "site_header": self.site_header,
        "site_url": self.site_url,
        "has_permission": self.has_permission(request),
        "available_apps": [],
        "is_popup": False,
        "is_nav_sidebar_enabled": False,
        "log_entries": [],
    }


def _remembered_permissions(read_permissions: Callable) -> Callable:
    """Return `User._read_permissions` filling the permission cache from a memo kept for the whole process.

    Django keeps a user's permissions on the user object (`_perm_cache`,
    which `User._read_permissions` fills in one query), and each request
    loads the user afresh; this keeps them by user for every request after
    the first, as a cache shared between requests would.
    """
    remembered: dict[int, set[str]] = {}

    def remembered_read_permissions(user) -> None:
        if "_perm_cache" in user.__dict__ or user.pk not in remembered:
            read_permissions(user)
            if "_perm_cache" in user.__dict__:
                remembered.setdefault(user.pk, user._perm_cache)
            return
        user._perm_cache = remembered[user.pk]

    return remembered_read_permissions


@contextmanager
def _without_actions(model_admin) -> Iterator[None]:
    """Switch `model_admin`'s actions off: `actions = None`, and no actions from its mixins either.

    The data protection mixin adds "Restrict" and "Lift restriction" to
    whatever `get_actions` returns, even when `actions` is None.
    """
    with _replaced(model_admin, "actions", None), _replaced(model_admin, "get_actions", lambda request: {}):
        yield


def _queryset_without_warning_subqueries(self, request):
    """`EnquiryAdmin.get_queryset` without the `has_unconflicted_officer` and `message_waiting` annotations."""
    from django.utils import timezone

    from enquiries.selectors.staff import enquiry_list_for_staff

    now = request.triage_now = getattr(request, "triage_now", None) or timezone.now()
    return enquiry_list_for_staff(user=request.user, now=now)


def _parts() -> dict[str, Part]:
    """The parts VARIANTS name, each with its switch (Django set up)."""
    from django.contrib import admin
    from django.contrib.admin import AdminSite

    from enquiries.admin.triage import EnquiryAdmin
    from enquiries.admin.triage.display import CappedCountPaginator
    from enquiries.models import Enquiry
    from members.models import User

    enquiry_admin = admin.site._registry[Enquiry]
    # Made once, so the memo outlives each round's switch.
    permissions = _remembered_permissions(User._read_permissions)
    return {
        "site context": Part(
            lambda: _replaced(AdminSite, "each_context", _site_context_without_sidebar),
            lambda page, sql: 'id="nav-sidebar"' not in page,
        ),
        "count": Part(
            lambda: _replaced(CappedCountPaginator, "count", CappedCountPaginator.CAP + 1),
            lambda page, sql: "COUNT(" not in sql,
        ),
        "permissions": Part(
            lambda: _replaced(User, "_read_permissions", permissions),
            lambda page, sql: '"auth_permission"' not in sql,
        ),
        "chrome": Part(
            lambda: _replaced(enquiry_admin, "change_list_template", ROWS_ONLY_TEMPLATE),
            lambda page, sql: 'id="header"' not in page,
        ),
        "filters": Part(
            lambda: _replaced(enquiry_admin, "list_filter", []),
            lambda page, sql: 'id="changelist-filter"' not in page,
        ),
        "actions": Part(
            lambda: _without_actions(enquiry_admin),
            lambda page, sql: 'name="action"' not in page and 'class="action-select"' not in page,
        ),
        "warnings": Part(
            lambda: _replaced(EnquiryAdmin, "get_queryset", _queryset_without_warning_subqueries),
            lambda page, sql: '"has_unconflicted_officer"' not in sql and '"message_waiting"' not in sql,
        ),
    }


# --- Measuring -----------------------------------------------------------------------


@dataclass
class Variant:
    """A page to time: its URL, the parts switched off while it is requested, and its figures."""

    name: str
    url: str
    parts: dict[str, Part] = field(default_factory=dict)
    lists_the_rows: Callable[[str], bool] | None = None
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    queries: int = 0

    @contextmanager
    def switched_off(self) -> Iterator[None]:
        with ExitStack() as stack:
            for part in self.parts.values():
                stack.enter_context(part.switched_off())
            yield

    def get(self, client) -> str:
        """GET the page with its parts off, timing it; return its text after checking it answered."""
        with self.switched_off():
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(self.url)
            self.cpu.append((time.process_time() - started_cpu) * 1000)
            self.wall.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise BrokenPromise(f"{self.name}: {self.url} answered {response.status_code}")
        page = response.content.decode()
        if self.lists_the_rows is not None and not self.lists_the_rows(page):
            raise BrokenPromise(f"{self.name}: {self.url} does not list the bare view's first enquiry")
        return page

    def warm_up(self, client, *, every_part: dict[str, Part]) -> None:
        """Request the page a few times untimed; check on the last that its parts are off and the others on."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for _ in range(WARM_UP - 1):
            self.get(client)
        with CaptureQueriesContext(connection) as captured:
            page = self.get(client)
        self.cpu.clear()
        self.wall.clear()
        self.queries = len(captured)
        if self.lists_the_rows is None:
            return  # the bare view: none of the changelist's parts to look for
        sql = "\n".join(query["sql"] for query in captured.captured_queries)
        for key, part in every_part.items():
            if key in self.parts and not part.is_off(page, sql):
                raise BrokenPromise(f"{self.name}: the page still shows the {key} part switched off")
            if key not in self.parts and part.is_off(page, sql) and not _hidden_by_rows_only(key, self.parts):
                raise BrokenPromise(f"{self.name}: the page lacks the {key} part, which it should keep")

    def figures(self, *, bare: float, as_it_is: float | None) -> dict:
        cpu_p50 = percentile(self.cpu, 50)
        return {
            "what": self.name,
            "requests": len(self.cpu),
            "queries": self.queries,
            "cpu_p25_ms": percentile(self.cpu, 25),
            "cpu_p50_ms": cpu_p50,
            "wall_p50_ms": percentile(self.wall, 50),
            "x_bare": cpu_p50 / bare if bare else None,
            "saves_ms": as_it_is - cpu_p50 if as_it_is is not None else None,
        }


def _hidden_by_rows_only(key: str, parts: dict[str, Part]) -> bool:
    """True when the rows-only template hides part `key` though it still runs (the sidebar, filters, actions form)."""
    return "chrome" in parts and key in {"site context", "filters", "actions"}


def _check_every_part_on(page: str) -> None:
    """Fail unless the page as it is draws its filters and actions (every switch was put back)."""
    for mark, what in (('id="changelist-filter"', "filters"), ('name="action"', "actions"),
                       ('id="nav-sidebar"', "sidebar")):  # fmt: skip
        if mark not in page:
            raise BrokenPromise(f"after the variants, the page as it is lacks its {what}: a switch was not put back")


def measure(*, requests: int) -> list[dict]:
    """Time the bare view and every variant of the triage changelist over `requests` interleaved rounds.

    Return one dict per line of the table: the bare view, each variant in
    VARIANTS order, then the page as it is timed again after them (against
    a bare view timed alongside it). Call after Django is set up and the
    database seeded.
    """
    from django.conf import settings

    client, _officer = officer_client()
    changelist = f"/{settings.LMC_ADMIN_PATH}enquiries/enquiry/"
    every_part = _parts()
    bare = Variant(BARE, BARE_URL)
    bare.warm_up(client, every_part=every_part)
    lists_the_rows = same_first_row(bare.get(client))
    bare.cpu.clear()
    bare.wall.clear()
    variants = [bare] + [
        Variant(name, changelist, {key: every_part[key] for key in keys}, lists_the_rows) for name, keys in VARIANTS
    ]
    for variant in variants[1:]:
        variant.warm_up(client, every_part=every_part)
    for _ in range(requests):
        for variant in variants:
            variant.get(client)

    # The page as it is once more, alternating with the bare view only: a check that every switch was
    # put back, its ratio taken against the bare view of the same minutes.
    again, bare_again = Variant(AGAIN, changelist, lists_the_rows=lists_the_rows), Variant(BARE, BARE_URL)
    again.warm_up(client, every_part=every_part)
    for _ in range(requests):
        bare_again.get(client)
        _check_every_part_on(again.get(client))

    bare_p50 = percentile(bare.cpu, 50)
    as_it_is_p50 = percentile(variants[1].cpu, 50)
    return [variant.figures(bare=bare_p50, as_it_is=as_it_is_p50) for variant in variants] + [
        again.figures(bare=percentile(bare_again.cpu, 50), as_it_is=None)
    ]


# --- The command -----------------------------------------------------------------------


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _row(figures: dict) -> list[str]:
    ratio = f"x{figures['x_bare']:.2f}" if figures["x_bare"] is not None else "—"
    saves = f"{figures['saves_ms']:.1f}" if figures["saves_ms"] is not None else "—"
    return [figures["what"], f"{figures['cpu_p25_ms']:.1f}", f"{figures['cpu_p50_ms']:.1f}",
            f"{figures['wall_p50_ms']:.1f}", ratio, saves]  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enquiries", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=60,
                        help="timed rounds; each GETs the bare view and every variant once")  # fmt: skip
    parser.add_argument("--database", default="lmc_bench_parts")
    parser.add_argument("--keep-db", action="store_true", help="leave the seeded database for inspection")
    parser.add_argument("--short", action="store_true", help="CI: 1,000 enquiries, 200 practices, 5 rounds")
    args = parser.parse_args(argv)
    practices = 7_000
    if args.short:
        args.enquiries, args.requests, practices = 1_000, 5, 200

    env = {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "REDIS_URL": ""}
    try:
        with bench_database(args.database, keep=args.keep_db, **env) as url:
            from django.db import connection

            from bench.seed import seed

            seeded = seed(enquiries=args.enquiries, practices=practices)
            print(f"  seeded {seeded.enquiries:,} enquiries in {seeded.seconds:.1f} s", flush=True)
            load_before = _load()
            rows = measure(requests=args.requests)
            load_after = _load()
            database = f"{connection.vendor} ({url.rsplit('/', 1)[-1]})"
    except BrokenPromise as error:
        print(f"BROKEN: {error}")
        return 1

    print()
    print(f"Triage changelist by parts on {database}: {args.enquiries:,} enquiries, {args.requests} interleaved "
          f"rounds; {os.cpu_count()} CPUs, load average {load_before} before, {load_after} after")  # fmt: skip
    print_table(["what", "CPU p25 ms", "CPU p50 ms", "wall p50 ms", "x bare (CPU p50)", "saves (CPU p50 ms)"],
                [_row(figures) for figures in rows])  # fmt: skip
    bare, as_it_is = rows[0], rows[1]
    print(f"\nTarget x{TARGET} bare: {TARGET * bare['cpu_p50_ms']:.1f} ms CPU p50; the page as it is is "
          f"x{as_it_is['x_bare']:.2f}.")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

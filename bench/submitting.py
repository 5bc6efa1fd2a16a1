"""Members submitting enquiries over HTTP, as a browser would, and the checks on what was saved.

Used by load_submit.py and fault_redis_down.py. The form page is read for its
hidden fields (the CSRF token and the one-use submission token) and posted
back with the visible fields filled in.
"""

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

from bench.harness import REFERENCE_RE, hidden_fields

TOPICS = ["partnership", "succession", "workforce", "premises", "contract", "business_viability", "other"]
MAX_SUBMISSIONS_PER_MEMBER = 10_000  # a bound, far above what 30 seconds allows


@dataclass
class Outcome:
    """What one member's submissions came to."""

    references: list[str] = field(default_factory=list)
    post_ms: list[float] = field(default_factory=list)
    form_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    # (phase, ok, POST ms or None) per attempt, for the fault scripts' "during the outage" figures.
    attempts: list[tuple[str, bool, float | None]] = field(default_factory=list)


def submit_paths() -> tuple[str, str]:
    """Return (form path, what it is): the members' real "Request support" form."""
    from django.urls import reverse

    return reverse("enquiries:submit"), "enquiries:submit"


def log_in(base_url: str, email: str, password: str) -> requests.Session:
    """Log in through allauth's real form (CSRF and all); raise if it does not let them in."""
    session = requests.Session()
    page = session.get(f"{base_url}/accounts/login/", timeout=30)
    page.raise_for_status()
    data = {**hidden_fields(page.text), "login": email, "password": password}
    response = session.post(f"{base_url}/accounts/login/", data=data, allow_redirects=False, timeout=30)
    location = response.headers.get("Location", "")
    if response.status_code != 302 or "/accounts/" in location:
        raise RuntimeError(f"{email} could not log in: {response.status_code} {location}")
    return session


def log_in_all(base_url: str, emails: list[str], password: str) -> tuple[list[requests.Session], float]:
    """Log everyone in at once; return the sessions and the seconds it took."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(emails)) as pool:
        sessions = list(pool.map(lambda e: log_in(base_url, e, password), emails))
    return sessions, time.perf_counter() - started


def _form_data(rng: random.Random, page: str) -> dict:
    data = {
        **hidden_fields(page),
        "scope": "practice",
        "topic": rng.choice(TOPICS),
        # Different words each time: a member sending the same words again within a day
        # is asked whether it is a duplicate (enquiries' duplicate guard), not given a reference.
        "summary": f"Two partners disagree about the new rota (case {rng.randrange(10**9)})",
        "details": f"We would like a confidential conversation. Attempt {rng.randrange(10**9)}: the partners "
        "have tried to resolve it themselves.",
        "preferred_contact_times": "After 6pm",
        "contact_phone": "07700 900123",
    }
    if rng.random() < 0.1:
        data["urgent"] = "on"
        data["urgent_reason"] = "A partner has resigned with immediate effect."
    return data


def submit_once(session: requests.Session, url: str, rng: random.Random, outcome: Outcome, phase: str) -> None:
    """GET the form, POST it back; record the reference or why it failed."""
    post_ms = None
    try:
        started = time.perf_counter()
        page = session.get(url, timeout=30)
        outcome.form_ms.append((time.perf_counter() - started) * 1000)
        if page.status_code != 200:
            raise RuntimeError(f"form page answered {page.status_code}")
        started = time.perf_counter()
        response = session.post(url, data=_form_data(rng, page.text), allow_redirects=False, timeout=30)
        post_ms = (time.perf_counter() - started) * 1000
        outcome.post_ms.append(post_ms)
        if response.status_code not in (301, 302, 303):
            raise RuntimeError(f"submission answered {response.status_code}, not a redirect to the confirmation")
        location = response.headers.get("Location", "")
        match = REFERENCE_RE.search(location)
        if match is None:
            confirmation = session.get(requests.compat.urljoin(url, location), timeout=30)
            match = REFERENCE_RE.search(confirmation.text)
        if match is None:
            raise RuntimeError(f"no LMS reference on the confirmation page ({location})")
        outcome.references.append(match.group(0))
        outcome.attempts.append((phase, True, post_ms))
    except (requests.RequestException, RuntimeError) as error:
        outcome.failures.append(f"{type(error).__name__}: {error}")
        outcome.attempts.append((phase, False, post_ms))


def submit_until(
    sessions: list[requests.Session],
    url: str,
    *,
    seconds: float,
    phase_of: "callable[[], str]" = lambda: "run",
) -> tuple[list[Outcome], float]:
    """Every session submits, one after another, until `seconds` have passed; return outcomes and elapsed."""
    deadline = time.monotonic() + seconds
    outcomes = [Outcome() for _ in sessions]

    def member(index: int) -> None:
        rng = random.Random(index)
        for _ in range(MAX_SUBMISSIONS_PER_MEMBER):
            if time.monotonic() >= deadline:
                return
            submit_once(sessions[index], url, rng, outcomes[index], phase_of())

    started = time.perf_counter()
    threads = [threading.Thread(target=member, args=(i,), daemon=True) for i in range(len(sessions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return outcomes, time.perf_counter() - started


def saved_exactly_once(*, references: list[str], emails: list[str], since) -> list[str]:
    """Check the database against what the members were told; return the broken promises."""
    from django.db.models import Count

    from enquiries.models import Enquiry

    problems = []
    saved = Enquiry.objects.filter(submitted_by__email__in=emails, submitted_at__gte=since)
    saved_refs = list(saved.values_list("reference", flat=True))
    if len(saved_refs) != len(references):
        problems.append(f"{len(references)} submissions succeeded but {len(saved_refs)} enquiries were saved")
    duplicates = [r for r, n in _counts(references).items() if n > 1]
    if duplicates:
        problems.append(f"members were given the same reference twice: {duplicates[:5]}")
    missing = set(references) - set(saved_refs)
    if missing:
        problems.append(f"references given but not saved: {sorted(missing)[:5]}")
    extra = set(saved_refs) - set(references)
    if extra:
        problems.append(f"enquiries saved that no member was told about: {sorted(extra)[:5]}")
    doubled = saved.values("reference").annotate(n=Count("pk")).filter(n__gt=1)
    if doubled.exists():
        problems.append(f"references saved twice: {[d['reference'] for d in doubled[:5]]}")
    return problems


def _counts(items: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts

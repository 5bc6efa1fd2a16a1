"""Members submitting enquiries over HTTP, as a browser would, and the checks on what was saved.

Used by load_submit.py (the light asyncio client at the end of this file)
and fault_redis_down.py (python-requests). The form page is read for its
hidden fields (the CSRF token and the one-use submission token) and posted
back with the visible fields filled in.
"""

import asyncio
import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

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
    return {**hidden_fields(page), **_visible_fields(rng)}


def _visible_fields(rng: random.Random) -> dict:
    data = {
        "scope": "practice",
        "topic": rng.choice(TOPICS),
        "summary": f"Two partners disagree about the new rota ({rng.getrandbits(32):08x})",
        # Each submission's words differ, as real ones do: the same person sending
        # the same words within a day is shown their earlier enquiry instead.
        "details": "We would like a confidential conversation. The partners have tried to resolve it themselves. "
        f"(Bench request {rng.getrandbits(48):012x}.)",
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


# --- A light client for the load test ------------------------------------------
# python-requests with a thread per member spent as much CPU as the portal it
# was measuring. This client is one asyncio loop: each member is a coroutine,
# each request a fresh connection (gunicorn's sync workers close it after
# every response anyway), the form page's two hidden fields are found with a
# regular expression rather than an HTML parser, and nothing else is parsed.

_HIDDEN_RE = re.compile(rb'<input type="hidden" name="(csrfmiddlewaretoken|submission_token)" value="([^"]*)"')
_LOCATION_RE = re.compile(rb"\r\nlocation: *([^\r]*)", re.IGNORECASE)
_SET_COOKIE_RE = re.compile(rb"\r\nset-cookie: *([^=;\r]+)=([^;\r]*)", re.IGNORECASE)


@dataclass
class LightMember:
    """One member's cookies (their session and CSRF token), kept between requests."""

    cookies: dict[str, str] = field(default_factory=dict)


async def _request(
    host: str, port: int, method: str, path: str, member: LightMember, body: bytes = b""
) -> tuple[int, bytes, bytes]:
    """Send one HTTP/1.1 request; return (status, raw headers, body). Cookies set are kept on `member`."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {host}:{port}",
            "Connection: close",
            "User-Agent: lmc-bench",
        ]
        if member.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in member.cookies.items()))
        if method == "POST":
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        raw = await reader.read(-1)  # the server closes the connection after the response
    finally:
        writer.close()
    head, _, content = raw.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1."):
        raise RuntimeError(f"no HTTP answer to {method} {path}")
    for name, value in _SET_COOKIE_RE.findall(head):
        member.cookies[name.decode()] = value.decode()
    if b"\r\ntransfer-encoding: chunked" in head.lower():
        content = _unchunk(content)
    return int(head[9:12]), head, content


def _unchunk(data: bytes) -> bytes:
    out, rest = [], data
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out.append(rest[:size])
        rest = rest[size + 2 :]
    return b"".join(out)


def _hidden(page: bytes) -> dict[str, str]:
    return {name.decode(): value.decode() for name, value in _HIDDEN_RE.findall(page)}


async def light_log_in(base_url: str, email: str, password: str) -> LightMember:
    """Log in through allauth's real form; raise if it does not let them in."""
    host, port = _host_port(base_url)
    member = LightMember()
    status, _, page = await _request(host, port, "GET", "/accounts/login/", member)
    if status != 200:
        raise RuntimeError(f"login page answered {status}")
    body = urlencode({**_hidden(page), "login": email, "password": password}).encode()
    status, head, _ = await _request(host, port, "POST", "/accounts/login/", member, body)
    location = _LOCATION_RE.search(head)
    if status != 302 or location is None or b"/accounts/" in location.group(1):
        raise RuntimeError(f"{email} could not log in: {status}")
    return member


async def light_submit_once(base_url: str, path: str, member: LightMember, rng: random.Random, outcome: Outcome) -> None:
    """GET the form, POST it back; record the reference or why it failed."""
    host, port = _host_port(base_url)
    post_ms = None
    try:
        started = time.perf_counter()
        status, _, page = await _request(host, port, "GET", path, member)
        outcome.form_ms.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"form page answered {status}")
        hidden = _hidden(page)
        if "submission_token" not in hidden:
            raise RuntimeError("the form page has no submission token")
        data = _visible_fields(rng)
        body = urlencode({**hidden, **data}).encode()
        started = time.perf_counter()
        status, head, _ = await _request(host, port, "POST", path, member, body)
        post_ms = (time.perf_counter() - started) * 1000
        outcome.post_ms.append(post_ms)
        location = _LOCATION_RE.search(head)
        if status not in (301, 302, 303) or location is None:
            raise RuntimeError(f"submission answered {status}, not a redirect to the confirmation")
        match = REFERENCE_RE.search(location.group(1).decode())
        if match is None:
            raise RuntimeError(f"no LMS reference in the confirmation's address ({location.group(1)!r})")
        outcome.references.append(match.group(0))
        outcome.attempts.append(("run", True, post_ms))
    except (OSError, RuntimeError, ValueError) as error:
        outcome.failures.append(f"{type(error).__name__}: {error}")
        outcome.attempts.append(("run", False, post_ms))


async def light_log_in_all(base_url: str, emails: list[str], password: str) -> tuple[list[LightMember], float]:
    """Log everyone in; return their cookies and the seconds it took."""
    # A few at a time: allauth's login rate limit takes a lock in the shared
    # cache and answers 429 when it waits over a second for it, which 50
    # logins at once on a busy machine can make it do. Logging in is not
    # what is measured here.
    gate = asyncio.Semaphore(4)

    async def one(email: str) -> LightMember:
        async with gate:
            for _ in range(5):
                try:
                    return await light_log_in(base_url, email, password)
                except RuntimeError as error:
                    if ": 429" not in str(error):
                        raise
                    await asyncio.sleep(1)
            return await light_log_in(base_url, email, password)

    started = time.perf_counter()
    members = await asyncio.gather(*(one(e) for e in emails))
    return list(members), time.perf_counter() - started


async def light_submit_until(
    base_url: str, path: str, members: list[LightMember], *, seconds: float, rate: float | None = None
) -> tuple[list[Outcome], float]:
    """Every member submits until `seconds` have passed; return outcomes and elapsed.

    With no `rate`, each member submits again as soon as the last one is
    answered: the portal's most, with every member always waiting (a closed
    loop, so each answer waits behind the other 49). With `rate` (submissions
    a second, in all), each member starts on a schedule: one every
    members/rate seconds, spread evenly, as members do who send when they
    are ready rather than when the last member has been answered. A member
    whose last submission is still running when their turn comes starts as
    soon as it ends, so a portal that falls behind shows it in the rate.
    """
    deadline = time.monotonic() + seconds
    outcomes = [Outcome() for _ in members]
    interval = len(members) / rate if rate else 0.0

    async def member_loop(index: int) -> None:
        rng = random.Random(index)
        next_start = time.monotonic() + index * interval / len(members)
        for _ in range(MAX_SUBMISSIONS_PER_MEMBER):
            if interval:
                await asyncio.sleep(max(0.0, next_start - time.monotonic()))
                next_start += interval
            if time.monotonic() >= deadline:
                return
            await light_submit_once(base_url, path, members[index], rng, outcomes[index])

    started = time.perf_counter()
    await asyncio.gather(*(member_loop(i) for i in range(len(members))))
    return outcomes, time.perf_counter() - started


def _host_port(base_url: str) -> tuple[str, int]:
    parts = urlsplit(base_url)
    return parts.hostname or "127.0.0.1", parts.port or 80

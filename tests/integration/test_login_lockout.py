"""The login lockout through gunicorn with several workers, sharing Redis, with and without a proxy in front.

The test plays the proxy: it sends each request with the X-Forwarded-For a
proxy would write (what the client sent, then the address the proxy saw).
"""

import os
import re
import uuid

import pytest
import redis
import requests

from bench.harness import child_env, gunicorn
from tests.factories import PASSWORD, UserFactory
from tests.integration.stack import database_url

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.redis]

WORKERS = 3
LOCKED = "Too many failed login attempts"
ATTACKER, MEMBER = "203.0.113.66", "198.51.100.7"


@pytest.fixture
def shared_redis():
    """Our own Redis database, with no rate-limit counts left from an earlier run."""
    url = os.environ["REDIS_URL"]
    connection = redis.Redis.from_url(url)
    for key in connection.scan_iter("*allauth*"):
        connection.delete(key)
    yield url
    for key in connection.scan_iter("*allauth*"):
        connection.delete(key)


def portal(*, redis_url: str, tmp_path, **env: str):
    return gunicorn(
        env=child_env(
            database_url=database_url(),
            DJANGO_SETTINGS_MODULE="tests.integration.gunicorn_settings",
            REDIS_URL=redis_url,
            CELERY_BROKER_URL=redis_url,
            **env,
        ),
        workers=WORKERS,
        log_path=tmp_path / "gunicorn.log",
    )


def log_in(base_url: str, email: str, password: str, *, forwarded_for: str | None = None) -> requests.Response:
    """One login through the real form, as a new visitor (own session, own connection)."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    with requests.Session() as browser:
        page = browser.get(f"{base_url}/accounts/login/", headers=headers, timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        return browser.post(
            f"{base_url}/accounts/login/",
            data={"csrfmiddlewaretoken": token, "login": email, "password": password},
            headers={**headers, "Referer": f"{base_url}/accounts/login/", "Connection": "close"},
            allow_redirects=False,
            timeout=30,
        )


def logged_in(response: requests.Response) -> bool:
    return response.status_code == 302 and "/accounts/login/" not in response.headers["Location"]


@pytest.mark.django_db(transaction=True)
def test_five_failures_lock_an_address_out_across_every_worker(shared_redis, tmp_path):
    member = UserFactory()
    with portal(redis_url=shared_redis, tmp_path=tmp_path) as base_url:
        answers = [log_in(base_url, member.email, "wrong-password-123") for _ in range(15)]
        after = log_in(base_url, member.email, PASSWORD)

    tried = [response for response in answers if LOCKED not in response.text]
    assert len(tried) == 5, f"{len(tried)} wrong passwords were checked before the lockout, not 5"
    assert LOCKED in after.text
    assert not logged_in(after)


@pytest.mark.django_db(transaction=True)
def test_behind_a_proxy_one_clients_failures_do_not_lock_out_another(shared_redis, tmp_path):
    member = UserFactory()
    with portal(redis_url=shared_redis, tmp_path=tmp_path, ALLAUTH_TRUSTED_PROXY_COUNT="1") as base_url:
        # Someone guessing at many accounts, each time claiming a new address of their own.
        attacker = [
            log_in(base_url, f"guess{n}@practice.example.org", "guess-123456", forwarded_for=f"10.9.9.{n}, {ATTACKER}")
            for n in range(12)
        ]
        member_login = log_in(base_url, member.email, PASSWORD, forwarded_for=MEMBER)

    assert LOCKED in attacker[-1].text, "the attacker's own address was never limited"
    assert logged_in(member_login), "a member with the right password was locked out by someone else's failures"


@pytest.mark.django_db(transaction=True)
def test_without_a_trusted_proxy_a_forwarded_address_buys_no_fresh_attempts(shared_redis, tmp_path):
    with portal(redis_url=shared_redis, tmp_path=tmp_path) as base_url:
        answers = [
            log_in(base_url, f"guess{n}@practice.example.org", "guess-123456", forwarded_for=f"10.8.{n}.{uuid.uuid4().int % 250}")
            for n in range(12)
        ]

    assert LOCKED in answers[-1].text

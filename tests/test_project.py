"""Checks on the project as a whole: deploy settings, migrations, compose file."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


# Never connected to: the checks only read the settings.
SHARED_CACHE = "redis://redis.invalid:6379/0"
STRONG_SECRET = "x7!c9@pQ2#vL5$wN8^zR1&tY4*uI6(oP3)aS0_dF-gH+jK=lZb9Mq%Tr2Wy"


def run_manage(*args, env_overrides=None):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never would.
    # Nor does it inherit this shell's SECRET_KEY: each test says what it sets.
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY")}
    env.update(env_overrides or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        "--settings=lmcportal.settings.production",
        env_overrides={
            "SECRET_KEY": STRONG_SECRET,
            "ALLOWED_HOSTS": "portal.lmc.example.org",
            "DATABASE_URL": "sqlite:///:memory:",
            "REDIS_URL": SHARED_CACHE,
        },
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_manage(
        "check", "--settings=lmcportal.settings.production", env_overrides={"ALLOWED_HOSTS": "portal.lmc.example.org"}
    )

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_refuse_to_relax_staff_mfa():
    result = run_manage(
        "check",
        "--settings=lmcportal.settings.production",
        env_overrides={
            "SECRET_KEY": STRONG_SECRET,
            "ALLOWED_HOSTS": "portal.lmc.example.org",
            "LMC_STAFF_MFA_REQUIRED": "false",
        },
    )

    assert result.returncode != 0
    assert "LMC_STAFF_MFA_REQUIRED" in result.stderr


def test_production_settings_refuse_to_start_without_a_shared_cache():
    result = run_manage(
        "check",
        "--settings=lmcportal.settings.production",
        env_overrides={"SECRET_KEY": STRONG_SECRET, "ALLOWED_HOSTS": "portal.lmc.example.org", "REDIS_URL": ""},
    )

    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


def production_setting(name: str, **env: str) -> str:
    overrides = {"SECRET_KEY": STRONG_SECRET, "ALLOWED_HOSTS": "portal.lmc.example.org", "REDIS_URL": SHARED_CACHE}
    overrides.update({"ALLAUTH_TRUSTED_PROXY_COUNT": "0", "ALLAUTH_TRUSTED_CLIENT_IP_HEADER": "", **env})
    result = run_manage(
        "shell",
        "--settings=lmcportal.settings.production",
        "-c",
        f"from django.conf import settings; print(repr(getattr(settings, {name!r}, None)))",
        env_overrides=overrides,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_production_trusts_x_forwarded_proto_only_behind_a_configured_proxy():
    assert production_setting("SECURE_PROXY_SSL_HEADER") == "None"
    assert production_setting("SECURE_PROXY_SSL_HEADER", ALLAUTH_TRUSTED_PROXY_COUNT="1") == str(
        ("HTTP_X_FORWARDED_PROTO", "https")
    )
    assert production_setting("SECURE_PROXY_SSL_HEADER", ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP") != "None"


def test_trusted_proxy_settings_come_from_the_environment():
    assert production_setting("ALLAUTH_TRUSTED_PROXY_COUNT", ALLAUTH_TRUSTED_PROXY_COUNT="2") == "2"
    assert production_setting("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP") == (
        "'X-Real-IP'"
    )


def test_email_ssl_and_timeout_come_from_the_environment():
    assert production_setting("EMAIL_USE_SSL", EMAIL_USE_SSL="true", EMAIL_USE_TLS="false") == "True"
    assert production_setting("EMAIL_TIMEOUT", EMAIL_TIMEOUT="7") == "7"


def test_settings_refuse_both_starttls_and_implicit_tls():
    result = run_manage(
        "check",
        "--settings=lmcportal.settings.production",
        env_overrides={"SECRET_KEY": STRONG_SECRET, "ALLOWED_HOSTS": "portal.lmc.example.org",
                       "REDIS_URL": SHARED_CACHE, "EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"},
    )  # fmt: skip

    assert result.returncode != 0
    assert "EMAIL_USE_SSL" in result.stderr


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_compose_file_describes_the_whole_stack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]

    assert set(services) >= {"web", "worker", "beat", "db", "redis"}
    assert services["db"]["image"].startswith("postgres:16")
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "worker" in services["worker"]["command"]
    assert "django_celery_beat.schedulers:DatabaseScheduler" in " ".join(services["beat"]["command"])
    for name in ("web", "db", "redis"):
        assert "healthcheck" in services[name], f"{name} has no health check"
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"].startswith("redis://redis:6379")
    db_volume = services["db"]["volumes"][0].split(":")[0]
    assert db_volume in compose["volumes"]
    assert (ROOT / "Dockerfile").exists()


def test_compose_publishes_only_the_proxy_and_trusts_exactly_it():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]

    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}, "only the proxy may be reachable from outside; gunicorn sits behind it"
    assert services["proxy"]["image"].startswith("caddy:")
    caddyfile = ROOT / services["proxy"]["volumes"][0].split(":")[0]
    assert "reverse_proxy web:8000" in caddyfile.read_text()
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["ALLAUTH_TRUSTED_PROXY_COUNT"] == "1"

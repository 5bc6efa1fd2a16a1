"""Behind a proxy: one client address for the login limits and the access log, never the client's own claim."""

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings

from enquiries.models import EnquiryAccess
from members.client_ip import client_ip
from tests.data_protection.conftest import officer  # noqa: F401 (fixture)
from tests.enquiries.factories import EnquiryFactory

PROXY = "10.0.0.5"
CLIENT = "198.51.100.7"


def request_from_proxy(forwarded_for: str):
    return RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored():
    assert client_ip(request_from_proxy("203.0.113.1")) == PROXY


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_one_trusted_proxy_gives_the_address_it_saw():
    assert client_ip(request_from_proxy(CLIENT)) == CLIENT


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_an_address_the_client_wrote_itself_is_not_believed():
    # The client sent "X-Forwarded-For: 203.0.113.1"; our proxy appended what it saw.
    assert client_ip(request_from_proxy(f"203.0.113.1, {CLIENT}")) == CLIENT


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=2)
def test_fewer_forwarded_entries_than_trusted_proxies_records_no_address():
    assert client_ip(request_from_proxy(CLIENT)) is None


@override_settings(ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP")
def test_a_named_client_ip_header_is_read_when_configured():
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_REAL_IP=CLIENT)
    assert client_ip(request) == CLIENT


@pytest.mark.django_db
@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_access_log_records_the_client_behind_the_proxy(client, officer):  # noqa: F811
    enquiry = EnquiryFactory()
    client.force_login(officer)

    response = client.get(
        f"/{settings.LMC_ADMIN_PATH}enquiries/enquiry/{enquiry.pk}/change/",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"203.0.113.1, {CLIENT}",
    )

    assert response.status_code == 200
    assert EnquiryAccess.objects.get().ip_address == CLIENT

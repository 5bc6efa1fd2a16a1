"""The staff admin lives at a configurable path (LMC_ADMIN_PATH), so scanners do not find it at /admin/."""

import importlib

import pytest
from django.test import override_settings
from django.urls import clear_url_caches, resolve


@pytest.fixture
def reload_urls():
    import lmcportal.urls

    yield lambda: importlib.reload(lmcportal.urls)
    importlib.reload(lmcportal.urls)
    clear_url_caches()


def test_admin_moves_to_the_configured_path(reload_urls):
    from django.urls.exceptions import Resolver404

    with override_settings(LMC_ADMIN_PATH="lmc-staff-7f3a/"):
        reload_urls()
        clear_url_caches()

        assert resolve("/lmc-staff-7f3a/").url_name == "index"
        with pytest.raises(Resolver404):
            resolve("/admin/")

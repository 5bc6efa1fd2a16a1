"""With Redis, a list-size file is read by a real Celery worker, and the admin follows its progress."""

import io
import time

import pytest
from django.urls import reverse

from levies.models import ListSizeImport
from levies.services import list_size_import_start
from tests.factories import PracticeFactory
from tests.levies.conftest import levy_admin  # noqa: F401 (fixture)
from tests.levies.test_listsize_csv import NHS_HEADER, nhs_row
from tests.mail.brokers import real_broker

pytestmark = [pytest.mark.integration, pytest.mark.redis, pytest.mark.postgres]


def test_the_worker_reads_the_file_and_the_admin_shows_it_done(celery_stack, levy_admin, client):  # noqa: F811
    PracticeFactory(ods_code="P81001")
    rows = "".join(nhs_row(f"P{n:05d}", "4000", sex="FEMALE") for n in range(30_000)) + nhs_row("P81001", "10234")
    celery_stack.start_worker()

    with real_broker(celery_stack.redis_url):
        staged = list_size_import_start(
            upload=io.BytesIO((NHS_HEADER + rows).encode()), file_name="big.csv", file_format="nhs", quarter=None,
            uploaded_by=levy_admin,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while ListSizeImport.objects.get(pk=staged.pk).status in ("queued", "reading") and time.monotonic() < deadline:
        time.sleep(0.5)
    client.force_login(levy_admin)
    status = client.get(reverse("admin:levies_listsize_import_status", args=[staged.pk])).json()

    assert status == {"status": "ready", "label": "Ready to check and confirm", "percent": 100, "done": True}
    assert "levies.tasks.read_list_size_import" in celery_stack.log("worker")
    assert ListSizeImport.objects.get(pk=staged.pk).result["rows"] == [["P81001", 10234, 30_002]]

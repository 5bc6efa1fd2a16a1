"""Two people confirming at the same moment: PostgreSQL row locks keep the import single."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from levies.models import ListSize, ListSizeImport
from levies.services import list_size_import_apply
from tests.factories import PracticeFactory, StaffFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def ready_import(*codes_and_patients) -> ListSizeImport:
    return ListSizeImport.objects.create(
        file_name="sizes.csv", file_format="plain", status=ListSizeImport.Status.READY, quarter_start=date(2026, 10, 1),
        result={"rows": [[code, patients, line] for line, (code, patients) in enumerate(codes_and_patients, 2)], "bad_rows": []},
    )  # fmt: skip


def confirm_at_once(*import_ids: int) -> list[str]:
    user = StaffFactory()
    outcomes: list[str] = []
    barrier = threading.Barrier(len(import_ids))

    def confirm(import_id: int) -> None:
        barrier.wait()
        try:
            list_size_import_apply(import_id=import_id, applied_by=user)
            outcomes.append("applied")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(import_id,)) for import_id in import_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_the_same_import_confirmed_twice_at_once_is_applied_once():
    PracticeFactory(ods_code="P81001")
    staged = ready_import(("P81001", 10234))

    assert confirm_at_once(staged.pk, staged.pk) == ["applied", "refused"]
    assert ListSize.objects.count() == 1


def test_two_files_for_the_same_quarter_confirmed_at_once_never_half_apply():
    PracticeFactory(ods_code="P81001")
    PracticeFactory(ods_code="P81002")
    first = ready_import(("P81001", 10234), ("P81002", 7950))
    second = ready_import(("P81002", 8000), ("P81001", 10000))

    outcomes = confirm_at_once(first.pk, second.pk)

    sizes = dict(ListSize.objects.values_list("practice__ods_code", "patients"))
    # If the two really overlap the second is refused; if not, it replaces the first in full.
    assert outcomes in (["applied", "refused"], ["applied", "applied"])
    assert sizes in ({"P81001": 10234, "P81002": 7950}, {"P81001": 10000, "P81002": 8000})


def test_two_files_changing_the_same_list_sizes_at_once_queue_rather_than_deadlock():
    for code in ("P81001", "P81002"):
        ListSize.objects.create(practice=PracticeFactory(ods_code=code), quarter_start=date(2026, 10, 1), patients=1)
    first = ready_import(("P81001", 10234), ("P81002", 7950))
    second = ready_import(("P81002", 8000), ("P81001", 10000))

    outcomes = confirm_at_once(first.pk, second.pk)

    sizes = dict(ListSize.objects.values_list("practice__ods_code", "patients"))
    assert outcomes == ["applied", "applied"]
    assert sizes in ({"P81001": 10234, "P81002": 7950}, {"P81001": 10000, "P81002": 8000})

"""Confirming a list-size import costs statements per batch of rows, not per practice (pinned on PostgreSQL)."""

from datetime import date

import pytest

from levies.models import ListSize, ListSizeImport
from levies.services import list_size_import_apply
from members.models import Practice
from tests.factories import StaffFactory

QUARTER_START = date(2026, 10, 1)
# Lock the import, the practices, lock the quarter's list sizes, insert the
# new ones, update the changed ones, mark the import applied; and the
# savepoint the test's transaction puts around the service's own (two
# statements). 60 practices need exactly this many; more practices add
# statements only when a batch (BULK_BATCH, UPDATE_BATCH rows) fills.
APPLY_STATEMENTS = 8


def import_with_every_kind_of_row(count: int) -> ListSizeImport:
    """An import for `count` practices: a third new, a third changed and a third already up to date."""
    practices = Practice.objects.bulk_create(
        [Practice(name=f"Practice {n}", ods_code=f"P{n:05d}") for n in range(count)]
    )
    ListSize.objects.bulk_create(
        [ListSize(practice=practice, quarter_start=QUARTER_START, patients=5_000)
         for n, practice in enumerate(practices) if n % 3]
    )  # fmt: skip
    rows = [[practice.ods_code, 5_000 if n % 3 == 2 else 6_000, n + 2] for n, practice in enumerate(practices)]
    return ListSizeImport.objects.create(
        file_name="sizes.csv", file_format="plain", status=ListSizeImport.Status.READY, quarter_start=QUARTER_START,
        result={"rows": rows, "bad_rows": []},
    )  # fmt: skip


# 500 changed rows would have been three bulk_update batches.
@pytest.mark.postgres
@pytest.mark.parametrize("count", [60, 1500])
def test_confirming_an_import_takes_the_same_statements_for_60_or_1500_practices(
    db, count, django_assert_max_num_queries
):
    staged = import_with_every_kind_of_row(count)
    importer = StaffFactory()

    with django_assert_max_num_queries(APPLY_STATEMENTS):
        outcome = list_size_import_apply(import_id=staged.pk, applied_by=importer)

    assert (outcome.created, outcome.updated, outcome.unchanged) == (count // 3, count // 3, count // 3)
    sizes = ListSize.objects.filter(quarter_start=QUARTER_START)
    assert sizes.filter(patients=6_000, import_batch=staged, imported_by=importer).count() == 2 * count // 3
    assert sizes.filter(patients=5_000, import_batch=None).count() == count // 3


def test_changed_list_sizes_spread_over_several_batches_are_all_saved(db, monkeypatch):
    from levies.services import imports

    monkeypatch.setattr(imports, "UPDATE_BATCH", 7)  # 20 changed rows: batches of 7, 7 and 6
    staged = import_with_every_kind_of_row(60)

    outcome = list_size_import_apply(import_id=staged.pk, applied_by=StaffFactory())

    assert outcome.updated == 20
    sizes = ListSize.objects.filter(quarter_start=QUARTER_START)
    assert sizes.filter(patients=6_000, import_batch=staged).count() == 40  # 20 new and 20 changed
    assert sizes.filter(patients=5_000, import_batch=None).count() == 20

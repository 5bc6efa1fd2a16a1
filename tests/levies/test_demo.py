import time_machine

from levies import demo
from levies.models import LevyRate, ListSize, ListSizeImport, Remittance
from levies.periods import Quarter
from levies.selectors import ReconciliationState, levy_reconcile
from members import demo as members_demo


@time_machine.travel("2026-11-22 10:00 +00:00", tick=False)
def test_demo_levies_show_every_state_and_seed_twice_leaves_the_same_rows(db):
    members_demo.seed()
    demo.seed()
    counts = (LevyRate.objects.count(), ListSize.objects.count(), Remittance.objects.count())
    demo.seed()

    assert (LevyRate.objects.count(), ListSize.objects.count(), Remittance.objects.count()) == counts
    finished = [Quarter(2025, 1), Quarter(2025, 2), Quarter(2025, 3), Quarter(2025, 4), Quarter(2026, 1), Quarter(2026, 2)]
    states = {line.state for line in levy_reconcile(quarters=finished)}
    assert {ReconciliationState.MATCHED, ReconciliationState.SHORT, ReconciliationState.OVER, ReconciliationState.MISSING} <= states
    current = {line.state for line in levy_reconcile(quarters=[Quarter(2026, 3)])}
    assert ReconciliationState.NO_LIST_SIZE in current


@time_machine.travel("2026-11-22 10:00 +00:00", tick=False)
def test_demo_shows_a_failed_import_with_the_line_and_what_to_do(db):
    members_demo.seed()
    demo.seed()
    demo.seed()

    failed = ListSizeImport.objects.get(status=ListSizeImport.Status.FAILED)
    assert failed.error.startswith("Line 3 is not UTF-8 text")
    assert "CSV UTF-8" in failed.error


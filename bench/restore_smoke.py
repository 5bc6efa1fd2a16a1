"""The restore drill's checks on a database: what it holds, and whether the portal works on it.

    python -m bench.restore_smoke snapshot FILE   # on the original: count every table's rows into FILE
    python -m bench.restore_smoke verify FILE     # on the restored copy: same counts, and the portal works

`verify` fails (exit 1) unless every table of the portal holds as many rows
as the snapshot says, no migration is missing, and a demo member can log in
through the real login form and open their dashboard, enquiries, levies and
programme pages, seeing their own enquiry references. Run with the settings
and DATABASE_URL of the database to check (bench/restore_drill.sh does).
"""

import json
import re
import sys
from pathlib import Path

import django

MEMBER = "partner@riverside.example.org"
PASSWORD = "demo-portal-2026"
PAGES = ["/dashboard/", "/enquiries/", "/levies/", "/programme/"]


def table_counts() -> dict[str, int]:
    from django.apps import apps
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    known = {model._meta.db_table for model in apps.get_models()}
    return {table: count for table, count in counts.items() if table in known or table == "django_migrations"}


def verify(snapshot: dict[str, int]) -> list[str]:
    from django.core.management import call_command
    from django.test import Client

    from enquiries.models import Enquiry

    problems = []
    restored = table_counts()
    for table, count in snapshot.items():
        if restored.get(table) != count:
            problems.append(f"{table}: {restored.get(table)} rows restored, {count} in the original")
    try:
        call_command("migrate", check=True, plan=False, verbosity=0)
    except SystemExit:
        problems.append("the restored database is missing migrations")
    client = Client()
    login = client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.content.decode())
    response = client.post(
        "/accounts/login/", {"login": MEMBER, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1) if token else ""}
    )
    if response.status_code != 302:
        problems.append(f"{MEMBER} could not log in to the restored copy (answer {response.status_code})")
    for page in PAGES:
        answer = client.get(page)
        if answer.status_code != 200:
            problems.append(f"{page} answered {answer.status_code} on the restored copy")
    references = list(Enquiry.objects.filter(submitted_by__email=MEMBER).values_list("reference", flat=True))
    listed = client.get("/enquiries/").content.decode()
    if not references or any(reference not in listed for reference in references):
        problems.append(f"{MEMBER}'s enquiries ({references}) are not all listed on the restored copy")
    return problems


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] not in ("snapshot", "verify"):
        print(__doc__, file=sys.stderr)
        return 2
    django.setup()
    path = Path(sys.argv[2])
    if sys.argv[1] == "snapshot":
        counts = table_counts()
        path.write_text(json.dumps(counts, indent=1))
        print(f"Original: {len(counts)} tables, {sum(counts.values()):,} rows")
        return 0
    snapshot = json.loads(path.read_text())
    problems = verify(snapshot)
    for problem in problems:
        print(f"BROKEN: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"Restored copy: {len(snapshot)} tables, {sum(snapshot.values()):,} rows, all as in the original; "
          f"{MEMBER} logged in and opened {', '.join(PAGES)}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

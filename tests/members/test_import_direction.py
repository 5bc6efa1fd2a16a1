"""`members` is the base app: it imports no domain app, nor anything built on top of it."""

import ast
from pathlib import Path

from django.conf import settings

MEMBERS = Path(settings.BASE_DIR) / "members"
# Base apps `members` may use. `mail` (the outbox) sits beside members at the base.
ALLOWED_PROJECT_PACKAGES = {"members", "mail", "lmcportal"}
# Apps above the base, including those still being built on other branches.
KNOWN_ABOVE = {"enquiries", "levies", "programmes", "privacy", "voice"}


def project_packages() -> set[str]:
    """Every top-level Python package in the repository (what an import of 'ours' looks like)."""
    return {p.parent.name for p in Path(settings.BASE_DIR).glob("*/__init__.py")}


def imported_top_level_names(path: Path) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {(alias.name.split(".")[0], node.lineno) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add((node.module.split(".")[0], node.lineno))
    return names


def test_members_imports_no_app_above_the_base():
    forbidden = (project_packages() | KNOWN_ABOVE) - ALLOWED_PROJECT_PACKAGES - {"tests", "bench", "scripts"}
    offences = [
        f"{path.relative_to(settings.BASE_DIR)}:{line} imports {name}"
        for path in sorted(MEMBERS.rglob("*.py"))
        for name, line in sorted(imported_top_level_names(path))
        if name in forbidden
    ]

    assert offences == []


def test_the_import_walk_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "lazy.py"
    module.write_text("def f():\n    from enquiries.selectors import x\n    import levies.models\n")

    assert {name for name, _ in imported_top_level_names(module)} == {"enquiries", "levies"}

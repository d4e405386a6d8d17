"""Layers: the nominations package never imports the review package (not even inside a function),
so review may use nominations without a cycle."""
import ast
from pathlib import Path

import portal.nominations

PACKAGE = Path(portal.nominations.__file__).parent


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def test_nominations_never_import_review():
    found = {f"{path.name}: {module}" for path in PACKAGE.glob("*.py") for module in imported_modules(path)
             if module == "portal.review" or module.startswith("portal.review.")}
    assert found == set()

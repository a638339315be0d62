"""The import contract (pyproject.toml, [tool.importlinter]): apps import only
the layers below them, as DESIGN.md draws them. See
docs/architecture-tooling-notes.md for the layers and the reasons."""

import pkgutil
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import firmdesk

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"


def _layered_packages() -> set[str]:
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c["id"] == "layers")
    names = set()
    for layer in contract["layers"]:
        for name in re.split(r"[|:]", layer):
            names.add(name.strip().strip("()"))
    return names


def test_imports_keep_to_the_layers():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--config", str(PYPROJECT), "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_top_level_package_has_its_place_in_the_layers():
    # A package left out of the layers would be free to import anything.
    packages = {f"firmdesk.{m.name}" for m in pkgutil.iter_modules(firmdesk.__path__)}
    missing = packages - _layered_packages()
    assert not missing, (
        f"Put {', '.join(sorted(missing))} in a layer of the import contract "
        "in pyproject.toml ([tool.importlinter], id = layers)."
    )

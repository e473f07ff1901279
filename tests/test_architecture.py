"""The dependency rules between apps (README § Architecture, pyproject.toml [tool.importlinter]) cover every
app, and a change that breaks one fails `make lint` with the rule's name: checked on a copy of the
sources with one forbidden import planted, so the working tree is never touched."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def our_apps() -> set[str]:
    return {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT.resolve()  # a package of this repository
    }


def layered() -> set[str]:
    (layers,) = [c["layers"] for c in CONFIG["contracts"] if c["id"] == "layers"]
    return {name.strip() for layer in layers for name in layer.split("|")}


def test_every_app_is_under_the_rules():
    assert our_apps() <= set(CONFIG["root_packages"])
    assert our_apps() | {"config", "tests"} == layered()


def lint_with(tmp_path: Path, module: str, source: str) -> subprocess.CompletedProcess:
    for package in CONFIG["root_packages"]:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc", "static", "templates")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / Path(*module.split("."))).with_suffix(".py").write_text(source)
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is a dev dependency (make install-dev)")
@pytest.mark.parametrize(
    ("module", "source", "broken"),
    [
        # Content importing learner data, even inside a function.
        (
            "courses.probe",
            "def f():\n    from progress.models import Enrolment\n",
            ["Content (core, courses, the question bank) never imports people or learner data", "layers"],
        ),
        # Two apps on one layer importing each other.
        ("reports.probe", "import notifications.models\n", ["App layers"]),
        # A lower app importing a higher one.
        ("accounts.probe", "import assignments.services\n", ["App layers"]),
    ],
    ids=["courses-imports-progress", "reports-imports-notifications", "accounts-imports-assignments"],
)
def test_a_forbidden_import_fails_naming_the_rule(tmp_path, module, source, broken):
    result = lint_with(tmp_path, module, source)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
    for name in broken:
        assert name in result.stdout
    assert module in result.stdout  # the chain names the planted import


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is a dev dependency (make install-dev)")
def test_the_copy_itself_keeps_the_rules(tmp_path):
    result = lint_with(tmp_path, "core.probe", "import os\n")
    assert result.returncode == 0, result.stdout + result.stderr

"""The distribution: its name on the package index, its dependencies and its extras."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

import escalate

ROOT = Path(__file__).parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
#: Where users read install commands: docs, examples, messages in the code.
TEXTS = [
    ROOT / "README.md",
    ROOT / "noxfile.py",
    *sorted((ROOT / "docs").rglob("*.md")),
    *sorted((ROOT / "docs").rglob("*.py")),
    *sorted((ROOT / "src").rglob("*.py")),
    *sorted((ROOT / "examples").glob("*.py")),
    *sorted((ROOT / "examples").glob("*.ipynb")),
]
_PIP_INSTALL = re.compile(r"pip install ([^\n`&;|]*)")
_PACKAGE = re.compile(r"""['"\\]*(escalate[\w.-]*)""")


def test_the_distribution_is_escalate_sla_and_imports_as_escalate():
    """The installed distribution is escalate-sla; its version is escalate.__version__."""
    assert PYPROJECT["project"]["name"] == "escalate-sla"
    assert metadata.metadata("escalate-sla")["Name"] == "escalate-sla"
    assert metadata.version("escalate-sla") == escalate.__version__


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_install_command_names_the_distribution(path: Path):
    """``pip install escalate...`` always means escalate-sla, never the index's other escalate."""
    text = path.read_text(encoding="utf-8")
    for command in _PIP_INSTALL.findall(text):
        for package in _PACKAGE.findall(command):
            assert package.startswith("escalate-sla"), f"{path.name}: pip install {command}"
    assert 'version("escalate")' not in text


def test_runtime_dependencies_are_the_ones_imported():
    """No runtime dependency goes unused: cattrs is gone."""
    names = {re.split(r"[<>=;\[ ]", d)[0] for d in PYPROJECT["project"]["dependencies"]}
    assert "cattrs" not in names
    assert {"attrs", "pendulum", "workalendar", "holidays"} <= names


def test_the_notebook_extra_runs_the_notebook_with_an_old_pip():
    """An extra brings the notebook's needs: pip before 25.1 cannot install dependency groups."""
    extra = {
        re.split(r"[<>=\[ ]", d)[0]
        for d in PYPROJECT["project"]["optional-dependencies"]["notebook"]
    }
    assert {"nbclient", "nbformat", "ipykernel", "pandas", "matplotlib"} <= extra

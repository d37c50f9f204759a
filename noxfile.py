"""Quality gates for escalate, in the style of stamina's noxfile.

`nox` runs the default sessions: lint, typing, tests, docs and examples. `nox -s bench`
runs the benchmarks against the peers (slow, needs the network to install the peers).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "typing", "tests", "docs", "examples"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = False

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml("pyproject.toml")
OTHER_PYTHONS = ["3.11", "3.12", "3.13"]


def _group(name: str) -> list[str]:
    return list(nox.project.dependency_groups(PYPROJECT, name))


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff: the linter and the formatter check."""
    session.install(*_group("lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typing(session: nox.Session) -> None:
    """mypy --strict on src/ and on the type-checked usage file in tests/typing/."""
    session.install("-e", ".[pandas,yaml,cli,plot]", *_group("typing"))
    session.run("mypy", "src/")
    session.run("mypy", "tests/typing/")


def _run_tests(session: nox.Session) -> None:
    session.install("-e", ".[pandas,yaml,cli,plot]", *_group("test"))
    env = {"COVERAGE_FILE": str(ROOT / ".coverage")}
    session.run("coverage", "erase", env=env)
    session.run(
        "coverage",
        "run",
        "-m",
        "pytest",
        *(session.posargs or ["-q", "-p", "no:cacheprovider"]),
        env=env,
    )
    session.run("coverage", "combine", env=env, success_codes=[0, 1])
    session.run("coverage", "report", env=env)


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite under coverage, with branch coverage of at least 95%."""
    _run_tests(session)


@nox.session(python=OTHER_PYTHONS, name="tests-all", default=False)
def tests_all(session: nox.Session) -> None:
    """The test suite on every installed Python from 3.11 to 3.13 (skipped when missing)."""
    _run_tests(session)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the docs with warnings as errors, then run every code example in them."""
    session.install("-e", ".[pandas,yaml,cli,plot]", *_group("docs"))
    out = ROOT / "docs" / "_build"
    shutil.rmtree(out, ignore_errors=True)
    session.run("sphinx-build", "-W", "--keep-going", "-b", "html", "docs", str(out / "html"))
    session.run("sphinx-build", "-W", "--keep-going", "-b", "doctest", "docs", str(out / "doctest"))


@nox.session
def examples(session: nox.Session) -> None:
    """Run every example script; each one checks its own output."""
    session.install("-e", ".[pandas,yaml,cli,plot]", *_group("examples"))
    session.run("python", "-m", "escalate", "demo")  # the README's first command
    for script in sorted((ROOT / "examples").glob("*.py")):
        session.log(f"running {script.name}")
        session.run(
            "python", str(script), env={"PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED", "0")}
        )


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Time escalate side by side with its peers and print the ratios.

    ``*.py`` arguments name the scripts to run (default: all); the others go to each
    script, e.g. ``nox -s bench -- benchmarks/calendar.py --quick --clock cpu``. See
    benchmarks/README.md for how to read the output.
    """
    session.install("-e", ".[pandas]", *_group("bench"))
    options = [arg for arg in session.posargs if not arg.endswith(".py")]
    scripts = [arg for arg in session.posargs if arg.endswith(".py")] or [
        str(p) for p in sorted((ROOT / "benchmarks").glob("*.py")) if not p.name.startswith("_")
    ]
    for script in scripts:
        session.run("python", script, *options)

"""Quality gates for escalate, in the style of stamina's noxfile.

`nox` runs the default sessions: lint, typing, tests, docs and examples (about seven
minutes on a 2-core machine, installs included). On demand: `nox -s fuzz` runs every
Hypothesis test with twenty times the examples (the `thorough` profile), `nox -s bench`
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
# Let the sessions' Python processes keep bytecode caches in their virtualenvs: without
# them every process (pytest workers, sphinx, each example) compiles pandas, numpy and
# matplotlib again, about 3 s of CPU each.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
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


#: pytest workers: two by default (the CI machine has two cores), PYTEST_WORKERS to change.
WORKERS = os.environ.get("PYTEST_WORKERS", "2")


def _run_tests(session: nox.Session) -> None:
    session.install("-e", ".[pandas,yaml,cli,plot]", *_group("test"))
    # pytest-cov measures the xdist workers and combines their data into one report
    env = {"COVERAGE_FILE": str(ROOT / ".coverage"), "HYPOTHESIS_PROFILE": "ci"}
    session.run("coverage", "erase", env=env)
    session.run(
        "pytest",
        "-n",
        WORKERS,
        "--dist=worksteal",  # an idle worker takes queued tests from the busy one
        "--cov=escalate",
        "--cov-branch",
        "--cov-report=",
        *(session.posargs or ["-q", "-p", "no:cacheprovider"]),
        env=env,
    )
    session.run("coverage", "report", env=env)


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite in parallel under coverage, with branch coverage of at least 95%."""
    _run_tests(session)


@nox.session(python=OTHER_PYTHONS, name="tests-all", default=False)
def tests_all(session: nox.Session) -> None:
    """The test suite on every installed Python from 3.11 to 3.13 (skipped when missing)."""
    _run_tests(session)


@nox.session(default=False)
def fuzz(session: nox.Session) -> None:
    """Every Hypothesis test with the thorough profile (20x the examples): run on demand."""
    session.install("-e", ".[pandas,yaml,cli,plot]", *_group("test"))
    session.run(
        "pytest",
        "-n",
        WORKERS,
        "--dist=worksteal",
        "-m",
        "hypothesis",
        *(session.posargs or ["-q", "-p", "no:cacheprovider"]),
        env={"HYPOTHESIS_PROFILE": "thorough"},
    )


@nox.session
def docs(session: nox.Session) -> None:
    """Build the docs with warnings as errors, then run every code example in them."""
    session.install("-e", ".[pandas,yaml,cli,plot,dask]", *_group("docs"))
    out = ROOT / "docs" / "_build"
    shutil.rmtree(out, ignore_errors=True)
    # one doctree folder for both builders: the doctest build reuses what the html build
    # read (about a third of its time) instead of parsing every page again
    shared = ["-W", "--keep-going", "-d", str(out / "doctrees")]
    session.run("sphinx-build", *shared, "-b", "html", "docs", str(out / "html"))
    session.run("sphinx-build", *shared, "-b", "doctest", "docs", str(out / "doctest"))


@nox.session
def examples(session: nox.Session) -> None:
    """Run every example script; each one checks its own output."""
    session.install("-e", ".[yaml,cli,notebook]")  # the extras a user would install
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

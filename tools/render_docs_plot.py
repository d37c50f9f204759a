# ruff: noqa: INP001 - a maintenance script, not a package
"""Render the compliance plot that the notebook how-to shows, as docs/_static/compliance.png.

It draws what ``examples/compliance.ipynb`` draws: the tickets of
``examples/generate_incidents.py`` (seeded, so the picture only changes when the
generator or the library does), evaluated on the seed 003 policy, then
:func:`escalate.plot_compliance` of the resolution target against a 90% objective.

Run it with: python tools/render_docs_plot.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
OUT = ROOT / "docs" / "_static" / "compliance.png"
sys.path.insert(0, str(ROOT / "examples"))

from generate_incidents import AS_OF, POLICY, generate  # noqa: E402

import escalate  # noqa: E402 - after the path set-up, like the generator below


def main() -> None:
    """Generate, evaluate, plot and save the figure at a small size."""
    incidents, pauses = generate(n=5000, seed=7)
    results = escalate.evaluate_frame(
        incidents, escalate.load_policy(POLICY), pauses=pauses, as_of=AS_OF
    )
    figure = escalate.plot_compliance(results, target="resolution", objective=90)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    # no timestamp or software version in the file, so re-rendering gives the same bytes
    figure.savefig(OUT, dpi=80, metadata={"Software": None})
    sys.stdout.write(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KB)\n")


if __name__ == "__main__":
    main()

"""Execute ``examples/compliance.ipynb`` headless and fail if any cell raises.

The notebook runs in a fresh ``python3`` kernel with ``examples/`` as its working
directory (it imports ``generate_incidents`` from there); nothing is written back, so the
committed notebook keeps no outputs. The ``notebook`` extra brings what it needs
(pandas, matplotlib, nbclient, nbformat and ipykernel): ``pip install ".[notebook]"`` in
a clone, or ``pip install "escalate-sla[notebook]"``.

Run it with: python examples/run_notebook.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = Path(__file__).parent
NOTEBOOK = HERE / "compliance.ipynb"


def main() -> int:
    """Run every cell; return 1 (and print the failing cell's error) if one fails."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=120,  # per cell
        resources={"metadata": {"path": str(HERE)}},  # the kernel's working directory
    )
    started = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as error:
        print(f"{NOTEBOOK.name} failed:\n{error}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started

    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    images = [o for c in code for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    print(f"{NOTEBOOK.name}: {len(code)} code cells ran in {elapsed:.1f} s, {len(images)} figures")
    if errors or len(images) != 3:
        print(f"expected no errors and 3 figures, got {len(errors)} and {len(images)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

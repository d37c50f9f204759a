"""``python -m escalate``: the command line, with a one-line hint when its extra is missing."""

from __future__ import annotations

import sys

from escalate._errors import MissingExtraError


def main() -> None:
    """Run the ``escalate`` command, or say how to install it when click or rich is missing."""
    try:
        from escalate.cli import main as run  # noqa: PLC0415 - click is an optional extra
    except MissingExtraError as error:
        sys.stderr.write(f"escalate: error: {error}\n")
        sys.exit(2)
    run()


if __name__ == "__main__":
    main()

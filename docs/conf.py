"""Sphinx configuration for the escalate documentation."""

from __future__ import annotations

from importlib.metadata import version as _version

project = "escalate"
author = "The escalate developers"
copyright = "2026, The escalate developers"
release = _version("escalate-sla")  # the distribution name; the import name is escalate
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

# MyST: colon fences for admonitions, definition lists for the glossary, and anchors on
# headings so pages can link to sections.
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# autodoc: document the public names from the package namespace, in source order, with
# the type hints in the description (the signatures stay short and readable).
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented_params"
autodoc_class_signature = "mixed"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
# Attributes sections become :ivar: fields, so a class's Attributes list does not
# describe the same attribute a second time next to autodoc's own entry.
napoleon_use_ivar = True

# Unresolvable cross-references (private aliases such as WeekHours, third-party types
# without intersphinx) are not errors: intersphinx is off because the build is offline.
nitpicky = False

# doctest: no hidden setup. Each page's examples carry their own imports, so that they
# run as written when pasted into a fresh interpreter; the doc build proves it, since
# every page starts from an empty namespace. Docstring examples in the API reference run
# after that page's visible import block.
doctest_default_flags = (
    __import__("doctest").ELLIPSIS
    | __import__("doctest").NORMALIZE_WHITESPACE
    | __import__("doctest").DONT_ACCEPT_TRUE_FOR_1
)

html_theme = "furo"
html_title = "escalate"
html_static_path = ["_static"]


# attrs stores a calendar's fields in their normalised form (weekly hours as tuples of
# Interval), and autodoc would present those stored types as the constructor's parameter
# types. The constructor converts what users actually pass; show that instead.
_INPUT_TYPES = {
    "escalate.Calendar": {
        "timezone": "str",
        "hours": "str | ~collections.abc.Mapping[str, ~collections.abc.Sequence[str]]",
        "holidays": "~escalate.Holidays | list[~datetime.date | str] | None",
        "exceptions": (
            "~collections.abc.Mapping[~datetime.date | str, ~collections.abc.Sequence[str]] | None"
        ),
    },
}


def _input_types(app, what, name, obj, options, signature, return_annotation):  # noqa: ANN001, ANN202, ARG001, PLR0917
    """Replace the recorded parameter types of the objects in ``_INPUT_TYPES``."""
    document = getattr(app.env, "current_document", None)
    recorded = getattr(document, "autodoc_annotations", None)
    if name in _INPUT_TYPES and isinstance(recorded, dict) and name in recorded:
        recorded[name].update(_INPUT_TYPES[name])


def setup(app):  # noqa: ANN001, ANN201
    """Register the local autodoc adjustments."""
    # after autodoc's own recorder, which runs at the default priority (500)
    app.connect("autodoc-process-signature", _input_types, priority=900)

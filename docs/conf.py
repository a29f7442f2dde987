"""Sphinx configuration of neurosim's documentation site.

Build it (the ``docs`` extra; from the checkout's root):

    python -m sphinx -W --keep-going -b html docs docs/_build/html

``NEUROSIM_DOCS_QUICK=1`` runs one tutorial and renders three lecture figures (what the test of
the site builds); without it every tutorial runs in quick mode and the whole lecture figure set
is rendered.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import neurosim  # noqa: E402

QUICK = os.environ.get("NEUROSIM_DOCS_QUICK", "") not in ("", "0")

project = "neurosim"
author = "The neurosim developers"
copyright = "2026, the neurosim developers"
release = version = neurosim.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "sphinx_gallery.gen_gallery",
    "neurosim_docs",
]

html_math_renderer = "mathml"
html_theme = "furo"
html_favicon = "favicon.png"
html_title = f"neurosim {release}"
html_static_path = ["_static"]
html_css_files = ["neurosim.css"]
templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "tutorials/*.ipynb",
                    "tutorials/*.py", "tutorials/*.zip", "tutorials/*.codeobj.json",
                    "tutorials/*.md5", "tutorials/sg_execution_times.rst"]

autosummary_generate = True
autodoc_default_options = {}
autodoc_typehints = "none"
autodoc_member_order = "bysource"
autodoc_inherit_docstrings = False  # (torch's Module.forward would come along)
napoleon_google_docstring = True
napoleon_numpy_docstring = True
napoleon_use_ivar = True
# every cross-reference must resolve (-n with -W): the names of other projects' documentation,
# which an offline build cannot fetch (intersphinx), are the ones let through
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(numpy|np|torch|nn|pathlib|collections|typing|brian2|matplotlib|neo|nir|"
               r"pynwb|dask|pandas|scipy|snntorch|sbi|h5py|quantities)(\..*)?"),
    (r"py:.*", r"(Callable|Iterable|Sequence|Path|optional|callable|ndarray|array|dict|list|"
               r"tuple|int|float|str|bool|None|object|Any|Figure|Axes)"),
    # the reports' default `assumptions` text in their signatures: its colon reads as a type
    (r"py:class", r".*pJ per multiply-accumulate.*"),
]

sphinx_gallery_conf = {
    "examples_dirs": [str(HERE.parent / "tutorials")],
    "gallery_dirs": ["tutorials"],
    # every tutorial in quick mode, its figures into a folder the scraper reads
    "reset_argv": "neurosim_docs.tutorial_argv",
    "image_scrapers": ("neurosim_docs.tutorial_figures",),
    "filename_pattern": r"02_integrate" if QUICK else r"/\d\d_",
    "ignore_pattern": r"__init__\.py",
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_signature": False,
    "abort_on_example_error": True,
    "within_subsection_order": "FileNameSortKey",
    "first_notebook_cell": None,
    "capture_repr": (),
}

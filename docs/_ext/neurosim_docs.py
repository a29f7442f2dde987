"""The site's own Sphinx extension: the lecture figure set as a gallery page, the hooks that
let sphinx-gallery run the tutorials as the tests do (``--quick``) and show the figures they
save, and equations as MathML.

The generated files (``lecture_figures/``, ``figure_set.rst``, ``tutorials/``) live in the
docs folder and are ignored by git: every build makes them anew.
"""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
OUTPUT = HERE / "_build" / "tutorial-output"
FIGURES = HERE / "lecture_figures"
QUICK_FIGURES = ("01_action_potential", "07_lif_trace", "11_stdp_window")
DARK_FIGURE = "01_action_potential"


def _number(src_file) -> str:
    return Path(src_file).name[:2]


def tutorial_argv(gallery_conf, script_vars):
    """The command line a tutorial gets: quick mode, its figures into a folder of the build."""
    return ["--quick", "--out", str(OUTPUT / _number(script_vars["src_file"]))]


_seen: dict[str, set] = {}


def tutorial_figures(block, block_vars, gallery_conf):
    """sphinx-gallery's scraper for the tutorials: the figures a code block saved (the
    tutorials save and close them, so matplotlib's scraper would find none), in the order
    they were written."""
    from sphinx_gallery.scrapers import figure_rst

    folder = OUTPUT / _number(block_vars["src_file"])
    seen = _seen.setdefault(str(folder), set())
    new = sorted((p for p in folder.glob("*.png") if p.name not in seen),
                 key=lambda p: (p.stat().st_mtime_ns, p.name))
    paths = []
    for png in new:
        seen.add(png.name)
        target = next(block_vars["image_path_iterator"])
        shutil.copyfile(png, target)
        paths.append(target)
    return figure_rst(paths, gallery_conf["src_dir"])


def _caption(func) -> str:
    text = " ".join((func.__doc__ or "").strip().split("\n\n")[0].split())
    return text.replace("*", r"\*").replace("`", "'")


def render_lecture_figures(app) -> None:
    """Render the lecture figure set (three figures in quick mode) and write its page."""
    from neurosim import figures

    quick = os.environ.get("NEUROSIM_DOCS_QUICK", "") not in ("", "0")
    names = list(QUICK_FIGURES) if quick else list(figures.FIGURE_SET)
    if FIGURES.exists():
        shutil.rmtree(FIGURES)
    figures.render_figure_set(FIGURES, ("png",), dpi=100, only=names, progress=False)
    figures.render_figure_set(FIGURES / "dark", ("png",), dpi=100, theme="dark",
                              transparent=False, only=[DARK_FIGURE], progress=False)
    lines = [
        ".. This page is written by docs/_ext/neurosim_docs.py at every build.",
        "",
        "The lecture figure set",
        "======================",
        "",
        "Every figure of ``neurosim figures --out DIR``, in the order of the lecture, with the "
        "sentence of :mod:`neurosim.figures` that says what it shows. Each comes from a "
        "function of that module whose arguments are its parameters "
        "(``neurosim.figures.FIGURE_SET`` names them); ``--theme dark`` draws them for dark "
        "slides (:doc:`lecturers`).",
        "",
    ]
    if quick:
        lines += [".. note:: This build rendered three of the figures (NEUROSIM_DOCS_QUICK).",
                  ""]
    for name in names:
        title = re.sub(r"^\d\d_", "", name).replace("_", " ")
        lines += [f".. _figure-{name}:", "", title[0].upper() + title[1:],
                  "-" * len(title), "",
                  f".. figure:: lecture_figures/{name}.png",
                  f"   :alt: {title}", "   :width: 100%", "",
                  textwrap.indent(_caption(figures.FIGURE_SET[name]), "   "), "",
                  f"   ``neurosim.figures.{figures.FIGURE_SET[name].__name__}()``", ""]
    (HERE / "figure_set.rst").write_text("\n".join(lines), encoding="utf-8")


def _mathml(tex: str, block: bool) -> str:
    from docutils.utils.math import latex2mathml

    return latex2mathml.tex2mathml(" ".join(tex.split()), as_block=block)


def _inline_math(self, node):
    from docutils import nodes

    self.body.append(_mathml(node.astext(), False))
    raise nodes.SkipNode


def _block_math(self, node):
    from docutils import nodes

    self.body.append(f'<div class="math-wrapper">{_mathml(node.astext(), True)}</div>')
    raise nodes.SkipNode


def setup(app):
    app.connect("builder-inited", render_lecture_figures)
    # math as MathML, which browsers draw themselves: the site needs no script from the network
    # (MathJax would come from a CDN) and shows its equations offline
    app.add_html_math_renderer("mathml", (_inline_math, None), (_block_math, None))
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

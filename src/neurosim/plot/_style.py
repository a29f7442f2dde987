"""The lecture style and the one palette every neurosim figure uses (Okabe-Ito), light or dark.

``COLORS["v"]`` is read when a figure is drawn: inside ``lecture_style(theme="dark")`` it gives
the dark-slide colour (light traces and text on black), otherwise the light one, so the same
plotting code serves both.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Mapping
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt

from .._core.validation import as_choice

STYLE_FILE = Path(__file__).with_name("lecture.mplstyle")

# Okabe & Ito (2008) colour-blind-safe palette
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}

# The same thing is the same colour in every figure.
_LIGHT = {
    "v": OKABE_ITO["black"],
    "na": OKABE_ITO["vermillion"],  # Na+ current and its activation gate m
    "h": OKABE_ITO["orange"],  # Na+ inactivation gate
    "k": OKABE_ITO["blue"],  # K+ current and its gate n
    "cl": OKABE_ITO["green"],  # Cl-
    "ca": OKABE_ITO["purple"],  # Ca2+
    "leak": "#888888",
    "stimulus": OKABE_ITO["green"],
    "threshold": OKABE_ITO["purple"],
    "rest": "#777777",
    "reset": OKABE_ITO["blue"],
    "excitatory": OKABE_ITO["vermillion"],
    "inhibitory": OKABE_ITO["blue"],
    "subthreshold": "#999999",
    "heat": OKABE_ITO["orange"],
    "text": "#000000",
    "muted": "#555555",
    "arrow": "#333333",
    "grid": "#BBBBBB",
    "shade": "#DDDDDD",
    "heat_shade": "#FBE3C5",
    "background": "#FFFFFF",
}
# On a dark slide: light traces and text; the blues lighten to stay readable on black.
_DARK = {
    **_LIGHT,
    "v": "#F2F2F2",
    "k": OKABE_ITO["sky_blue"],
    "reset": OKABE_ITO["sky_blue"],
    "inhibitory": OKABE_ITO["sky_blue"],
    "leak": "#AAAAAA",
    "rest": "#AAAAAA",
    "subthreshold": "#888888",
    "text": "#F2F2F2",
    "muted": "#C8C8C8",
    "arrow": "#DDDDDD",
    "grid": "#666666",
    "shade": "#3A3A3A",
    "heat_shade": "#4A3416",
    "background": "#000000",
}
THEMES = {"light": _LIGHT, "dark": _DARK}
_theme = contextvars.ContextVar("neurosim_theme", default="light")


class _Palette(Mapping):
    """The colours of the theme in force (see :func:`lecture_style`)."""

    def __getitem__(self, key):
        return THEMES[_theme.get()][key]

    def __iter__(self):
        return iter(_LIGHT)

    def __len__(self):
        return len(_LIGHT)


COLORS = _Palette()


def _dark_rc() -> dict:
    fg = _DARK["text"]
    return {"text.color": fg, "axes.labelcolor": fg, "axes.edgecolor": fg,
            "xtick.color": fg, "ytick.color": fg, "figure.facecolor": "#000000",
            "axes.facecolor": "#000000", "savefig.facecolor": "#000000",
            "axes.prop_cycle": mpl.cycler(color=[_DARK["v"], OKABE_ITO["vermillion"],
                                                 OKABE_ITO["sky_blue"], OKABE_ITO["green"],
                                                 OKABE_ITO["orange"], OKABE_ITO["purple"]])}


@contextlib.contextmanager
def lecture_style(theme=None, **overrides):
    """Context manager: large type, thick lines, Okabe-Ito colours; ``theme="dark"`` draws light
    text, axes and traces for a dark slide (default: the theme in force, else light);
    ``overrides`` are rcParams.

    >>> with neurosim.plot.lecture_style():
    ...     ax = neurosim.plot.membrane(result)
    """
    theme = _theme.get() if theme is None else as_choice(theme, "lecture_style", "theme",
                                                          tuple(THEMES))
    token = _theme.set(theme)
    try:
        with plt.style.context(STYLE_FILE), mpl.rc_context(
                _dark_rc() if theme == "dark" else {}), mpl.rc_context(overrides):
            yield
    finally:
        _theme.reset(token)


def new_figure(nrows=1, ncols=1, *, size="16:9", height_ratios=None, sharex=True, **kwargs):
    """A figure in the lecture style's sizes: ``size`` is "16:9" (10 x 5.6 in) or "4:3"."""
    figsize = {"16:9": (10.0, 5.625), "4:3": (10.0, 7.5)}[size]
    gridspec_kw = {"height_ratios": height_ratios} if height_ratios else None
    return plt.subplots(nrows, ncols, figsize=figsize, sharex=sharex, gridspec_kw=gridspec_kw,
                        squeeze=False, **kwargs)

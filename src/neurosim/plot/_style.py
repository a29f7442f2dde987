"""The lecture style and the one palette every neurosim figure uses (Okabe-Ito)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt

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
COLORS = {
    "v": OKABE_ITO["black"],
    "na": OKABE_ITO["vermillion"],  # Na+ current and its activation gate m
    "h": OKABE_ITO["orange"],  # Na+ inactivation gate
    "k": OKABE_ITO["blue"],  # K+ current and its gate n
    "leak": "#888888",
    "stimulus": OKABE_ITO["green"],
    "threshold": OKABE_ITO["purple"],
    "rest": "#888888",
    "excitatory": OKABE_ITO["vermillion"],
    "inhibitory": OKABE_ITO["blue"],
    "subthreshold": "#999999",
}


@contextlib.contextmanager
def lecture_style(**overrides):
    """Context manager: large type, thick lines, Okabe-Ito colours; ``overrides`` are rcParams.

    >>> with neurosim.plot.lecture_style():
    ...     ax = neurosim.plot.membrane(result)
    """
    with plt.style.context(STYLE_FILE), mpl.rc_context(overrides):
        yield


def new_figure(nrows=1, ncols=1, *, size="16:9", height_ratios=None, sharex=True, **kwargs):
    """A figure in the lecture style's sizes: ``size`` is "16:9" (10 x 5.6 in) or "4:3"."""
    figsize = {"16:9": (10.0, 5.625), "4:3": (10.0, 7.5)}[size]
    gridspec_kw = {"height_ratios": height_ratios} if height_ratios else None
    return plt.subplots(nrows, ncols, figsize=figsize, sharex=sharex, gridspec_kw=gridspec_kw,
                        squeeze=False, **kwargs)

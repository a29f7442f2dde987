"""What a saved lecture figure must be, read back from its PNG: the shape of a slide (16:9 or
4:3, FIGURES.md) at the dpi asked for, with something drawn on it that is neither nothing nor
a solid block. The lecture style saves with a tight bounding box, so a figure is its drawn
size give or take its margins: the width within 9-13.5 inches, the aspect within 6 % of a
slide's."""

import numpy as np

SLIDE_ASPECTS = (16 / 9, 4 / 3)


def check_slide_png(path, dpi=200) -> np.ndarray:
    """Assert the PNG at ``path`` is slide-shaped at ``dpi`` with ink on 1-60 % of it; return
    its pixels."""
    import matplotlib.image as mpimg

    img = mpimg.imread(path)
    h, w = img.shape[:2]
    assert 9.0 * dpi <= w <= 13.5 * dpi, f"{path}: {w} px wide is no slide at {dpi} dpi"
    assert any(abs(w / h / a - 1.0) < 0.06 for a in SLIDE_ASPECTS), \
        f"{path}: {w} x {h} px is neither 16:9 nor 4:3"
    opaque = img[..., 3] > 0.5 if img.shape[-1] == 4 else np.ones((h, w), bool)
    ink = opaque & (img[..., :3].min(axis=-1) < 0.85)
    assert 0.01 < ink.mean() < 0.6, f"{path}: {ink.mean():.1%} of the figure drawn"
    return img

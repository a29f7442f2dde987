"""Placing labels where they can be read: beside a line in the margin, or near a point of the
trace without touching the trace, the axes' edges or another label.

Labels are measured with the figure's renderer, so the placement holds at the saved size.
"""

from __future__ import annotations

import numpy as np
from matplotlib.text import Text

from ._style import COLORS


def _renderer(fig):
    fig.draw_without_rendering()  # settle constrained layout before measuring
    return fig.canvas.get_renderer()


def margin_labels(ax, items, *, fontsize=15, gap_pt=3.0):
    """Write each (y, text, colour) in the right margin at height y (data units), pushed apart
    vertically so they do not overlap. Returns the Text artists."""
    if not items:
        return []
    items = sorted(items, key=lambda it: it[0])
    fig = ax.figure
    lo, hi = ax.get_ylim()
    height_px = ax.get_window_extent(_renderer(fig)).height
    per_px = (hi - lo) / max(height_px, 1.0)
    line = fontsize * 1.2 * fig.dpi / 72.0 * per_px  # one line of text, in data units
    gap = gap_pt * fig.dpi / 72.0 * per_px
    half = [0.5 * line * (text.count("\n") + 1) for _, text, _ in items]
    ys = [float(y) for y, _, _ in items]
    for i in range(1, len(ys)):
        ys[i] = max(ys[i], ys[i - 1] + half[i - 1] + half[i] + gap)
    overflow = ys[-1] + half[-1] - hi
    if overflow > 0:
        ys = [y - overflow for y in ys]
    texts = []
    for (y0, text, color), y in zip(items, ys, strict=True):
        texts.append(ax.annotate(
            text, (1.0, y0), xycoords=ax.get_yaxis_transform(), xytext=(1.012, y),
            textcoords=ax.get_yaxis_transform(), ha="left", va="center", color=color,
            fontsize=fontsize, annotation_clip=False,
            arrowprops=None if abs(y - y0) < 1e-9 * max(1.0, abs(hi - lo)) else
            {"arrowstyle": "-", "color": color, "lw": 1.0, "shrinkA": 0, "shrinkB": 2}))
    return texts


# directions tried around the anchor (the preferred ones first at each distance)
_DIRECTIONS = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1),
               (2, 1), (-2, 1), (2, -1), (-2, -1), (1, 2), (-1, 2), (1, -2), (-1, -2)]


def _candidates(prefer):
    order = list(prefer) + [d for d in _DIRECTIONS if d not in prefer]
    for radius in (25, 40, 60, 85, 115, 150, 190, 240, 300):
        for dx, dy in order:
            norm = (dx * dx + dy * dy) ** 0.5
            yield dx / norm * radius, dy / norm * radius * 0.8


def _crosses(bb, x0, y0, x1, y1, samples=24) -> bool:
    """Whether the segment (x0, y0)-(x1, y1) passes through the box ``bb``."""
    s = np.linspace(0.0, 1.0, samples)
    xs, ys = x0 + s * (x1 - x0), y0 + s * (y1 - y0)
    return bool(np.any((xs > bb.x0) & (xs < bb.x1) & (ys > bb.y0) & (ys < bb.y1)))


def place(ax, text, xy, *, prefer=(), avoid=(), placed=(), color=None, fontsize=16,
          arrow=True, pad_px=4.0):
    """Annotate the data point ``xy`` with ``text`` where it reads best: inside the axes, clear
    of the texts in ``placed`` and of the lines in ``avoid``, with an arrow that crosses as
    little of those lines as possible, as close to ``xy`` as that allows.

    ``prefer`` lists directions ((1, 0) is to the right, (-1, 1) up and to the left) that win
    ties. Returns the annotation."""
    fig = ax.figure
    renderer = _renderer(fig)
    box_ax = ax.get_window_extent(renderer)
    points = [line.get_transform().transform(np.column_stack(line.get_data()))
              for line in avoid]
    pts = np.concatenate(points) if points else np.empty((0, 2))
    boxes = []
    for t in placed:
        t.update_positions(renderer)
        boxes.append(Text.get_window_extent(t, renderer))
    color = COLORS["text"] if color is None else color
    arrowprops = {"arrowstyle": "->", "lw": 1.8, "color": COLORS["arrow"], "shrinkA": 2,
                  "shrinkB": 3} if arrow else None
    anchor = ax.transData.transform(xy)
    near = pts[np.hypot(*(pts - anchor).T) > 6.0] if pts.size else pts  # not the target itself
    ann = ax.annotate(text, xy, xytext=(0, 0), textcoords="offset points", fontsize=fontsize,
                      color=color, arrowprops=arrowprops)
    best, best_score = None, None
    for rank, (dx, dy) in enumerate(_candidates(prefer)):
        ann.set_ha("left" if dx > 0 else "right" if dx < 0 else "center")
        ann.set_va("bottom" if dy > 0 else "top" if dy < 0 else "center")
        ann.xyann = (dx, dy)
        ann.update_positions(renderer)
        bb = Text.get_window_extent(ann, renderer)  # the text alone, not its arrow
        bb = bb.from_extents(bb.x0 - pad_px, bb.y0 - pad_px, bb.x1 + pad_px, bb.y1 + pad_px)
        inside = (bb.x0 >= box_ax.x0 and bb.x1 <= box_ax.x1 and bb.y0 >= box_ax.y0
                  and bb.y1 <= box_ax.y1)
        hits = int(np.count_nonzero((pts[:, 0] >= bb.x0) & (pts[:, 0] <= bb.x1)
                                    & (pts[:, 1] >= bb.y0) & (pts[:, 1] <= bb.y1))) \
            if pts.size else 0
        cx, cy = 0.5 * (bb.x0 + bb.x1), 0.5 * (bb.y0 + bb.y1)
        clash = sum(bb.overlaps(o) or _crosses(o, *anchor, cx, cy) for o in boxes)
        crossing = _segment_hits(near, anchor, (cx, cy)) if arrow else 0
        score = (not inside, clash, hits, crossing, rank)
        if best_score is None or score < best_score:
            best, best_score = (dx, dy, ann.get_ha(), ann.get_va()), score
    dx, dy, ha, va = best
    ann.set_ha(ha)
    ann.set_va(va)
    ann.xyann = (dx, dy)
    return ann


def _segment_hits(pts, a, b, width=3.0) -> int:
    """How many of ``pts`` lie within ``width`` pixels of the segment a-b."""
    if not pts.size:
        return 0
    a, b = np.asarray(a, float), np.asarray(b, float)
    d = b - a
    length2 = float(d @ d) or 1.0
    s = np.clip(((pts - a) @ d) / length2, 0.0, 1.0)
    dist = np.hypot(*(pts - (a + s[:, None] * d)).T)
    return int(np.count_nonzero(dist < width))

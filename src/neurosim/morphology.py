"""Neurons with shape: a morphology is data, a tree of named cylindrical sections.

A :class:`Section` is a cylinder (length and diameter in um) with its own axial resistivity
(ohm cm), membrane capacitance (uF/cm^2), number of compartments and membrane: the channels of
a registered conductance model (``"hh"``: the registry's Hodgkin-Huxley densities, any of them
overridden), a passive leak (``"passive"``) or none. A section hangs off a point ``parent_x``
(0 to 1) of its parent. A myelinated section (``myelin=Myelin(...)``) is laid out as nodes of
Ranvier that carry the section's channels, separated by internodes whose membrane is the sheath
(its own capacitance and leak).

A :class:`Morphology` is the validated tree; :meth:`Morphology.compile` turns it into the flat
arrays the cable engine integrates (compartments at the centres of equal segments, as NEURON
lays them out, with a zero-area node where children join a section's end). Builders:
:func:`ball_and_stick`, :func:`axon` and :func:`load_swc` (the standard SWC format; the package
ships ``pyramidal_small.swc``).

    >>> from neurosim import morphology
    >>> cell = morphology.ball_and_stick()
    >>> [s.name for s in cell.sections]
    ['soma', 'dendrite', 'hillock', 'axon']
"""

from __future__ import annotations

import dataclasses
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import registry
from ._core import resources as _resources
from ._core.validation import (
    InvalidInput,
    ParameterError,
    as_bool,
    as_float,
    as_int,
    key_error,
    param_error,
    read_text,
    read_toml,
)
from ._single.hh import phi_factor
from .catalog import catalog_dir, load_model

__all__ = ["Location", "Morphology", "Myelin", "Section", "axon", "ball_and_stick",
           "list_morphologies", "load_morphology", "load_swc", "swc_path"]

# membranes a section may have besides a registered conductance model's channels
PASSIVE, NONE = "passive", "none"
# defaults: squid axoplasm (Hodgkin & Huxley 1952) and the usual specific capacitance
R_A, C_M = 35.4, 1.0
PASSIVE_G, PASSIVE_E = 0.3, -65.0  # the HH leak conductance, at the HH resting potential


@dataclass(frozen=True)
class Myelin:
    """The sheath of a myelinated section: internodes between short nodes of Ranvier.

    Attributes:
        internode_length: length of each internode (um); the section's length is shared out
            so that it starts and ends with a node.
        node_length: length of each node of Ranvier (um), which carries the section's channels.
        c_m: capacitance of the sheathed membrane (uF/cm^2 of axon surface).
        g_l: leak conductance of the sheathed membrane (mS/cm^2), reversing at ``e_l`` (mV).
        n_seg: compartments per internode.
    """

    internode_length: float = 1000.0
    node_length: float = 1.0
    c_m: float = 0.01
    g_l: float = 0.0015
    e_l: float = PASSIVE_E
    n_seg: int = 9

    @classmethod
    def for_fibre(cls, diameter: float, *, g_ratio: float = 0.7, period: float = 0.016,
                  internode_ratio: float = 100.0, node_length: float = 1.0,
                  n_seg: int = 9) -> Myelin:
        """The sheath of an axon of ``diameter`` (um) whose myelin is as thick as
        ``g_ratio`` (axon over fibre diameter) makes it: (1/g - 1) d / 2 of lamellae ``period``
        um apart, each two membranes of 0.1 uF/cm^2 and 1 mS/cm^2 in series (the per-membrane
        values of McIntyre, Richardson & Grill 2002), with internodes ``internode_ratio``
        axon diameters long. Thicker axons get thicker sheaths, so c_m and g_l fall as 1/d."""
        f = "Myelin.for_fibre"
        d = as_float(diameter, f, "diameter", "um", low=0.0)
        g = as_float(g_ratio, f, "g_ratio", low=0.0, high=1.0, high_open=True)
        lamellae = max((1.0 / g - 1.0) * d / 2.0 / as_float(period, f, "period", "um",
                                                             low=0.0), 1.0)
        return cls(internode_length=as_float(internode_ratio, f, "internode_ratio",
                                              low=0.0) * d,
                   node_length=node_length, c_m=0.1 / (2.0 * lamellae),
                   g_l=1.0 / (2.0 * lamellae), n_seg=n_seg)

    def __post_init__(self):
        f = "Myelin"
        as_float(self.internode_length, f, "internode_length", "um", low=0.0)
        as_float(self.node_length, f, "node_length", "um", low=0.0)
        as_float(self.c_m, f, "c_m", "uF/cm^2", low=0.0)
        as_float(self.g_l, f, "g_l", "mS/cm^2", low=0.0, low_open=False)
        as_float(self.e_l, f, "e_l", "mV")
        as_int(self.n_seg, f, "n_seg", low=1)


@dataclass(frozen=True)
class Section:
    """One cylinder of a morphology. See the module docstring.

    Attributes:
        name: a unique name (``"soma"``, ``"dend[0]"``).
        length: um, > 0, and ``diameter`` (um, > 0).
        parent: the parent section's name (None for the root) and ``parent_x`` the point of the
            parent (0 to 1) it hangs from.
        n_seg: number of compartments, or None for NEURON's d_lambda rule (an odd number of
            segments none longer than ``Morphology.d_lambda`` of the length constant at 100 Hz).
        r_a: axial resistivity (ohm cm); ``c_m``: membrane capacitance (uF/cm^2).
        channels: a registered conductance model (``"hh"``) whose channels the membrane
            carries at the catalog's densities, ``"passive"`` (a leak ``g_l`` reversing at
            ``e_l``) or ``"none"``.
        densities: channel parameters to change on this section (``{"g_na": 0.0}``,
            ``{"g_l": 0.1, "e_l": -65.0}`` for a passive one), in the catalog's units.
        myelin: a :class:`Myelin` to sheath the section between nodes of Ranvier, or None.
    """

    name: str
    length: float
    diameter: float
    parent: str | None = None
    parent_x: float = 1.0
    n_seg: int | None = 1
    r_a: float = R_A
    c_m: float = C_M
    channels: str = PASSIVE
    densities: dict = field(default_factory=dict)
    myelin: Myelin | None = None

    def __post_init__(self):
        f = f"Section({self.name!r})" if isinstance(self.name, str) else "Section"
        if not isinstance(self.name, str) or not self.name or "(" in self.name:
            raise param_error("Section", "name", "a non-empty string without '('", self.name,
                              TypeError if not isinstance(self.name, str) else ValueError)
        as_float(self.length, f, "length", "um", low=0.0)
        as_float(self.diameter, f, "diameter", "um", low=0.0)
        as_float(self.parent_x, f, "parent_x", low=0.0, high=1.0, low_open=False)
        if self.n_seg is not None:
            as_int(self.n_seg, f, "n_seg", low=1)
        as_float(self.r_a, f, "r_a", "ohm cm", low=0.0)
        as_float(self.c_m, f, "c_m", "uF/cm^2", low=0.0)
        if not isinstance(self.densities, dict):
            raise param_error(f, "densities", "a dict of channel parameters", self.densities,
                              TypeError)
        membrane_params(self.channels, self.densities, f)
        if self.myelin is not None:
            if not isinstance(self.myelin, Myelin):
                raise param_error(f, "myelin", "a Myelin or None", self.myelin, TypeError)
            unit = self.myelin.internode_length + self.myelin.node_length
            if self.length < unit + self.myelin.node_length:
                raise param_error(f, "myelin", "a sheath with at least one internode between "
                                  f"two nodes of Ranvier (length >= internode_length + 2 "
                                  f"node_length = {unit + self.myelin.node_length:g} um): a "
                                  "myelinated section needs nodes",
                                  f"internode_length={self.myelin.internode_length:g} um on "
                                  f"{self.length:g} um")


def membrane_params(channels, densities: dict, func: str) -> dict:
    """The membrane's parameters of a section: the registered model's catalog values (or the
    passive leak's), with ``densities`` applied; unknown names are errors."""
    if channels == NONE:
        base = {}
    elif channels == PASSIVE:
        base = {"g_l": PASSIVE_G, "e_l": PASSIVE_E}
    else:
        spec = cable_model(channels, func)
        base = dict(load_model(spec.catalog).values())
        del base["c_m"]  # a section's capacitance is its own field, Section.c_m
    unknown = sorted(set(densities) - set(base))
    if unknown:
        raise param_error(func, "densities", f"parameters of the {channels!r} membrane (one "
                          f"of {', '.join(sorted(base)) or 'none'})", unknown[0])
    out = {**base}
    for key, value in densities.items():
        out[key] = as_float(value, func, f"densities[{key!r}]")
    for key in ("g_na", "g_k", "g_l"):
        if key in out and out[key] < 0:
            raise param_error(func, f"densities[{key!r}]", "a conductance density >= 0 mS/cm^2",
                              out[key])
    return out


def cable_model(channels, func: str):
    """The registry entry whose channels a section carries: a conductance model with the
    Hodgkin-Huxley parameter rows (the cable engine's channel kinetics)."""
    names = {n: s.name for s in registry.specs()
             if s.params_cls is registry.HodgkinHuxleyParams for n in s.names()}
    if not isinstance(channels, str) or channels not in (PASSIVE, NONE, *names):
        options = [PASSIVE, NONE, *sorted(set(names.values()))]
        raise param_error(func, "channels", "one of " + ", ".join(map(repr, options)),
                          channels, TypeError if not isinstance(channels, str) else ValueError)
    return registry.get(channels)


@dataclass(frozen=True)
class Location:
    """A point of a morphology: ``section`` and ``x`` in [0, 1] along it (NEURON's sec(x))."""

    section: str
    x: float = 0.5

    def __str__(self) -> str:
        return f"{self.section}({self.x:g})"

    @classmethod
    def parse(cls, value, func: str, name: str) -> Location:
        """A Location from ``"axon(0.5)"``, ``"soma"`` (its middle), ``("axon", 0.5)``."""
        if isinstance(value, Location):
            return value
        if isinstance(value, str):
            text = value.strip()
            if text.endswith(")") and "(" in text:
                sec, _, x = text[:-1].partition("(")
                try:
                    return cls(sec, as_float(float(x), func, name, low=0.0, high=1.0,
                                             low_open=False))
                except ValueError:
                    pass
            elif "(" not in text and ")" not in text:
                return cls(text, 0.5)
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
            return cls(value[0], as_float(value[1], func, name, low=0.0, high=1.0,
                                          low_open=False))
        raise param_error(func, name, "a location: 'section(x)' with x in [0, 1], a section's "
                          "name or a (section, x) pair", value, TypeError)


@dataclass(frozen=True)
class Morphology:
    """A validated tree of sections (the first is the root). See the module docstring.

    ``temperature`` (C), if set, is the temperature its channels run at unless a simulation
    says otherwise (a published model's); ``description`` and ``citation`` say where it is
    from.

    Raises ParameterError naming the section for a missing or later-listed parent, a repeated
    name, a cycle, or anything its :class:`Section` refuses.
    """

    sections: tuple
    d_lambda: float = 0.1
    name: str = ""
    description: str = ""
    citation: str = ""
    temperature: float | None = None

    def __post_init__(self):
        f = "Morphology"
        secs = tuple(self.sections)
        object.__setattr__(self, "sections", secs)
        as_float(self.d_lambda, f, "d_lambda", low=0.0, high=1.0)
        if self.temperature is not None:
            as_float(self.temperature, f, "temperature", low=-20.0, high=60.0, low_open=False)
        if not secs:
            raise param_error(f, "sections", "at least one Section", secs)
        seen = set()
        for k, s in enumerate(secs):
            if not isinstance(s, Section):
                raise param_error(f, f"sections[{k}]", "a Section", s, TypeError)
            if s.name in seen:
                raise param_error(f, f"sections[{k}].name", "a name no other section has",
                                  s.name)
            if k == 0 and s.parent is not None:
                raise param_error(f, "sections[0].parent", "None (the first section is the "
                                  "root)", s.parent)
            if k > 0 and s.parent not in seen:
                where = "a section listed before it" if s.parent is not None else "a parent"
                raise param_error(f, f"sections[{k}].parent", f"the name of {where} (sections "
                                  f"are listed parents first; known: {', '.join(sorted(seen))})",
                                  s.parent)
            seen.add(s.name)
        n = self.n_nodes
        _resources.check(
            f, memory=n * BYTES_PER_NODE, seconds=n * SECONDS_PER_NODE,
            what=f"compiling {n:,} compartments",
            fix="give the sections fewer compartments (n_seg) or a coarser d_lambda, or "
                "model a shorter stretch of the neuron")

    @property
    def n_nodes(self) -> int:
        """The nodes :meth:`compile` will lay out (compartments and junctions), counted without
        laying them out."""
        total = 0
        for s in self.sections:
            total += 1  # at most one junction at the parent's end
            for _, length, c, _, n_seg, repeat in _piece_kinds(s):
                n = n_seg if n_seg is not None else _d_lambda_n(length, s.diameter, s.r_a, c,
                                                                self.d_lambda)
                total += repeat * n
        return total

    def __getitem__(self, name: str) -> Section:
        for s in self.sections:
            if s.name == name:
                return s
        raise param_error("Morphology", "section", "the name of one of its sections ("
                          f"{', '.join(s.name for s in self.sections)})", name, KeyError)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sections]

    def replace(self, section: str, **changes) -> Morphology:
        """A copy with one section's fields changed (``cell.replace("axon", diameter=2.0)``)."""
        secs = [dataclasses.replace(s, **changes) if s.name == section else s
                for s in self.sections]
        self[section]
        return dataclasses.replace(self, sections=tuple(secs))

    def to_dict(self) -> dict:
        """Plain data (for a result's file); ``Morphology.from_dict`` reads it back."""
        out = []
        for s in self.sections:
            d = dataclasses.asdict(s)
            d["myelin"] = None if s.myelin is None else dataclasses.asdict(s.myelin)
            out.append(d)
        return {"name": self.name, "d_lambda": self.d_lambda, "sections": out,
                "description": self.description, "citation": self.citation,
                "temperature": self.temperature}

    @classmethod
    def from_dict(cls, data: dict) -> Morphology:
        secs = []
        for d in data["sections"]:
            d = dict(d)
            if d.get("myelin") is not None:
                d["myelin"] = Myelin(**d["myelin"])
            secs.append(Section(**d))
        return cls(tuple(secs), d_lambda=data["d_lambda"], name=data.get("name", ""),
                   description=data.get("description", ""),
                   citation=data.get("citation", ""), temperature=data.get("temperature"))

    def compile(self, temperature: float | None = None) -> Tree:
        """The flat arrays of the cable engine (a ``Tree``)."""
        return _compile(self, temperature)


# what compiling costs a node (measured on 2e6 nodes: 353 bytes of Python lists at the peak,
# 1.9 us), with a margin
BYTES_PER_NODE = 500.0
SECONDS_PER_NODE = 5e-6


# --------------------------------------------------------------------------------------------
# the compiled tree


@dataclass(frozen=True)
class Tree:
    """A morphology as the cable engine sees it: ``n`` nodes, parents before children.

    Attributes:
        parent: each node's parent node (-1 for the root), int64 (n,).
        g_axial: conductance (mS) between each node and its parent (0 for the root).
        area: membrane area (cm^2; 0 for a junction node where children meet a section's end).
        c_m: specific capacitance (uF/cm^2); ``kind``: 0 no channels, 1 passive, 2 HH-type.
        params: (7, n) float64: g_na, g_k, g_l (mS/cm^2), e_na, e_k, e_l, v_offset (mV).
        phi: the rates' temperature factor per node.
        section, x: each node's section index (into ``names``) and its position (0 to 1).
        distance: path length from the root compartment's centre (um).
        compartments: indices of the nodes with membrane (everything but junctions).
        pieces: for each morphology section, its laid-out pieces (the section itself, or its
            nodes and internodes): (name, start, stop) as fractions of the section.
    """

    parent: np.ndarray
    g_axial: np.ndarray
    area: np.ndarray
    c_m: np.ndarray
    kind: np.ndarray
    params: np.ndarray
    phi: np.ndarray
    section: np.ndarray
    x: np.ndarray
    distance: np.ndarray
    names: list
    pieces: dict
    seg_range: dict

    @property
    def n(self) -> int:
        return self.parent.size

    @property
    def compartments(self) -> np.ndarray:
        return np.flatnonzero(self.area > 0)

    def node(self, location, func: str = "simulate_cable", name: str = "location") -> int:
        """The compartment that holds ``location`` (the segment containing x)."""
        loc = Location.parse(location, func, name)
        if loc.section not in self.pieces:
            raise param_error(func, name, "a location on one of the sections "
                              f"({', '.join(self.pieces)})", str(loc))
        return _segment(self.pieces[loc.section], self.seg_range, loc.x)[0]

    def path_distance(self, a: int, b: int) -> float:
        """Path length (um) between nodes a and b through their lowest common ancestor."""
        ancestors = set()
        k = a
        while k >= 0:
            ancestors.add(k)
            k = int(self.parent[k])
        k = b
        while k not in ancestors:
            k = int(self.parent[k])
        return float(self.distance[a] + self.distance[b] - 2.0 * self.distance[k])


def _piece_kinds(s: Section):
    """A section's kinds of piece and how often each repeats, without laying them out:
    (label, length, c_m, membrane kind, n_seg or None, count). A myelinated section is nodes
    of Ranvier (one more than its internodes) alternating with internodes."""
    if s.myelin is None:
        return [("", s.length, s.c_m, "own", s.n_seg, 1)]
    my = s.myelin
    n_int = int((s.length - my.node_length) / (my.internode_length + my.node_length) + 1e-9)
    inter = (s.length - (n_int + 1) * my.node_length) / n_int
    return [("node", my.node_length, s.c_m, "own", 1, n_int + 1),
            ("internode", inter, my.c_m, "myelin", my.n_seg, n_int)]


def _layout(s: Section):
    """A section's pieces: (name, length, c_m, membrane kind, n_seg or None, start, stop)."""
    kinds = _piece_kinds(s)
    if s.myelin is None:
        _, length, c, kind, n_seg, _ = kinds[0]
        return [(s.name, length, c, kind, n_seg, 0.0, 1.0)]
    pieces, pos = [], 0.0
    for k in range(kinds[0][-1]):
        for label, length, c, kind, n_seg, count in kinds:
            if k < count:
                pieces.append((f"{s.name}.{label}[{k}]", length, c, kind, n_seg,
                               pos / s.length, (pos + length) / s.length))
                pos += length
    return pieces


def _compile(morph: Morphology, temperature) -> Tree:
    cols = {k: [] for k in ("parent", "g", "area", "cm", "kind", "row", "phi", "sec", "x",
                            "dist")}
    pieces, seg_range, junction = {}, {}, {}

    def add(par, link_r, link_um, a, c, k, row, ph, si, x):
        """Append a node joined to ``par`` by ``link_r`` ohm over ``link_um`` of path."""
        for key, val in (("parent", par), ("g", 1e3 / link_r if par >= 0 else 0.0),
                         ("area", a), ("cm", c), ("kind", k), ("row", row), ("phi", ph),
                         ("sec", si), ("x", x),
                         ("dist", cols["dist"][par] + link_um if par >= 0 else 0.0)):
            cols[key].append(val)
        return len(cols["parent"]) - 1

    def attach(s: Section) -> int:
        """The node a child's first compartment joins: the centre of the parent's segment
        that holds parent_x (NEURON's rule), or a zero-area junction at the parent's end,
        half a segment from its end compartment, shared by every child there."""
        par = morph[s.parent]
        node, seg_frac = _segment(pieces[par.name], seg_range, s.parent_x)
        if s.parent_x not in (0.0, 1.0):
            return node
        key = (par.name, s.parent_x)
        if key not in junction:
            seg_um = par.length * seg_frac
            junction[key] = add(node, _half_r(par.r_a, seg_um, par.diameter), seg_um / 2.0,
                                0.0, 0.0, 0, [0.0] * 7, 1.0, morph.names.index(par.name),
                                s.parent_x)
        return junction[key]

    for si, s in enumerate(morph.sections):
        func = f"Section({s.name!r})"
        own = membrane_params(s.channels, s.densities, func)
        if s.channels in (PASSIVE, NONE):
            own_kind, own_phi = (1 if s.channels == PASSIVE else 0), 1.0
            own_row = [0.0, 0.0, own.get("g_l", 0.0), 0.0, 0.0, own.get("e_l", 0.0), 0.0]
        else:
            own_kind, own_phi = 2, float(phi_factor(own, temperature))
            own_row = [own[k] for k in ("g_na", "g_k", "g_l", "e_na", "e_k", "e_l", "v_offset")]
        prev = attach(s) if s.parent is not None else -1
        prev_r, prev_um = 0.0, 0.0  # the half segment behind the next compartment
        pieces[s.name] = []
        for pname, length, c, mkind, n_seg, a, b in _layout(s):
            if mkind == "myelin":
                row, k_node, ph = [0.0, 0.0, s.myelin.g_l, 0.0, 0.0, s.myelin.e_l, 0.0], 1, 1.0
            else:
                row, k_node, ph = own_row, own_kind, own_phi
            n = n_seg if n_seg is not None else _d_lambda_n(length, s.diameter, s.r_a, c,
                                                            morph.d_lambda)
            seg_um = length / n
            half_r = _half_r(s.r_a, seg_um, s.diameter)
            seg_area = math.pi * s.diameter * seg_um * 1e-8  # cm^2
            lo = len(cols["parent"])
            for k in range(n):
                prev = add(prev, prev_r + half_r, prev_um + seg_um / 2.0, seg_area, c, k_node,
                           row, ph, si, a + (b - a) * (k + 0.5) / n)
                prev_r, prev_um = half_r, seg_um / 2.0
            seg_range[pname] = (lo, len(cols["parent"]))
            pieces[s.name].append((pname, a, b))

    def arr(key, dtype=np.float64):
        return np.asarray(cols[key], dtype=dtype)

    return Tree(parent=arr("parent", np.int64), g_axial=arr("g"), area=arr("area"),
                c_m=arr("cm"), kind=arr("kind", np.int64),
                params=np.ascontiguousarray(arr("row").T), phi=arr("phi"),
                section=arr("sec", np.int64), x=arr("x"), distance=arr("dist"),
                names=morph.names, pieces=pieces, seg_range=seg_range)


def _segment(pieces, seg_range, x: float) -> tuple[int, float]:
    """The compartment of a section (its ``pieces``, (name, start, stop) fractions) whose
    segment holds x, and that segment's length as a fraction of the section."""
    name, start, stop = next((p for p in pieces if x <= p[2]), pieces[-1])
    lo, hi = seg_range[name]
    frac = 0.0 if stop == start else (x - start) / (stop - start)
    return lo + min(math.floor(max(frac, 0.0) * (hi - lo)), hi - lo - 1), (stop - start) / (hi - lo)


def _half_r(r_a: float, seg_um: float, diameter: float) -> float:
    """Axial resistance (ohm) of half a segment: r_a [ohm cm] (len/2) [cm] / cross-section."""
    return r_a * (seg_um * 1e-4 / 2.0) / (math.pi * (diameter * 1e-4) ** 2 / 4.0)


def _d_lambda_n(length, diameter, r_a, c_m, d_lambda) -> int:
    """NEURON's d_lambda rule: an odd number of segments, none longer than d_lambda of the AC
    length constant at 100 Hz."""
    lam = 1e5 * math.sqrt(diameter / (4.0 * math.pi * 100.0 * r_a * c_m))
    return int((length / (d_lambda * lam) + 0.9) / 2) * 2 + 1


# --------------------------------------------------------------------------------------------
# builders


def ball_and_stick(*, soma_diameter: float = 20.0, dendrite_length: float = 500.0,
                   dendrite_diameter: float = 2.0, hillock_length: float = 20.0,
                   hillock_diameter: float = 1.5, axon_length: float = 1000.0,
                   axon_diameter: float = 1.0, channels: str = "hh",
                   dendrite_channels: str = PASSIVE, n_seg: int | None = None) -> Morphology:
    """The lecture's path: a passive dendrite into a soma, an axon hillock (the initial
    segment, where the spike starts) and an axon, both excitable.

    The soma is a cylinder as long as it is wide (the membrane area of a sphere of that
    diameter). ``n_seg`` None applies the d_lambda rule to every section but the soma.
    Dimensions in um; the sections are named soma, dendrite, hillock and axon.
    """
    f = "ball_and_stick"
    for name, value in (("soma_diameter", soma_diameter), ("dendrite_length", dendrite_length),
                        ("dendrite_diameter", dendrite_diameter),
                        ("hillock_length", hillock_length),
                        ("hillock_diameter", hillock_diameter), ("axon_length", axon_length),
                        ("axon_diameter", axon_diameter)):
        as_float(value, f, name, "um", low=0.0)
    for name, value in (("channels", channels), ("dendrite_channels", dendrite_channels)):
        try:
            membrane_params(value, {}, f)
        except InvalidInput as exc:
            raise param_error(f, name, exc.expected, value, type(exc)) from None
    return Morphology((
        Section("soma", soma_diameter, soma_diameter, n_seg=1, channels=channels),
        Section("dendrite", dendrite_length, dendrite_diameter, parent="soma", parent_x=0.0,
                n_seg=n_seg, channels=dendrite_channels),
        Section("hillock", hillock_length, hillock_diameter, parent="soma", parent_x=1.0,
                n_seg=n_seg, channels=channels),
        Section("axon", axon_length, axon_diameter, parent="hillock", parent_x=1.0,
                n_seg=n_seg, channels=channels),
    ), name="ball_and_stick")


def axon(length: float, diameter: float, *, myelinated: bool = False, n_seg: int | None = None,
         r_a: float = R_A, channels: str = "hh", densities: dict | None = None,
         myelin: Myelin | None = None) -> Morphology:
    """A straight axon of ``length`` and ``diameter`` (um), one section named ``axon``.

    Unmyelinated, its whole membrane carries ``channels``. ``myelinated=True`` sheaths it
    (``myelin``, default: :meth:`Myelin.for_fibre`, internodes 100 diameters long) between nodes of
    Ranvier carrying the channels. ``n_seg`` None applies the d_lambda rule.
    """
    f = "axon"
    as_float(length, f, "length", "um", low=0.0)
    as_float(diameter, f, "diameter", "um", low=0.0)
    as_bool(myelinated, f, "myelinated")
    if densities is not None and not isinstance(densities, dict):
        raise param_error(f, "densities", "None or a dict of channel parameters", densities,
                          TypeError)
    if myelinated and myelin is None:
        myelin = Myelin.for_fibre(diameter)
    if not myelinated and myelin is not None:
        raise param_error(f, "myelin", "None unless myelinated=True", myelin)
    return Morphology((Section("axon", length, diameter, n_seg=n_seg, r_a=r_a,
                               channels=channels, densities=dict(densities or {}),
                               myelin=myelin),),
                      name="myelinated axon" if myelinated else "axon")


def swc_path(name: str = "pyramidal_small") -> Path:
    """A morphology file shipped with the package (``models/morphologies/NAME.swc``)."""
    path = catalog_dir() / "morphologies" / f"{name}.swc"
    if not path.is_file():
        known = sorted(p.stem for p in (catalog_dir() / "morphologies").glob("*.swc"))
        raise param_error("swc_path", "name", f"one of {', '.join(map(repr, known))}", name)
    return path


def list_morphologies() -> list[str]:
    """Names of the morphologies in the catalog (``models/morphologies/*.toml``)."""
    return sorted(p.stem for p in (catalog_dir() / "morphologies").glob("*.toml"))


_TOP_KEYS = {"name", "description", "citation", "temperature", "d_lambda", "sections"}


def load_morphology(name_or_path) -> Morphology:
    """A morphology from the catalog (:func:`list_morphologies`) or a TOML file: top-level
    ``name``, ``description``, ``citation``, ``temperature`` (C) and ``d_lambda``, and one
    ``[[sections]]`` table per section with the fields of :class:`Section` (and a
    ``[sections.myelin]`` table with those of :class:`Myelin`).

    Raises ParameterError naming the file and the key for an unknown or missing key or a
    value the section refuses.
    """


    f = "load_morphology"
    if not isinstance(name_or_path, (str, os.PathLike)):
        raise param_error(f, "name_or_path", "a catalog name (a str) or a path", name_or_path,
                          TypeError)
    text = os.fspath(name_or_path)
    path = Path(text) if text.endswith(".toml") else catalog_dir() / "morphologies" / \
        f"{text}.toml"
    if not path.is_file():
        raise param_error(f, "name_or_path", "one of " + ", ".join(map(repr,
                          list_morphologies())) + " or the path of a .toml file", text)
    data = read_toml(path)
    for key in data:
        if key not in _TOP_KEYS:
            raise key_error(str(path), key, "absent (known keys: " + ", ".join(
                sorted(_TOP_KEYS)) + ")", data[key])
    if not data.get("sections"):
        raise key_error(str(path), "sections", "one or more [[sections]] tables", None)
    known = {fl.name for fl in dataclasses.fields(Section)}
    my_known = {fl.name for fl in dataclasses.fields(Myelin)}
    secs = []
    for k, raw in enumerate(data["sections"]):
        raw = dict(raw)
        for key in raw:
            if key not in known:
                raise key_error(f"{path} [[sections]] {k}", key, "a Section field (one of "
                                + ", ".join(sorted(known)) + ")", raw[key])
        for key in ("name", "length", "diameter"):
            if key not in raw:
                raise key_error(f"{path} [[sections]] {k}", key, "given (it has no default)",
                                None)
        if "myelin" in raw:
            for key in raw["myelin"]:
                if key not in my_known:
                    raise key_error(f"{path} [sections.myelin] {k}", key, "a Myelin field "
                                    "(one of " + ", ".join(sorted(my_known)) + ")",
                                    raw["myelin"][key])
            raw["myelin"] = Myelin(**raw["myelin"])
        secs.append(Section(**raw))
    return Morphology(tuple(secs), d_lambda=data.get("d_lambda", 0.1),
                      name=data.get("name", path.stem),
                      description=data.get("description", ""),
                      citation=data.get("citation", ""), temperature=data.get("temperature"))


# SWC structure types: 1 soma, 2 axon, 3 basal dendrite, 4 apical dendrite
_SWC_TYPES = {1: "soma", 2: "axon", 3: "dend", 4: "apic"}


def load_swc(path, *, channels: dict | None = None, n_seg: int | None = None,
             r_a: float = R_A, c_m: float = C_M) -> Morphology:
    """Read a morphology from an SWC file (one point a line: id, type, x, y, z, radius,
    parent id; lengths in um).

    Points between branch points become one section (named by type, ``dend[0]``, ``axon[0]``;
    the soma is one section as long as it is wide, the diameter of its first point), with the
    mean diameter of its points. ``channels`` maps a type name (soma, axon, dend, apic) to its
    membrane (default: soma and axon ``"hh"``, dendrites ``"passive"``).

    Raises ParameterError naming the file and line for a malformed line, a missing parent, a
    radius <= 0 or a file without a soma.
    """
    if isinstance(path, bool) or not isinstance(path, (str, os.PathLike)):
        raise param_error("load_swc", "path", "the path of an .swc file", path, TypeError)
    if channels is not None and not isinstance(channels, dict):
        raise param_error("load_swc", "channels", "None or a dict of type name -> membrane",
                          channels, TypeError)
    path = Path(path)
    membranes = {"soma": "hh", "axon": "hh", "dend": PASSIVE, "apic": PASSIVE,
                 **(channels or {})}
    points = {}
    order = []
    for lineno, line in enumerate(read_text(path).splitlines(), 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        parts = text.split()
        try:
            if len(parts) != 7:
                raise ValueError
            pid, ptype, x, y, z, radius, par = (int(parts[0]), int(parts[1]),
                                                *map(float, parts[2:6]), int(parts[6]))
        except ValueError:
            raise ParameterError(f"Line {lineno} of {path} must be 'id type x y z radius "
                                 f"parent' (7 numbers). Got {text!r} instead.") from None
        if radius <= 0:
            raise ParameterError(f"The radius on line {lineno} of {path} must be > 0 um. Got "
                                 f"{radius:g} instead.")
        if par != -1 and par not in points:
            raise ParameterError(f"The parent on line {lineno} of {path} must be the id of a "
                                 f"point listed before it. Got {par} instead.")
        points[pid] = (ptype, np.array([x, y, z]), radius, par)
        order.append(pid)
    somas = [p for p in order if points[p][0] == 1]
    if not somas:
        raise ParameterError(f"{path} must have a soma (a point of type 1). Got none.")
    children: dict[int, list[int]] = {p: [] for p in order}
    for p in order:
        if points[p][3] != -1:
            children[points[p][3]].append(p)
    soma_d = 2.0 * points[somas[0]][2]
    sections = [Section("soma", soma_d, soma_d, n_seg=1, r_a=r_a, c_m=c_m,
                        channels=membranes["soma"])]
    counters: dict[str, int] = {}

    def walk(start: int, parent_name: str, parent_x: float):
        # follow unbranched points from start; the section ends at a branch or a tip
        run = [start]
        while len(children[run[-1]]) == 1 and points[children[run[-1]][0]][0] != 1:
            run.append(children[run[-1]][0])
        ptype = points[start][0]
        tname = _SWC_TYPES.get(ptype, "dend")
        k = counters.get(tname, 0)
        counters[tname] = k + 1
        name = f"{tname}[{k}]"
        prev = points[points[start][3]][1] if points[start][3] != -1 else points[start][1]
        length, diams = 0.0, []
        for p in run:
            length += float(np.linalg.norm(points[p][1] - prev))
            prev = points[p][1]
            diams.append(2.0 * points[p][2])
        if length <= 0:
            raise ParameterError(f"The section starting at point {start} of {path} must have "
                                 "a length > 0 um. Got 0 instead.")
        sections.append(Section(name, length, float(np.mean(diams)), parent=parent_name,
                                parent_x=parent_x, n_seg=n_seg, r_a=r_a, c_m=c_m,
                                channels=membranes[tname]))
        for c in children[run[-1]]:
            walk(c, name, 1.0)

    for s in somas:
        for c in children[s]:
            if points[c][0] != 1:
                walk(c, "soma", 0.0 if points[c][0] in (3, 4) else 1.0)
    return Morphology(tuple(sections), name=path.stem)

"""Where the membrane potential comes from: equilibrium (Nernst) and resting
(Goldman-Hodgkin-Katz) potentials from ion concentrations.

    >>> from neurosim import ions
    >>> round(float(ions.nernst(5.0, 140.0, z=1, temperature=37.0)), 1)   # K+ of a neuron
    -89.0
    >>> rest = ions.resting_potentials("ions_mammalian_neuron")
    >>> round(rest["rest"], 1), round(rest["K"], 1), round(rest["Na"], 1)
    (-70.0, -89.1, 66.6)

Units: concentrations in mM, temperature in degrees C (or a Brian2 quantity: molar
concentrations, kelvin), potentials in mV (inside minus outside), permeabilities relative to
each other (any common unit; cm/s for :func:`ghk_current`), current densities in uA/cm^2,
outward positive.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._core.validation import _is_quantity, as_finite_array, param_error, strip_unit
from .catalog import IonSetParams, load_model

__all__ = [
    "FARADAY",
    "GAS_CONSTANT",
    "IONS",
    "ghk_current",
    "ghk_voltage",
    "hodgkin_katz",
    "load_ion_set",
    "nernst",
    "resting_potentials",
    "thermal_voltage",
]

GAS_CONSTANT = 8.314462618  # J / (mol K), exact since the 2019 SI
FARADAY = 96485.33212  # C / mol, exact since the 2019 SI
ZERO_CELSIUS = 273.15  # K
# the ions an ion set describes, with their valence
IONS = {"K": 1, "Na": 1, "Cl": -1, "Ca": 2}


def _temperature(value, func: str) -> float:
    """Degrees C from a number in C or a Brian2 temperature (kelvin); above absolute zero."""
    if _is_quantity(value):
        import brian2

        if not brian2.have_same_dimensions(value, brian2.kelvin):
            raise param_error(func, "temperature", "a number in degC or a brian2 quantity in "
                              "kelvin", value, TypeError)
        value = float(value / brian2.kelvin) - ZERO_CELSIUS
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise param_error(func, "temperature", "a number in degC (above -273.15)", value,
                          TypeError)
    t = float(value)
    if not np.isfinite(t) or t <= -ZERO_CELSIUS:
        raise param_error(func, "temperature", "a number in degC above absolute zero "
                          "(-273.15)", value)
    return t


def _concentration(value, func: str, name: str) -> np.ndarray:
    c = as_finite_array(strip_unit(value, "mM", func, name), func, name, None)
    if np.any(c <= 0):
        raise param_error(func, name, "concentrations > 0 mM (an ion absent from one side has "
                          "no equilibrium potential)", float(c[c <= 0].ravel()[0]))
    return c


def _out(x):
    return float(x) if np.ndim(x) == 0 else x


def thermal_voltage(temperature=37.0) -> float:
    """RT/F in mV at ``temperature`` (degrees C): 26.7 mV at 37 C, 24.0 mV at 6.3 C."""
    t = _temperature(temperature, "thermal_voltage")
    return 1000.0 * GAS_CONSTANT * (t + ZERO_CELSIUS) / FARADAY


def nernst(c_out, c_in, z=1, temperature=37.0):
    """The equilibrium potential (mV, inside minus outside) of an ion of valence ``z`` with
    concentrations ``c_out`` and ``c_in`` (mM): E = (RT / zF) ln(c_out / c_in). Vectorised over
    the concentrations."""
    func = "nernst"
    if isinstance(z, bool) or not isinstance(z, numbers.Integral) or z == 0:
        raise param_error(func, "z", "the ion's valence, a nonzero whole number (K+ 1, "
                          "Cl- -1, Ca2+ 2)", z, TypeError if not isinstance(z, numbers.Integral)
                          or isinstance(z, bool) else ValueError)
    co = _concentration(c_out, func, "c_out")
    ci = _concentration(c_in, func, "c_in")
    return _out(thermal_voltage(_temperature(temperature, func)) / z * np.log(co / ci))


def _ghk_parts(permeabilities, c_out, c_in, func):
    """Per ion: (permeability, c_out, c_in, valence), checked."""
    for name, table in (("permeabilities", permeabilities), ("c_out", c_out), ("c_in", c_in)):
        if not isinstance(table, dict):
            raise param_error(func, name, "a dict by ion ('K', 'Na', 'Cl')", table, TypeError)
    if "K" not in permeabilities:
        raise param_error(func, "permeabilities", "a dict with K+ ('K') among its ions (the "
                          "resting membrane's main permeability)", permeabilities)
    parts = []
    for ion, p in permeabilities.items():
        if ion not in ("K", "Na", "Cl"):
            raise param_error(func, "permeabilities", "permeabilities of 'K', 'Na' and 'Cl' "
                              "(monovalent ions: the GHK voltage equation)", ion)
        p = as_finite_array(p, func, f"permeabilities[{ion!r}]")
        if np.any(p < 0):
            raise param_error(func, f"permeabilities[{ion!r}]", "a permeability >= 0",
                              float(p.ravel()[0]))
        for side, table in (("c_out", c_out), ("c_in", c_in)):
            if ion not in table:
                raise param_error(func, side, f"a concentration for every permeant ion "
                                  f"({ion!r} is missing)", sorted(table))
        parts.append((p, _concentration(c_out[ion], func, f"c_out[{ion!r}]"),
                      _concentration(c_in[ion], func, f"c_in[{ion!r}]"), IONS[ion]))
    return parts


def ghk_voltage(permeabilities, c_out, c_in, temperature=37.0):
    """The Goldman-Hodgkin-Katz resting potential (mV) of a membrane permeable to K+, Na+ and
    Cl- (dicts by ion; relative permeabilities)::

        V = (RT/F) ln((P_K [K]o + P_Na [Na]o + P_Cl [Cl]i) / (P_K [K]i + P_Na [Na]i + P_Cl [Cl]o))

    Cl- enters with inside and outside exchanged (its charge is negative). With one permeant
    ion it is that ion's Nernst potential. Vectorised over arrays of values."""
    func = "ghk_voltage"
    parts = _ghk_parts(permeabilities, c_out, c_in, func)
    num = sum(p * (co if z > 0 else ci) for p, co, ci, z in parts)
    den = sum(p * (ci if z > 0 else co) for p, co, ci, z in parts)
    if np.any(np.asarray(num) <= 0) or np.any(np.asarray(den) <= 0):
        raise param_error(func, "permeabilities", "at least one permeability > 0",
                          permeabilities)
    return _out(thermal_voltage(_temperature(temperature, func)) * np.log(num / den))


def ghk_current(v, permeability, c_out, c_in, z=1, temperature=37.0):
    """The GHK current density (uA/cm^2, outward positive) of one ion through a membrane of
    ``permeability`` (cm/s) at membrane potential ``v`` (mV)::

        I = P z^2 F^2 V / (RT) (c_in - c_out exp(-zFV/RT)) / (1 - exp(-zFV/RT))

    zero at the ion's Nernst potential (and, summed over the ions, at the GHK voltage).
    Vectorised over ``v`` and the concentrations."""
    func = "ghk_current"
    if isinstance(z, bool) or not isinstance(z, numbers.Integral) or z == 0:
        raise param_error(func, "z", "the ion's valence, a nonzero whole number", z, TypeError)
    vm = as_finite_array(v, func, "v", "mV")
    p = as_finite_array(permeability, func, "permeability", "cm/s")
    if np.any(p < 0):
        raise param_error(func, "permeability", "a permeability >= 0 cm/s",
                          float(p.ravel()[0]))
    co = _concentration(c_out, func, "c_out")
    ci = _concentration(c_in, func, "c_in")
    u = z * vm / thermal_voltage(_temperature(temperature, func))  # zFV/RT
    # u / (1 - exp(-u)), exact through u = 0 (it tends to 1)
    small = np.abs(u) < 1e-8
    ratio = np.where(small, 1.0 + u / 2.0, u / np.where(small, 1.0, -np.expm1(-u)))
    flux = p * 1e-2 * (ci - co * np.exp(-u)) * ratio  # m/s x mol/m^3 = mol/(m^2 s), / z
    return _out(z * FARADAY * flux * 100.0)  # A/m^2 -> uA/cm^2 (1 A/m^2 = 100 uA/cm^2)


def load_ion_set(ion_set):
    """An :class:`~neurosim.catalog.IonSetParams` from a catalog name (``"ions_mammalian_
    neuron"``, ``"ions_squid_axon"``), a path, or the params themselves."""
    if isinstance(ion_set, IonSetParams):
        return ion_set
    params = load_model(ion_set) if isinstance(ion_set, str) else None
    if not isinstance(params, IonSetParams):
        raise param_error("load_ion_set", "ion_set", "an ion set: a catalog name such as "
                          "'ions_mammalian_neuron' or IonSetParams", ion_set, TypeError)
    return params


def _tables(p):
    c_out = {ion: getattr(p, f"{ion.lower()}_out") for ion in IONS}
    c_in = {ion: getattr(p, f"{ion.lower()}_in") for ion in IONS}
    perm = {"K": p.p_k, "Na": p.p_na, "Cl": p.p_cl}
    return perm, c_out, c_in


def resting_potentials(ion_set="ions_mammalian_neuron") -> dict:
    """Each ion's Nernst potential and the GHK resting potential (``"rest"``), mV, of an ion
    set at its temperature."""
    p = load_ion_set(ion_set)
    perm, c_out, c_in = _tables(p)
    out = {ion: nernst(c_out[ion], c_in[ion], z, p.temperature) for ion, z in IONS.items()}
    out["rest"] = ghk_voltage(perm, {k: c_out[k] for k in perm}, {k: c_in[k] for k in perm},
                              p.temperature)
    return out


def hodgkin_katz(k_out, ion_set="ions_squid_axon", temperature=None) -> dict:
    """The resting potential against external K+ (Hodgkin & Katz 1949): for each ``k_out``
    (mM) the GHK rest and E_K (mV), with the ion set's other concentrations and its K+ and
    Na+ permeabilities (external Na+ lowered as K+ is raised, keeping their sum, as in the
    experiment's solutions). Cl- is taken as passively distributed, at equilibrium at every
    rest, so it carries no net current and drops out of the equation."""
    p = load_ion_set(ion_set)
    t = p.temperature if temperature is None else _temperature(temperature, "hodgkin_katz")
    k = _concentration(k_out, "hodgkin_katz", "k_out")
    total = p.k_out + p.na_out
    if np.any(k >= total):
        raise param_error("hodgkin_katz", "k_out", f"below the ion set's [K]o + [Na]o = "
                          f"{total:g} mM (Na+ replaced by K+)", float(k.max()))
    perm = {"K": p.p_k, "Na": p.p_na}
    c_out = {"K": k, "Na": total - k}
    c_in = {"K": p.k_in, "Na": p.na_in}
    return {"k_out": k, "rest": ghk_voltage(perm, c_out, c_in, t),
            "e_k": nernst(k, p.k_in, 1, t)}

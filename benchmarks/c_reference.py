"""Vectorised C references: the best loop gcc makes for the same work as neurosim's kernels.

Each program is compiled at run time with ``gcc -O3 -march=native -ffast-math -fopenmp``. The
neurons are cut into cache-sized chunks of ``CH`` neurons (``CHUNKS``: the best size on the
benchmark machine, swept over 64 to 1024), each run through the whole time loop, and the threads
take chunks as they come free (dynamic schedule, so an input ramp whose firing neurons sit
together does not leave a core idle); ``#pragma omp simd`` vectorises the update over the
neurons of a chunk (glibc's vector ``exp`` under fast-math). Without the chunks a large
population streams through L3 every step and the C loop is memory-bound
(``run(..., chunk=n)`` gives the unblocked loop for comparison). The same work as
neurosim: the same equations and parameters, spikes timed as neurosim times them (cubic Hermite
for HH, exact for LIF, linear for Izhikevich, sub-stepped for AdEx) in a scalar pass over the
neurons the vector pass flagged. ``-fopt-info-vec`` output is kept, so a loop gcc did not
vectorise is seen (and such a loop is not the reference).

    python benchmarks/c_reference.py            # every kernel, the C loop alone
    python benchmarks/c_reference.py --sweep    # the simd loop at each chunk size

Imported by ``hh_population.py`` and ``point_population.py``, which time neurosim beside it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

FLAGS = ["-O3", "-march=native", "-ffast-math", "-fopenmp", "-fopt-info-vec-optimized"]

_HEADER = r"""
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <omp.h>
#ifndef CH
#define CH 512
#endif
static double *alloc(long n) {
    double *p;
    if (posix_memalign((void **)&p, 64, n * sizeof(double))) exit(1);
    return p;
}
/* exp inside the vector loops: glibc's vector exp (libmvec, under -ffast-math), or with
   -DPOLY_EXP the same reduction and degree-11 polynomial as neurosim's fexp */
#ifdef POLY_EXP
#include <stdint.h>
#include <string.h>
static inline double poly_exp(double x) {
    x = x < 709.0 ? x : 709.0;
    x = x > -708.0 ? x : -708.0;
    double k = __builtin_rint(x * 1.4426950408889634);
    double r = (x - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10;
    double p = 2.5110037605963777e-08;
    p = p * r + 2.763263963904103e-07; p = p * r + 2.755724091857897e-06;
    p = p * r + 2.4801485482328494e-05; p = p * r + 0.00019841269890047113;
    p = p * r + 0.0013888888952314775; p = p * r + 0.008333333333319601;
    p = p * r + 0.0416666666664881; p = p * r + 0.1666666666666668;
    p = p * r + 0.5000000000000019; p = p * r + 1.0; p = p * r + 1.0;
    int64_t b = ((int64_t)k + 1023) << 52;
    double t;
    memcpy(&t, &b, 8);
    return p * t;
}
#define VEXP poly_exp
#else
#define VEXP exp
#endif
"""

# HH rate functions as neurosim's kernels write them: u = V + 65, five exponentials
# (alpha_h from beta_n's), x / (exp(x) - 1) with its series for |x| < 1e-2.
_HH_RATES = r"""
#define SERIES(z) (1.0 + (z) * (0.5 + (z) * (1.0/6.0 + (z) * (1.0/24.0 + (z) * (1.0/120.0 \
    + (z) * (1.0/720.0 + (z) * (1.0/5040.0)))))))
/* numerator and denominator chosen first, then one division (as neurosim) */
#define INV_EXPREL(z, ez, scale) \
    ((fabs(z) < 1e-2 ? (scale) : (scale) * (z)) / (fabs(z) < 1e-2 ? SERIES(z) : (ez) - 1.0))
#define HH_RATES(V, am, bm, ah, bh, an, bn) { \
    double u = (V) + 65.0, za = (25.0 - u) * 0.1, zn = (10.0 - u) * 0.1; \
    double ea = VEXP(za), e18 = VEXP(-u / 18.0), e80 = VEXP(-u / 80.0), \
           e30 = VEXP((30.0 - u) * 0.1), en = VEXP(zn); \
    double e40 = e80 * e80; \
    am = INV_EXPREL(za, ea, 1.0); bm = 4.0 * e18; ah = 0.07 * e40 * e40; \
    bh = 1.0 / (e30 + 1.0); an = INV_EXPREL(zn, en, 0.1); bn = 0.125 * e80; }
#define GNA 120.0
#define GK 36.0
#define GL 0.3
#define ENA 50.0
#define EK (-77.0)
#define EL (-54.387)
#define DVDT(V, M, H, N, I) ((I) - GNA * (M) * (M) * (M) * (H) * ((V) - ENA) \
    - GK * (N) * (N) * (N) * (N) * ((V) - EK) - GL * ((V) - EL))
static double cross(double v0, double v1, double f0, double f1, double dt) {
    double s_lin = -v0 / (v1 - v0), s = s_lin;
    for (int k = 0; k < 6; k++) {
        double s2 = s * s, s3 = s2 * s;
        double g = (2*s3 - 3*s2 + 1) * v0 + (s3 - 2*s2 + s) * dt * f0 + (-2*s3 + 3*s2) * v1
                   + (s3 - s2) * dt * f1;
        double dg = (6*s2 - 6*s) * v0 + (3*s2 - 4*s + 1) * dt * f0 + (-6*s2 + 6*s) * v1
                    + (3*s2 - 2*s) * dt * f1;
        if (dg <= 0) return s_lin;
        s -= g / dg;
        if (s < 0 || s > 1) return s_lin;
    }
    return s;
}
"""

# The HH programs' main(): rest as the initial state, a ramp of currents, each thread its block
# of neurons in CH-sized pieces through the whole time loop, the rare event pass after the
# vector loop. STEP is the vector loop's body: it advances neuron j, keeps V and dV/dt at the
# start in v0[j] and f0[j], and counts a crossing of 0 mV in `crossed`.
_HH_MAIN = r"""
int main(int argc, char **argv) {
    int n = atoi(argv[1]), nsteps = atoi(argv[2]); double dt = atof(argv[3]);
    double lo = atof(argv[4]), hi = atof(argv[5]);
    double *v = alloc(n), *m = alloc(n), *h = alloc(n), *g = alloc(n), *I = alloc(n),
           *v0 = alloc(n), *f0 = alloc(n);
    for (int j = 0; j < n; j++) {
        v[j] = -65.0; m[j] = 0.0529; h[j] = 0.5961; g[j] = 0.3177;
        I[j] = lo + (hi - lo) * j / (n > 1 ? n - 1 : 1);
    }
    long spikes = 0; double tsum = 0.0;
    double t0 = omp_get_wtime();
    {
        #pragma omp parallel for schedule(dynamic) reduction(+:spikes, tsum)
        for (int a = 0; a < n; a += CH) {
        int b = a + CH < n ? a + CH : n;
        for (int s = 0; s < nsteps; s++) {
            int crossed = 0;
            #pragma omp simd reduction(+:crossed)
            for (int j = a; j < b; j++) {
STEP            }
            if (!crossed) continue;
            for (int j = a; j < b; j++) {  /* the rare event pass: time each crossing */
                if (v0[j] < 0.0 && v[j] >= 0.0) {
                    double f1 = DVDT(v[j], m[j], h[j], g[j], I[j]);
                    tsum += (s + cross(v0[j], v[j], f0[j], f1, dt)) * dt;
                    spikes++;
                }
            }
        }
        }
    }
    printf("%f %ld %f\n", omp_get_wtime() - t0, spikes, tsum);
    return 0;
}
"""


def _hh_program(step: str, defines: str = "") -> str:
    return _HEADER + _HH_RATES + defines + _HH_MAIN.replace("STEP", step)


HH_EXP_EULER = _hh_program(r"""
                double am, bm, ah, bh, an, bn;
                HH_RATES(v[j], am, bm, ah, bh, an, bn);
                double gna = GNA * m[j] * m[j] * m[j] * h[j], gk = GK * g[j] * g[j] * g[j] * g[j];
                double gt = gna + gk + GL, drive = gna * ENA + gk * EK + GL * EL + I[j];
                double sm = am + bm, sh = ah + bh, sn = an + bn;
                /* one division for the four steady states, as neurosim */
                double p_mh = sm * sh, p_ng = sn * gt, inv = 1.0 / (p_mh * p_ng);
                double inv_mh = p_ng * inv, inv_ng = p_mh * inv;
                double vinf = drive * sn * inv_ng, minf = am * sh * inv_mh,
                       hinf = ah * sm * inv_mh, ninf = an * gt * inv_ng;
                f0[j] = drive - gt * v[j];
                v0[j] = v[j];
                m[j] = minf + (m[j] - minf) * VEXP(-dt * sm);
                h[j] = hinf + (h[j] - hinf) * VEXP(-dt * sh);
                g[j] = ninf + (g[j] - ninf) * VEXP(-dt * sn);
                v[j] = vinf + (v[j] - vinf) * VEXP(-dt * gt);
                crossed += v0[j] < 0.0 && v[j] >= 0.0;
""")

HH_RK4 = _hh_program(r"""
                double V = v[j], M = m[j], H = h[j], N = g[j], i = I[j];
                double k1v, k1m, k1h, k1n, k2v, k2m, k2h, k2n, k3v, k3m, k3h, k3n,
                       k4v, k4m, k4h, k4n;
                RHS(V, M, H, N, i, k1v, k1m, k1h, k1n);
                RHS(V + 0.5*dt*k1v, M + 0.5*dt*k1m, H + 0.5*dt*k1h, N + 0.5*dt*k1n, i,
                    k2v, k2m, k2h, k2n);
                RHS(V + 0.5*dt*k2v, M + 0.5*dt*k2m, H + 0.5*dt*k2h, N + 0.5*dt*k2n, i,
                    k3v, k3m, k3h, k3n);
                RHS(V + dt*k3v, M + dt*k3m, H + dt*k3h, N + dt*k3n, i, k4v, k4m, k4h, k4n);
                f0[j] = k1v; v0[j] = V;
                v[j] = V + dt / 6.0 * (k1v + 2*k2v + 2*k3v + k4v);
                m[j] = M + dt / 6.0 * (k1m + 2*k2m + 2*k3m + k4m);
                h[j] = H + dt / 6.0 * (k1h + 2*k2h + 2*k3h + k4h);
                g[j] = N + dt / 6.0 * (k1n + 2*k2n + 2*k3n + k4n);
                crossed += V < 0.0 && v[j] >= 0.0;
""", defines=r"""
#define RHS(V, M, H, N, I, dv, dm, dh, dn) { double am, bm, ah, bh, an, bn; \
    HH_RATES(V, am, bm, ah, bh, an, bn); dv = DVDT(V, M, H, N, I); \
    dm = am * (1 - (M)) - bm * (M); dh = ah * (1 - (H)) - bh * (H); \
    dn = an * (1 - (N)) - bn * (N); }
""")

# LIF, exact between steps: the vector pass relaxes V (or holds it at reset through a whole
# refractory step) and measures each neuron's event (> 0 when its refractory period ends inside
# the step or it crosses threshold); the scalar pass redoes those neurons exactly (crossing time
# tau ln((vinf - V)/(vinf - vth)), release from refractoriness mid-step). The event measure is
# arithmetic (min/max), not a boolean mask: gcc 12 vectorises mask logic here 5x slower.
LIF = _HEADER + r"""
#define TAU 10.0
#define VTH (-55.0)
#define VRES (-75.0)
#define TREF 2.0
int main(int argc, char **argv) {
    int n = atoi(argv[1]), nsteps = atoi(argv[2]); double dt = atof(argv[3]);
    double lo = atof(argv[4]), hi = atof(argv[5]);
    double *va = alloc(n), *vb = alloc(n), *ra = alloc(n), *rb = alloc(n), *vinf = alloc(n),
           *ev = alloc(n);
    for (int j = 0; j < n; j++) {
        va[j] = -70.0; ra[j] = 0.0; vinf[j] = -70.0 + lo + (hi - lo) * j / (n > 1 ? n - 1 : 1);
    }
    double dec = exp(-dt / TAU);
    long spikes = 0; double tsum = 0.0;
    double t0 = omp_get_wtime();
    {
        #pragma omp parallel for schedule(dynamic) reduction(+:spikes, tsum)
        for (int a = 0; a < n; a += CH) {
        int b = a + CH < n ? a + CH : n;
        double *restrict v = va, *restrict vn_ = vb, *restrict r = ra, *restrict rn = rb;
        const double *restrict vi = vinf; double *restrict e = ev;
        for (int s = 0; s < nsteps; s++) {
            double any = 0.0;
            #pragma omp simd reduction(max:any)
            for (int j = a; j < b; j++) {
                double rr = r[j];
                double vn = rr >= dt ? VRES : vi[j] + (v[j] - vi[j]) * dec;
                vn_[j] = vn;
                rn[j] = fmax(rr - dt, 0.0);
                double inside = fmin(rr, dt - rr);               /* > 0: release in the step */
                double over = (vn - VTH) - 1e9 * fmax(rr, 0.0);  /* >= 0: a spike (rr <= 0) */
                double m = fmax(inside, over + 1e-300);
                e[j] = m; any = fmax(any, m);
            }
            if (any > 0.0) {
                for (int j = a; j < b; j++) {
                    if (!(e[j] > 0.0)) continue;
                    double t = 0.0, vv = v[j], rr = r[j], vx = vi[j];
                    for (;;) {
                        if (rr > 0.0) {
                            if (rr >= dt - t) { vv = VRES; rr -= dt - t; break; }
                            t += rr; rr = 0.0; vv = VRES;
                        }
                        double ve = vx + (vv - vx) * exp(-(dt - t) / TAU);
                        if (ve < VTH) { vv = ve; rr = 0.0; break; }
                        t += vv >= VTH ? 0.0 : TAU * log((vx - vv) / (vx - VTH));
                        tsum += s * dt + t; spikes++;
                        vv = VRES; rr = TREF;
                    }
                    vn_[j] = vv; rn[j] = rr;
                }
            }
            double *tmp = v; v = vn_; vn_ = tmp; tmp = r; r = rn; rn = tmp;
        }
        if (v != va) for (int j = a; j < b; j++) { va[j] = v[j]; ra[j] = r[j]; }
        }
    }
    printf("%f %ld %f\n", omp_get_wtime() - t0, spikes, tsum);
    return 0;
}
"""

IZHIKEVICH = _HEADER + r"""
int main(int argc, char **argv) {
    int n = atoi(argv[1]), nsteps = atoi(argv[2]); double dt = atof(argv[3]);
    double lo = atof(argv[4]), hi = atof(argv[5]);
    double *v = alloc(n), *u = alloc(n), *I = alloc(n), *vold = alloc(n), *vnew = alloc(n);
    double a = 0.02, bb = 0.2, c = -65.0, d = 8.0, half = 0.5 * dt;
    for (int j = 0; j < n; j++) {
        v[j] = -70.0; u[j] = -14.0; I[j] = lo + (hi - lo) * j / (n > 1 ? n - 1 : 1);
    }
    long spikes = 0; double tsum = 0.0;
    double t0 = omp_get_wtime();
    {
        #pragma omp parallel for schedule(dynamic) reduction(+:spikes, tsum)
        for (int lo_ = 0; lo_ < n; lo_ += CH) {
        int hi_ = lo_ + CH < n ? lo_ + CH : n;
        for (int s = 0; s < nsteps; s++) {
            int any = 0;
            #pragma omp simd reduction(|:any)
            for (int j = lo_; j < hi_; j++) {
                double vv = v[j], uu = u[j];
                double vh = vv + half * (0.04 * (vv * vv) + 5.0 * vv + 140.0 - uu + I[j]);
                double vn = vh + half * (0.04 * (vh * vh) + 5.0 * vh + 140.0 - uu + I[j]);
                uu = uu + dt * a * (bb * vn - uu);
                int fired = vn >= 30.0;
                vold[j] = vv; vnew[j] = vn; any |= fired;
                v[j] = fired ? c : vn;
                u[j] = fired ? uu + d : uu;
            }
            if (!any) continue;
            for (int j = lo_; j < hi_; j++) {
                if (vnew[j] >= 30.0) {
                    tsum += (s + (30.0 - vold[j]) / (vnew[j] - vold[j])) * dt; spikes++;
                }
            }
        }
        }
    }
    printf("%f %ld %f\n", omp_get_wtime() - t0, spikes, tsum);
    return 0;
}
"""

ADEX = _HEADER + r"""
#define CM 281.0
#define GL 30.0
#define EL (-70.6)
#define VT (-50.4)
#define DT_ 2.0
#define TW 144.0
#define A 4.0
#define B 80.5
#define VR (-70.6)
#define VP 0.0
#define RHS(V, W, I, dv, dw) { double arg = ((V) - VT) / DT_; arg = arg < 50.0 ? arg : 50.0; \
    dv = (-GL * ((V) - EL) + GL * DT_ * VEXP(arg) - (W) + (I)) / CM; \
    dw = (A * ((V) - EL) - (W)) / TW; }
#define RK4(V, W, I, hh, vo, wo) { double k1v, k1w, k2v, k2w, k3v, k3w, k4v, k4w; \
    RHS(V, W, I, k1v, k1w); RHS(V + 0.5*(hh)*k1v, W + 0.5*(hh)*k1w, I, k2v, k2w); \
    RHS(V + 0.5*(hh)*k2v, W + 0.5*(hh)*k2w, I, k3v, k3w); \
    RHS(V + (hh)*k3v, W + (hh)*k3w, I, k4v, k4w); \
    vo = V + (hh) / 6.0 * (k1v + 2*k2v + 2*k3v + k4v); \
    wo = W + (hh) / 6.0 * (k1w + 2*k2w + 2*k3w + k4w); }
int main(int argc, char **argv) {
    int n = atoi(argv[1]), nsteps = atoi(argv[2]); double dt = atof(argv[3]);
    double lo = atof(argv[4]), hi = atof(argv[5]);
    double *v = alloc(n), *w = alloc(n), *I = alloc(n), *vold = alloc(n), *wold = alloc(n);
    for (int j = 0; j < n; j++) {
        v[j] = -70.6; w[j] = 0.0; I[j] = 1000.0 * (lo + (hi - lo) * j / (n > 1 ? n - 1 : 1));
    }
    long spikes = 0; double tsum = 0.0;
    double t0 = omp_get_wtime();
    {
        #pragma omp parallel for schedule(dynamic) reduction(+:spikes, tsum)
        for (int lo_ = 0; lo_ < n; lo_ += CH) {
        int hi_ = lo_ + CH < n ? lo_ + CH : n;
        for (int s = 0; s < nsteps; s++) {
            int any = 0;
            #pragma omp simd reduction(|:any)
            for (int j = lo_; j < hi_; j++) {
                double vn, wn, vv = v[j], ww = w[j];
                RK4(vv, ww, I[j], dt, vn, wn);
                vold[j] = vv; wold[j] = ww; v[j] = vn; w[j] = wn; any |= vn >= VP;
            }
            if (!any) continue;
            for (int j = lo_; j < hi_; j++) {  /* a crossing: redo the step in 32 sub-steps */
                if (v[j] < VP) continue;
                double vv = vold[j], ww = wold[j], hh = dt / 32.0, tin = 0.0, v2, w2;
                for (int k = 0; k < 32; k++) {
                    RK4(vv, ww, I[j], hh, v2, w2);
                    if (v2 >= VP) { double f = (VP - vv) / (v2 - vv); tin += f * hh;
                                    ww += f * (w2 - ww); break; }
                    vv = v2; ww = w2; tin += hh;
                }
                tsum += s * dt + tin; spikes++;
                RK4(VR, ww + B, I[j], dt - tin, v2, w2);
                v[j] = v2 < VP ? v2 : VR; w[j] = w2;
            }
        }
        }
    }
    printf("%f %ld %f\n", omp_get_wtime() - t0, spikes, tsum);
    return 0;
}
"""

SOURCES = {"hh_exp_euler": HH_EXP_EULER, "hh_rk4": HH_RK4, "lif": LIF,
           "izhikevich": IZHIKEVICH, "adex": ADEX}


# chunk sizes (neurons) that ran fastest on the benchmark machine (2-core Zen 4, 2026-11-24):
# ``python benchmarks/c_reference.py --sweep`` measures them again
CHUNKS = {"hh_exp_euler": 64, "hh_rk4": 128, "lif": 128, "izhikevich": 128, "adex": 256}
SWEEP = (64, 128, 256, 512, 1024)
# the kernels with exp inside the vector loop, where the polynomial exp is a second reference
WITH_EXP = ("hh_exp_euler", "hh_rk4", "adex")
VARIANTS = {
    "simd": "vectorised, glibc's vector exp",
    "simd-poly": "vectorised, neurosim's polynomial exp",
    "simd-exact": "vectorised, IEEE arithmetic as written (no -ffast-math, no multiply-adds)",
    "scalar": "the same loop, not vectorised",
}
# the kernels each extra variant is built for: the polynomial exp where there is an exp; the
# arithmetic as written where neurosim keeps it (Izhikevich: the paper's rounding, bit for bit)
ONLY_FOR = {"simd-poly": WITH_EXP, "simd-exact": ("izhikevich",)}


def variants(kernel: str) -> list[str]:
    """The variants built for ``kernel``."""
    return [v for v in VARIANTS if kernel in ONLY_FOR.get(v, (kernel,))]


def _simd_loops(text: str) -> list[tuple[int, int]]:
    """(first, last) source line (1-based) of each loop under ``#pragma omp simd``."""
    lines = text.splitlines()
    loops = []
    for k, line in enumerate(lines):
        if "#pragma omp simd" in line:
            depth, end = 0, k + 1
            for end in range(k + 1, len(lines)):
                depth += lines[end].count("{") - lines[end].count("}")
                if depth <= 0 and "{" in "".join(lines[k + 1:end + 1]):
                    break
            loops.append((k + 2, end + 1))
    return loops


def _line_of(note: str) -> int:
    """The line number in a gcc note 'file.c:LINE:COL: optimized: ...'."""
    parts = note.split(":")
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else -1


def _compile(kernel: str, variant: str, block: int, d: Path) -> tuple[Path, list[str]]:
    src, exe = d / f"{kernel}.c", d / kernel
    text = SOURCES[kernel]
    flags = [*FLAGS, f"-DCH={block}"]
    if variant == "scalar":
        text = text.replace("#pragma omp simd", "/* scalar build */ //")
        flags.append("-fno-tree-vectorize")
    elif variant == "simd-poly":
        flags.append("-DPOLY_EXP")
    elif variant == "simd-exact":
        flags = [f for f in flags if f != "-ffast-math"] + ["-ffp-contract=off"]
    src.write_text(text)
    out = subprocess.run(["gcc", *flags, str(src), "-o", str(exe), "-lm"], check=True,
                         capture_output=True, text=True)
    notes = [line for line in out.stderr.splitlines() if "loop vectorized" in line]
    if variant != "scalar":  # each `#pragma omp simd` loop must be in them
        missing = [a for a, b in _simd_loops(text)
                   if not any(a <= _line_of(note) <= b for note in notes)]
        if missing:
            raise RuntimeError(f"gcc did not vectorise the {kernel} loop at line(s) {missing} "
                               "of its source: not a reference")
    return exe, notes


def run(kernel: str, n: int, nsteps: int, dt: float, lo: float, hi: float, threads: int,
        variant: str = "simd", report: list | None = None,
        chunk: int | None = None) -> tuple[float, int]:
    """Compile and run one C reference; returns (seconds, spikes). ``variant`` is one of
    ``VARIANTS``; ``report`` collects gcc's vectorisation notes; ``chunk`` overrides the cache
    block (neurons). Raises if a vectorised variant's update loop was not vectorised."""
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {sorted(VARIANTS)}, got {variant!r}")
    block = CHUNKS[kernel] if chunk is None else chunk
    with tempfile.TemporaryDirectory() as d:
        exe, notes = _compile(kernel, variant, block, Path(d))
        if report is not None:
            report.extend(notes)
        res = subprocess.run([str(exe), str(n), str(nsteps), str(dt), str(lo), str(hi)],
                             capture_output=True, text=True, check=True,
                             env={**os.environ, "OMP_NUM_THREADS": str(threads),
                                  "OMP_PROC_BIND": "true"})
    elapsed, spikes, _ = res.stdout.split()
    return float(elapsed), int(spikes)


# the work of benchmarks/kernels.py: (kernel, neurons, steps, dt in ms, input from lo to hi)
CASES = [("hh_exp_euler", 10_000, 10_000, 0.01, 0.0, 50.0),
         ("hh_rk4", 10_000, 4_000, 0.025, 0.0, 50.0),
         ("lif", 100_000, 10_000, 0.1, 0.0, 30.0),
         ("izhikevich", 20_000, 10_000, 0.1, 0.0, 15.0),
         ("adex", 5_000, 20_000, 0.01, 0.0, 1.5)]


def main(argv=None):
    import argparse

    ap = argparse.ArgumentParser(description="Time the vectorised C references alone.")
    ap.add_argument("--sweep", action="store_true",
                    help=f"time the simd variant at each chunk size of {SWEEP}")
    args = ap.parse_args(argv)
    threads = os.cpu_count() or 1
    for kernel, n, nsteps, dt, lo, hi in CASES:
        runs = ([("simd", ch) for ch in SWEEP] if args.sweep
                else [(v, CHUNKS[kernel]) for v in variants(kernel)])
        for variant, chunk in runs:
            best = min(run(kernel, n, nsteps, dt, lo, hi, threads, variant, chunk=chunk)[0]
                       for _ in range(3))
            print(f"{kernel:14s} {variant:10s} chunk {chunk:5d} {n * nsteps / best / 1e6:9.1f} "
                  f"M neuron-steps/s ({threads} threads)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Rate models and phase planes (neurosim.dynamics) against exact numbers: fixed points that
solve the equations, the analytic Jacobian against finite differences, FitzHugh-Nagumo's Hopf
points against their closed form, Wilson-Cowan's Hopf point against the onset of oscillation
in simulation and its period against 2 pi / Im(lambda)."""

import math

import numpy as np
import pytest

import neurosim
from neurosim import dynamics as D


@pytest.fixture(scope="module")
def wc():
    return D.WilsonCowan()


@pytest.fixture(scope="module")
def osc():
    return D.WilsonCowan(pattern="oscillator")


@pytest.fixture(scope="module")
def fhn():
    return D.FitzHughNagumo()


def _numeric_jacobian(model, x, y, h=1e-6):
    fx1, fx0 = np.array(model.rhs(x + h, y)), np.array(model.rhs(x - h, y))
    fy1, fy0 = np.array(model.rhs(x, y + h)), np.array(model.rhs(x, y - h))
    return np.column_stack([(fx1 - fx0) / (2 * h), (fy1 - fy0) / (2 * h)])


def test_catalog_holds_the_teaching_values(wc):
    p = wc.params
    assert (p.tau_e, p.tau_i, p.a_e, p.theta_e, p.a_i, p.theta_i) == (1, 2, 1.2, 2.8, 1, 4)
    assert (p.w_ee, p.w_ei, p.w_ie, p.w_ii) == (9, 4, 13, 11)
    assert neurosim.load_model("fitzhugh_nagumo_1961").b == 0.8


@pytest.mark.parametrize("name", ["wc", "osc", "fhn"])
def test_fixed_points_solve_the_equations_and_are_classified_by_eigenvalues(name, request):
    model = request.getfixturevalue(name)
    fps = D.fixed_points(model)
    assert len(fps) == {"wc": 3, "osc": 1, "fhn": 1}[name]
    for fp in fps:
        assert np.abs(model.rhs(fp.x, fp.y)).max() < 1e-10
        J = model.jacobian(fp.x, fp.y)
        np.testing.assert_allclose(J, _numeric_jacobian(model, fp.x, fp.y), rtol=1e-6,
                                   atol=1e-7)
        ev = np.linalg.eigvals(J)
        if ev[0].real * ev[1].real < 0:
            assert fp.kind == "saddle"
        else:
            assert fp.kind.startswith("stable" if ev[0].real < 0 else "unstable")
            assert fp.kind.endswith("focus" if abs(ev[0].imag) > 0 else "node")


def test_teaching_set_is_bistable_with_a_saddle_between(wc):
    kinds = [fp.kind for fp in D.fixed_points(wc)]
    assert kinds == ["stable focus", "saddle", "stable node"]
    # (0, 0) is exact: F(0) = 0 with no drive
    assert abs(D.fixed_points(wc)[0].x) < 1e-15


def test_nullclines_are_zero_sets_with_every_branch(wc, fhn):
    for model in (wc, fhn):
        curves = D.nullclines(model)
        (x0, y0), (x1, y1) = curves.values()
        ok0, ok1 = np.isfinite(y0), np.isfinite(x1) & np.isfinite(y1)
        assert np.abs(model.rhs(x0[ok0], y0[ok0])[0]).max() < 1e-9
        assert np.abs(model.rhs(x1[ok1], y1[ok1])[1]).max() < 1e-9
    # FitzHugh-Nagumo's cubic: both knees (v = -1 and v = +1) on the one curve
    v, w = D.nullclines(fhn)["v"]
    turns = np.flatnonzero(np.diff(np.sign(np.diff(w))) != 0)
    np.testing.assert_allclose(np.sort(v[turns + 1]), [-1.0, 1.0], atol=5e-3)
    # Wilson-Cowan's E-nullcline falls, rises and falls again (the S-shape, both branches)
    _, i = D.nullclines(wc)["E"]
    assert np.count_nonzero(np.diff(np.sign(np.diff(i))) != 0) == 2


def test_fitzhugh_nagumo_hopf_points_match_the_closed_form(fhn):
    p = fhn.params
    v = math.sqrt(1.0 - p.b / p.tau)  # trace of J = 1 - v^2 - b/tau = 0
    exact = sorted((x + p.a) / p.b - x + x**3 / 3.0 for x in (-v, v))
    np.testing.assert_allclose(D.hopf_points(fhn, "i_ext", 0.0, 1.5), exact, atol=1e-10)


def test_wilson_cowan_hopf_point_agrees_with_the_simulated_onset(osc):
    (hopf,) = D.hopf_points(osc, "i_e", 0.8, 1.5)
    onset = D.oscillation_onset(osc, "i_e", np.arange(1.05, 0.9, -0.005))
    assert abs(onset - hopf) <= 0.01
    # beside a supercritical Hopf point the cycle is small and turns at the eigenfrequency
    fp = D.fixed_points(osc.with_params(i_e=hopf))[0]
    period = 2 * math.pi / abs(fp.eigenvalues[0].imag)
    lc = D.limit_cycle(osc.with_params(i_e=hopf - 0.002), transient=2000.0)
    assert lc.amplitude[0] < 0.15
    assert lc.period == pytest.approx(period, rel=0.02)


def test_limit_cycle_period_matches_a_fixed_step_integration(osc):
    lc = D.limit_cycle(osc)
    # RK4 by hand at dt = 0.001 ms, period from upward crossings of E = 0.4
    dt, z = 1e-3, np.array([lc.x[0], lc.y[0]])
    f = lambda z: np.array(osc.rhs(z[0], z[1]))  # noqa: E731
    crossings, prev = [], z[0]
    for k in range(80_000):
        a = f(z)
        b = f(z + 0.5 * dt * a)
        c = f(z + 0.5 * dt * b)
        d = f(z + dt * c)
        z = z + dt / 6 * (a + 2 * b + 2 * c + d)
        if prev < 0.4 <= z[0]:
            crossings.append((k + (0.4 - prev) / (z[0] - prev)) * dt)
        prev = z[0]
    assert lc.period == pytest.approx(np.diff(crossings).mean(), rel=1e-4)
    assert 21.0 < lc.period < 22.0


def test_a_stable_state_has_no_limit_cycle(wc):
    assert D.limit_cycle(wc, x0=(0.9, 0.6)) is None


def test_bifurcation_diagram_has_the_oscillation_between_fold_and_hopf(osc):
    diagram = D.bifurcation(osc, "i_e", [0.5, 0.85, 1.2])
    values = [v for v, _, _, _ in diagram["cycle"]]
    assert values == [0.85]
    assert [fp.stable for v, fp in diagram["fixed"]] == [True, False, True]


def test_simulation_settles_on_the_stable_state(wc):
    run = D.simulate_rates(wc, 50.0, x0=(0.7, 0.05))
    high = D.fixed_points(wc)[2]
    assert run.E[-1] == pytest.approx(high.x, abs=1e-6)
    assert run.I[-1] == pytest.approx(high.y, abs=1e-6)
    assert run.t[-1] == 50.0 and "RateResult" in repr(run)


@pytest.mark.parametrize(("call", "match"), [
    (lambda: D.classify([[1, 2, 3]]), "'jacobian' parameter of classify must be a 2 x 2"),
    (lambda: D.simulate_rates(D.FitzHughNagumo(), 10.0, x0=[0.0]),
     "'x0' parameter of simulate_rates must be two starting values"),
    (lambda: D.bifurcation(D.WilsonCowan(), "w_xx", [1.0]),
     "'parameter' parameter of bifurcation must be one of"),
    (lambda: D.WilsonCowan(tau_e=-1.0), "tau_e"),
    (lambda: D.fixed_points("wc"), "'model' parameter of fixed_points"),
    (lambda: D.fixed_points(D.WilsonCowan(w_ei=0.0)), "must be w_ei > 0"),
])
def test_bad_input_is_named(call, match):
    with pytest.raises(neurosim.InvalidInput, match=match):
        call()


class _Saddle:
    """Any two-variable model will do: dx/dt = x, dy/dt = -y (a saddle at the origin)."""

    names = ("x", "y")
    x_domain, y_domain, y_nullcline = (-2.0, 2.0), (-2.0, 2.0), None

    def rhs(self, x, y):
        return x, -y

    def jacobian(self, x, y):
        return np.array([[1.0, 0.0], [0.0, -1.0]])

    def x_nullcline(self, x):  # dx/dt = 0 only on x = 0: no explicit y(x) but there
        return np.where(x == 0, 0.0, np.nan)

    def y_nullcline_of_x(self, x):
        return np.zeros_like(x)


def test_a_run_that_blows_up_raises():
    with pytest.raises(neurosim.SimulationError, match="left any bounded range"):
        D.simulate_rates(_Saddle(), 100.0, x0=(1.0, 1.0))


def test_tools_take_any_two_variable_model():
    assert D.classify(_Saddle().jacobian(0, 0)) == "saddle"
    X, Y, dX, dY = D.vector_field(_Saddle(), (-1, 1), (-1, 1), n=3)
    np.testing.assert_array_equal(dX, X)
    np.testing.assert_array_equal(dY, -Y)


@pytest.mark.parametrize("nu0", [1.0, 150.0])
def test_brunels_mean_field_as_a_rate_model_settles_on_the_self_consistent_rate(nu0):
    from neurosim import analysis

    exact = analysis.brunel_rate(5.0, 2.0)  # 37.95 Hz (Brunel 2000, g = 5, eta = 2)
    run = D.mean_field_rates(5.0, 2.0, nu0=nu0)
    assert run.nu[-1] == pytest.approx(exact, abs=1e-6)
    assert analysis.brunel_gain(exact, 5.0, 2.0) == pytest.approx(exact, abs=1e-8)
    # a rate above it is pushed down, one below pushed up: the fixed point is stable
    assert analysis.brunel_gain(exact + 5, 5.0, 2.0) < exact + 5
    assert analysis.brunel_gain(exact - 5, 5.0, 2.0) > exact - 5

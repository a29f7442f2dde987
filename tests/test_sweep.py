"""neurosim.sweep on a 2-worker Dask cluster: values, seeds, failures."""

import math

import numpy as np
import pandas as pd
import pytest

import neurosim
from neurosim import network_summary, point_seed


def lif_rate_point(current, tau_m, seed):
    if current < 0:
        raise ValueError("no negative currents here")
    rng = np.random.default_rng(seed)
    rate = float(neurosim.analysis.lif_rate(current, neurosim.load_model("lif_lecture").replace(
        tau_m=tau_m)))
    return {"rate": rate, "draw": float(rng.random())}


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


def test_sweep_on_two_workers_gives_the_function_values_in_grid_order(client):
    grid = {"current": [-1.0, 1.0, 2.0, 3.0], "tau_m": [10.0, 20.0]}
    table = neurosim.sweep(lif_rate_point, grid, client=client, progress=False, seed=4)
    assert len(table) == 8
    assert list(table["current"]) == [-1.0, -1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0]
    assert len(client.scheduler_info()["workers"]) == 2
    for _, row in table.iterrows():
        if row["current"] < 0:
            assert row["error"].startswith("ValueError: no negative currents")
            assert math.isnan(row["rate"])
            continue
        assert pd.isna(row["error"])
        params = neurosim.load_model("lif_lecture").replace(tau_m=row["tau_m"])
        assert row["rate"] == pytest.approx(float(neurosim.analysis.lif_rate(row["current"],
                                                                             params)))
        # the seed is the point's, so the random draw can be recomputed anywhere
        seed = point_seed({"current": row["current"], "tau_m": row["tau_m"]}, 4)
        assert row["seed"] == seed
        assert row["draw"] == np.random.default_rng(seed).random()
    serial = neurosim.sweep(lif_rate_point, grid, client="serial", progress=False, seed=4)
    np.testing.assert_array_equal(serial["draw"].to_numpy(), table["draw"].to_numpy())


def test_network_sweep_on_two_workers_summarises_each_point(client):
    table = neurosim.sweep("brunel_2000", {"g": [3.0, 6.0]}, client=client, progress=False,
                           duration=200.0, scale=0.05)
    assert table["error"].isna().all()
    # weaker inhibition, higher rate
    assert table.loc[0, "rate_E"] > table.loc[1, "rate_E"] > 0
    direct = neurosim.load_network("brunel_2000", scale=0.05, g=6.0).run(
        200.0, seed=int(table.loc[1, "seed"]))
    assert table.loc[1, "rate_E"] == pytest.approx(
        network_summary(direct)["rate_E"])


def test_a_bad_grid_is_refused():
    with pytest.raises(neurosim.InvalidInput, match="grid"):
        neurosim.sweep(lif_rate_point, {"current": 3.0}, client="serial")

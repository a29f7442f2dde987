from pathlib import Path

import pytest

import neurosim
from neurosim.catalog import catalog_dir

HH_FILE = "hodgkin_huxley_1952.toml"


def test_hh_values_from_the_paper(hh_params):
    p = hh_params
    assert (p.c_m, p.g_na, p.g_k, p.g_l) == (1.0, 120.0, 36.0, 0.3)
    assert (p.e_na, p.e_k, p.e_l) == (50.0, -77.0, -54.387)
    assert (p.v_offset, p.temperature_ref, p.q10) == (-65.0, 6.3, 3.0)
    assert "Hodgkin" in p.citation and "1952" in p.citation
    assert p.units()["g_na"] == "mS/cm^2"


def test_list_models_names_the_catalog():
    assert "hodgkin_huxley_1952" in neurosim.list_models()


def test_catalog_found_in_installed_package():
    """An installed wheel carries the catalog inside the package, not beside a checkout."""
    pkg = Path(neurosim.__file__).resolve().parent
    repo_src = Path(__file__).resolve().parents[1] / "src"
    if repo_src in pkg.parents:
        assert catalog_dir() == repo_src.parent / "models"
    else:
        assert catalog_dir() == pkg / "_catalog"
    assert (catalog_dir() / HH_FILE).is_file()


def _write(tmp_path, text):
    path = tmp_path / "model.toml"
    path.write_text(text)
    return path


@pytest.fixture
def hh_text():
    return (catalog_dir() / HH_FILE).read_text()


def test_loads_an_edited_copy(tmp_path, hh_text):
    path = _write(tmp_path, hh_text.replace("value = 120.0", "value = 100.0"))
    assert neurosim.load_model(path).g_na == 100.0


@pytest.mark.parametrize(("edit", "message"), [
    (lambda s: s.replace("value = 1.0, unit", "value = -1.0, unit", 1), r"'c_m' key .* > 0"),
    (lambda s: s.replace("value = 36.0", "value = nan"), r"'g_k' key .* finite"),
    (lambda s: s.replace('unit = "mS/cm^2", description = "leak', 'unit = "S/cm^2", '
                         'description = "leak'), r"'g_l' key .* given in mS/cm\^2"),
    (lambda s: s.replace("q10 =", "q11 = { value = 1.0, unit = \"1\" }\nq10 ="),
     r"unknown parameter key\(s\) \['q11'\]"),
    (lambda s: "\n".join(line for line in s.splitlines() if not line.startswith("e_k")),
     r"missing the parameter key\(s\) \['e_k'\]"),
    (lambda s: s.replace('model = "hodgkin_huxley"', 'model = "squid"'), r"'model' key"),
    (lambda s: s.replace("value = 3.0", 'value = "three"'), r"'q10' key"),
])
def test_bad_files_name_file_and_key(tmp_path, hh_text, edit, message):
    path = _write(tmp_path, edit(hh_text))
    with pytest.raises((ValueError, TypeError), match=message) as info:
        neurosim.load_model(path)
    assert str(path) in str(info.value)


def test_unknown_name_lists_the_catalog():
    with pytest.raises(ValueError, match="hodgkin_huxley_1952"):
        neurosim.load_model("no_such_model")
    with pytest.raises(FileNotFoundError):
        neurosim.load_model("missing/file.toml")
    with pytest.raises(TypeError):
        neurosim.load_model(42)


def test_replace_validates(hh_params):
    assert hh_params.replace(g_na=60.0).g_na == 60.0
    with pytest.raises(ValueError, match="'c_m' key"):
        hh_params.replace(c_m=0.0)

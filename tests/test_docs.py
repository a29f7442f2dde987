"""The documentation site, built as CI builds it (warnings as errors, every cross-reference
resolved) and opened in a real browser: headless Chromium through playwright loads the index,
a tutorial's gallery page with its figures, the API page of ``simulate_hh`` and the search page,
and none of them logs a console error or a failed request.

The build here is the quick one (``NEUROSIM_DOCS_QUICK=1``: one tutorial executed, three
lecture figures); CI builds the whole site before the tests (``.ci/run``)."""

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytestmark = [pytest.mark.docs, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ("_build", "generated", "tutorials", "lecture_figures", "figure_set.rst")


def chromium() -> str:
    """A Chromium the tests can drive: the system's (Debian's ``chromium``, what CI installs
    with apt) or the one ``playwright install chromium`` fetched."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        path = p.chromium.executable_path
    if Path(path).exists():
        return path
    raise AssertionError("no Chromium to open the site with: apt-get install chromium (as "
                         ".ci/run does), or python -m playwright install chromium")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site built from a copy of docs/ and tutorials/ (the build writes generated pages
    into its source folder)."""
    work = tmp_path_factory.mktemp("site")
    shutil.copytree(ROOT / "docs", work / "docs",
                    ignore=lambda d, names: [n for n in names
                                             if d == str(ROOT / "docs") and n in GENERATED])
    shutil.copytree(ROOT / "tutorials", work / "tutorials",
                    ignore=shutil.ignore_patterns("__pycache__", "tutorial-output"))
    out = work / "html"
    env = {**os.environ, "NEUROSIM_DOCS_QUICK": "1", "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b",
                           "html", str(work / "docs"), str(out)], cwd=work, env=env,
                          capture_output=True, text=True, timeout=1200, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-6000:]
    return out


@pytest.fixture(scope="module")
def browser_page(site):
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        page = browser.new_page()
        problems = []
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
        page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}")
                if r.status >= 400 else None)

        def visit(path):
            problems.clear()
            page.goto(f"{base}/{path}")
            page.wait_for_load_state("networkidle")
            return page, problems

        yield visit
        browser.close()
    server.shutdown()
    server.server_close()


def test_the_index_loads(browser_page):
    page, problems = browser_page("index.html")
    assert "neurosim" in page.title()
    assert page.locator("a", has_text="Tutorials").count() >= 1
    assert page.locator("a", has_text="API reference").count() >= 1
    assert problems == []


def test_a_gallery_page_shows_its_tutorial_and_its_figures(browser_page):
    page, problems = browser_page("tutorials/02_integrate_and_fire.html")
    assert "Tutorial 2" in page.locator("h1").first.inner_text()
    images = page.locator("img.sphx-glr-multi-img, img.sphx-glr-single-img")
    assert images.count() >= 3  # the figures the tutorial saved
    widths = [images.nth(k).evaluate("img => img.naturalWidth") for k in range(images.count())]
    assert min(widths) > 300  # loaded, at the size they were drawn
    # what the tutorial printed is on the page too
    assert "The lecture LIF neuron" in page.content()
    assert problems == []


def test_the_api_page_of_simulate_hh_documents_it_with_units(browser_page):
    page, problems = browser_page("generated/neurosim.simulate_hh.html")
    sig = page.locator("dt#neurosim\\.simulate_hh")
    assert sig.count() == 1
    text = page.locator("article").inner_text()
    assert "uA/cm^2" in text and "dt=0.025" in text
    assert page.locator("article math").count() >= 1  # the equations, as MathML
    assert problems == []


def test_the_search_page_finds_simulate_hh(browser_page):
    page, problems = browser_page("search.html?q=simulate_hh")
    page.wait_for_selector("ul.search li", timeout=20_000)
    links = page.locator("ul.search li a").evaluate_all("els => els.map(e => e.href)")
    assert any("neurosim.simulate_hh.html" in href for href in links)
    assert problems == []


def test_the_lecture_figure_gallery_shows_its_figures(browser_page):
    page, problems = browser_page("figure_set.html")
    images = page.locator("article img")
    assert images.count() == 3
    assert all(images.nth(k).evaluate("img => img.naturalWidth") > 300 for k in range(3))
    assert problems == []

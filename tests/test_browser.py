"""Open every generated page in headless Chromium from file:// with the network cut off.

The seed page comes from the real seed file through the library (ingest → classify →
compute_shifts → write pages) when those stages are importable, else from a hand-labelled
stand-in with the same shape. Other pages come from the authored and hostile fixtures. Pages
load the chart library from the reports folder's ``assets/`` file under their
Content-Security-Policy (``'self'``); a standalone page is opened alone from a folder of its own.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polars as pl
import pytest

import browser_util as bu
from discourse import report, shifts

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not bu.chromium_available(),
        reason=f"Chromium not found at {bu.CHROMIUM} (apt-get install chromium; CI installs it)",
    ),
]

ROOT = Path(__file__).resolve().parents[1]
SEED_FILE = ROOT / "data" / "raw" / "pakpassion-why-not-ussr.txt"
SEED_ID = "pakpassion-why-not-ussr"
OUTPUT = ROOT / "tests" / "output"
DOC_IMAGE = ROOT / "docs" / "img" / "dashboard-seed.png"
RUN_META = {"model_version": "browser-test", "generated_at": "2024-05-01 12:00 UTC"}
PAGE_TIMEOUT_MS = 90_000


def real_seed_frames(work: Path) -> dict[str, pl.DataFrame] | None:
    """The seed thread through the real ingest and classifier, or None if they are missing."""
    try:
        from discourse import store
        from discourse.classify import classify_posts
        from ingest_util import ingest_paths
        from discourse.stance.train import train_model
    except ImportError:
        return None
    if not SEED_FILE.is_file():
        return None
    processed = work / "processed"
    ingest_paths([SEED_FILE], processed)
    frames = {name: store.read_table(processed, name) for name in ("threads", "posts", "quotes")}
    model, metadata = train_model(cv_folds=0)
    frames["classified"] = classify_posts(frames["posts"], frames["quotes"], model)
    RUN_META["model_version"] = metadata["model_version"]
    return frames


def write_pages(frames: dict[str, pl.DataFrame], out: Path, *, standalone: bool = False) -> list[Path]:
    tables = shifts.compute_shifts(frames["posts"], frames["quotes"], frames["classified"])
    written = []
    for thread in frames["threads"].to_dicts():
        written.append(
            report.write_thread_report(
                thread, frames["posts"], frames["classified"], tables, out, RUN_META,
                standalone=standalone,
            )
        )
    return written


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> dict[str, object]:
    work = tmp_path_factory.mktemp("browser")
    out = work / "reports"
    seed = real_seed_frames(work)
    source = "real pipeline"
    if seed is None or seed["posts"].filter(pl.col("thread_id") == SEED_ID).height != bu.SEED_N:
        seed, source = bu.seed_like_thread(), "hand-labelled stand-in"
    fixtures = [
        seed,
        bu.tea_stall_thread(),
        bu.hostile_thread(),
        bu.single_post_thread(),
        bu.all_none_thread(),
        bu.bare_thread(),
        bu.synthetic_thread(10_000, thread_id="synthetic-10k"),
    ]
    summaries, threads = [], []
    for frames in fixtures:
        write_pages(frames, out)
        threads.append(frames["threads"])
        summaries.append(
            shifts.compute_shifts(frames["posts"], frames["quotes"], frames["classified"])[
                "thread_summary"
            ]
        )
    report.write_index(
        pl.concat(threads, how="diagonal_relaxed"), pl.concat(summaries), out, RUN_META
    )
    # A standalone page, moved alone to an empty folder: nothing beside it to load.
    built = write_pages(seed, work / "standalone-build", standalone=True)[0]
    alone = work / "shared-alone"
    alone.mkdir()
    shutil.move(built, alone / built.name)
    return {
        "dir": out,
        "seed_source": source,
        "user_data": work / "chromium-profile",
        "standalone": alone / built.name,
    }


class Visit:
    """One page load with everything the page tried: requests, console errors, dialogs."""

    def __init__(self, context, path: Path) -> None:
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page = context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("body[data-charts-done]", state="attached", timeout=PAGE_TIMEOUT_MS)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def count(self, selector: str) -> int:
        return self.page.locator(selector).count()


@pytest.fixture(scope="module")
def browser(site):
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []

    def guard(route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(site["user_data"]),
            executable_path=str(bu.CHROMIUM),
            args=bu.CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1100, "height": 900},
            offline=True,
        )
        context.route("**/*", guard)
        context.blocked = blocked  # type: ignore[attr-defined]
        yield context
        context.close()


def visit(browser, site, name: str) -> Visit:
    v = Visit(browser, site["dir"] / name)
    v.blocked = browser.blocked
    return v


PAGES = [
    f"{SEED_ID}.html",
    "tea-stall.html",
    "hostile-text.html",
    "one-post.html",
    "all-none.html",
    "bare-article.html",
    "synthetic-10k.html",
    "index.html",
]


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_offline_without_errors(browser, site, name):
    before = len(browser.blocked)
    v = visit(browser, site, name)
    try:
        assert v.errors == []
        assert v.dialogs == []
        assert [u for u in v.requests if not u.startswith(("file:", "data:", "blob:"))] == []
        assert browser.blocked[before:] == []
        charts = v.page.locator("div.chart")
        assert charts.count() >= 1
        for i in range(charts.count()):
            chart = charts.nth(i)
            assert chart.get_attribute("data-rendered") == "true", chart.get_attribute("id")
            assert chart.locator("svg, canvas").count() >= 1, chart.get_attribute("id")
        assert v.page.evaluate("typeof window.__pwned") == "undefined"
    finally:
        v.page.close()


def test_standalone_page_opens_alone_offline(browser, site):
    """``--standalone``: one file, in a folder with nothing else, draws every chart offline and
    requests nothing but itself."""
    path = site["standalone"]
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    before = len(browser.blocked)
    v = Visit(browser, path)
    try:
        assert v.errors == [] and v.dialogs == [] and browser.blocked[before:] == []
        assert v.requests == [path.as_uri()]
        charts = v.page.locator("div.chart")
        assert charts.count() == 5
        for i in range(charts.count()):
            assert charts.nth(i).get_attribute("data-rendered") == "true", charts.nth(i).get_attribute("id")
        assert v.count("#chart-stance g.stance_points_marks path") == bu.SEED_N
        assert v.count("#detail-body tr") == bu.SEED_N
    finally:
        v.page.close()


def test_a_browser_that_cannot_unpack_the_data_says_so_on_every_chart(browser, site):
    # Guards the packed data block's failure path: without DecompressionStream the page must
    # not stay blank and silent; every chart says why it is missing and the page settles.
    page = browser.new_page()
    try:
        page.add_init_script("delete window.DecompressionStream;")
        page.goto((site["dir"] / "tea-stall.html").as_uri())
        page.wait_for_selector("body[data-charts-done]", state="attached", timeout=PAGE_TIMEOUT_MS)
        charts = page.locator("div.chart")
        assert charts.count() >= 1
        for i in range(charts.count()):
            assert charts.nth(i).get_attribute("data-rendered") == "error"
            assert "DecompressionStream" in charts.nth(i).inner_text()
    finally:
        page.close()


def test_linked_page_loads_only_its_shared_library(browser, site):
    """The default page fetches one file besides itself: the library under assets/, allowed by
    the page's Content-Security-Policy ('self') when opened from file://."""
    path = site["dir"] / "tea-stall.html"
    v = visit(browser, site, "tea-stall.html")
    try:
        assert v.errors == []
        assert len(v.requests) == 2 and v.requests[0] == path.as_uri()
        library = v.requests[1]
        assert library.startswith((site["dir"] / "assets").as_uri() + "/vega-") and library.endswith(".js")
    finally:
        v.page.close()


def test_seed_page_marks_and_screenshot(browser, site):
    v = visit(browser, site, f"{SEED_ID}.html")
    try:
        assert v.count("#chart-stance g.stance_points_marks path") == bu.SEED_N
        assert v.count("#chart-sentiment g.mark-symbol.role-mark path") == bu.SEED_N
        assert v.count("#chart-quotes g.mark-line.role-mark path") == len(bu.SEED_QUOTES)
        assert v.count("#chart-quotes g.mark-symbol.role-mark path") == len(bu.SEED_QUOTES)
        assert v.count("#detail-body tr") == bu.SEED_N
        OUTPUT.mkdir(parents=True, exist_ok=True)
        shot = OUTPUT / "dashboard-seed.png"
        v.page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        if not DOC_IMAGE.exists() or os.environ.get("DISCOURSE_UPDATE_DOC_IMAGES") == "1":
            DOC_IMAGE.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot, DOC_IMAGE)
    finally:
        v.page.close()


def drag_across(v: Visit, start: float, end: float) -> None:
    marks = v.page.locator("#chart-stance g.stance_points_marks")
    marks.scroll_into_view_if_needed()
    box = marks.bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    v.page.mouse.move(box["x"] + box["width"] * start, y)
    v.page.mouse.down()
    v.page.mouse.move(box["x"] + box["width"] * end, y, steps=8)
    v.page.mouse.up()


def test_brushing_the_stance_chart_filters_the_detail_list(browser, site):
    v = visit(browser, site, f"{SEED_ID}.html")
    try:
        assert "All 32 posts" in v.page.locator("#detail-caption").inner_text()
        drag_across(v, 0.3, 0.6)
        v.page.wait_for_function(
            "document.getElementById('detail-caption').textContent.startsWith('Positions')"
        )
        rows = v.page.locator("#detail-body tr")
        assert 0 < rows.count() < bu.SEED_N
        positions = [int(rows.nth(i).locator("td").first.inner_text()) for i in range(rows.count())]
        assert positions == sorted(positions)
        assert positions[-1] - positions[0] + 1 == len(positions)  # a contiguous range
        assert v.errors == []
    finally:
        v.page.close()


def test_tooltips_show_post_details(browser, site):
    v = visit(browser, site, "tea-stall.html")
    try:
        v.page.locator("#chart-stance g.stance_points_marks path").first.hover()
        tooltip = v.page.locator("#vg-tooltip-element")
        tooltip.wait_for(state="visible")
        text = tooltip.inner_text()
        assert "Stance" in text and "Joining SEATO" in text
    finally:
        v.page.close()


def test_hostile_page_shows_text_and_runs_nothing(browser, site):
    v = visit(browser, site, "hostile-text.html")
    try:
        page = v.page
        assert page.locator("h1").inner_text().startswith("<script>window.__pwned=1;alert(1)</script>")
        cells = page.locator("#detail-body td.text")
        shown = [cells.nth(i).inner_text() for i in range(cells.count())]
        assert shown[:3] == [t.replace("\u2028", " ") for t in bu.HOSTILE[:3]]
        # hover every stance dot: tooltips render the strings as text
        dots = page.locator("#chart-stance g.stance_points_marks path")
        for i in range(dots.count()):
            dots.nth(i).hover()
            page.locator("#vg-tooltip-element").wait_for(state="visible")
        assert page.locator("#vg-tooltip-element img, #vg-tooltip-element script").count() == 0
        drag_across(v, 0.0, 1.0)
        page.wait_for_timeout(200)
        assert page.locator("img, iframe, object, embed").count() == 0
        assert page.locator("script").count() == 3
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert v.dialogs == []
        assert v.errors == []
    finally:
        v.page.close()


def test_seed_source_is_reported(site):
    # Visible in `pytest -rA` output: which seed page the browser checks looked at.
    assert site["seed_source"] in {"real pipeline", "hand-labelled stand-in"}
    print(f"seed page built from the {site['seed_source']}")


def test_request_guard_sees_network_attempts(browser, tmp_path):
    """The harness itself: a page that does try the network is caught and blocked."""
    canary = tmp_path / "canary.html"
    canary.write_text('<!DOCTYPE html><img src="http://127.0.0.1:9/canary.png">', encoding="utf-8")
    page = browser.new_page()
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    before = len(browser.blocked)
    try:
        page.goto(canary.as_uri())
        page.wait_for_timeout(300)
        assert any("canary.png" in url for url in seen)
        assert any("canary.png" in url for url in browser.blocked[before:])
    finally:
        page.close()


def test_evaluation_page_shows_its_tables_and_chart_offline(browser, tmp_path):
    """Regression: the evaluation tables were written inside the inlined Vega script and never
    showed; the page must show its figures and the confusion matrices, offline, without errors."""
    from test_stance_evaluate import _fake_results

    from discourse.stance.evaluate import write_report

    path = write_report(_fake_results(), tmp_path)["html"]
    errors: list[str] = []
    before = len(browser.blocked)
    page = browser.new_page()
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(path.as_uri())
        page.wait_for_selector("#chart-confusion svg, #chart-confusion canvas", timeout=PAGE_TIMEOUT_MS)
        assert errors == [] and browser.blocked[before:] == []
        assert page.locator("h1").first.is_visible()
        assert page.locator("h2", has_text="Summary").is_visible()
        summary = page.locator("table").first
        # model, baseline and their difference, for the seed and for CV
        assert summary.is_visible() and summary.locator("tbody tr").count() == 6
        assert summary.locator("th", has_text="bootstrap interval").count() == 1
        assert page.locator("td", has_text="<script>alert(1)</script>").count() == 1  # shown as text
        assert page.evaluate("typeof window.__pwned") == "undefined"
    finally:
        page.close()

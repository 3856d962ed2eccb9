"""Thread pages, the index page and image export, checked as files (no browser here)."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import time
import zlib
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest

import browser_util as bu
from discourse import charts, machine_cache, report, schema, shifts
from discourse.report import assets, folder

RUN_META = {
    "model_version": "stance-test+abc123",
    "generated_at": "2024-05-01 12:00 UTC",
    "metrics": {"f_avg": 0.61, "accuracy": 0.7, "confusion": [[1, 2], [3, 4]]},
}
SCRIPT = re.compile(r"<script([^>]*)>(.*?)</script>", re.S | re.I)


def write(frames: dict[str, pl.DataFrame], out: Path, *, tables="compute", standalone: bool = False) -> Path:
    if tables == "compute":
        tables = shifts.compute_shifts(frames["posts"], frames["quotes"], frames["classified"])
    thread = frames["threads"].to_dicts()[0]
    return report.write_thread_report(
        thread, frames["posts"], frames["classified"], tables, out, RUN_META, standalone=standalone
    )


DATA_BLOCK = re.compile(
    r'<script type="application/octet-stream" id="discourse-data" data-encoding="deflate-raw;base64">'
    r"([A-Za-z0-9+/=]*)</script>"
)


def page_data(page: str) -> dict:
    """The page's data block, unpacked by hand (raw DEFLATE under base64), not by the renderer."""
    match = DATA_BLOCK.search(page)
    assert match
    return json.loads(zlib.decompress(base64.b64decode(match.group(1), validate=True), -15).decode("utf-8"))


def markup(page: str) -> str:
    """The page with the bodies of its script elements taken out (the vendored bundle holds
    strings such as "<img" of its own)."""
    return SCRIPT.sub(lambda m: f"<script{m.group(1)}></script>", page)


ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "footer", "section",
    "h1", "h2", "p", "a", "dl", "dt", "dd", "div", "span", "table", "thead", "tbody", "tr",
    "th", "td", "colgroup", "col", "script",
}


class TagAudit(HTMLParser):
    """Every start tag and attribute of a page, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_offline_page(page: str, out_dir: Path, *, standalone: bool = False) -> None:
    """The page fetches nothing but its chart library: the shared file beside it (which exists),
    or nothing at all when standalone. Links go to sibling pages or http(s) only."""
    lowered = page.lower()
    for needle in ("cdn.", "unpkg", "jsdelivr", "googleapis", "@import"):
        assert needle not in lowered, needle
    audit = TagAudit()
    audit.feed(page)
    sources = []
    for tag, attrs in audit.tags:
        assert tag in ALLOWED_TAGS, tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if "src" in attrs:
            assert tag == "script", (tag, attrs)
            sources.append(attrs["src"])
        href = attrs.get("href")
        if href is not None:
            assert re.fullmatch(r"[\w.%-]+\.html|https?://\S+", href), href
    scripts = [attrs for tag, attrs in audit.tags if tag == "script"]
    assert len(scripts) == 3 and scripts[0] == {
        "type": "application/octet-stream", "id": "discourse-data", "data-encoding": "deflate-raw;base64"}
    if standalone:
        assert sources == []
    else:
        assert len(sources) == 1 and re.fullmatch(r"assets/vega-[\w.-]+\.js", sources[0]), sources
        assert (out_dir / sources[0]).is_file()
    assert "vegaEmbed" in page


def csp_of(page: str) -> str:
    return html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))


def test_thread_page_loads_the_shared_bundle(tmp_path):
    path = write(bu.tea_stall_thread(), tmp_path)
    assert path == tmp_path / "tea-stall.html"
    page = path.read_text(encoding="utf-8")
    assert_offline_page(page, tmp_path)
    assert len(page.encode()) < 100_000  # the ~0.9 MB library is not in the page
    assert "Tea-stall argument about the 1954 pacts" in page
    assert "stance-test+abc123" in page and "f avg 0.61" in page
    assert 'href="index.html"' in page
    for section in ("stance", "sentiment", "quotes", "authors", "stance_sentiment"):
        assert f'id="chart-{section}"' in page
    assert 'id="detail-body"' in page
    assert not list(tmp_path.rglob(".tmp-*"))


def test_pages_link_the_evaluation_page_only_when_it_exists(tmp_path):
    """Regression: every page linked evaluation.html, which is missing until labels are evaluated."""
    frames = bu.tea_stall_thread()
    threads, summaries = index_inputs()
    assert 'href="evaluation.html"' not in write(frames, tmp_path).read_text(encoding="utf-8")
    assert 'href="evaluation.html"' not in report.write_index(threads, summaries, tmp_path, RUN_META).read_text()
    (tmp_path / "evaluation.html").write_text("<!DOCTYPE html><title>stand-in</title>", encoding="utf-8")
    assert 'href="evaluation.html"' in write(frames, tmp_path).read_text(encoding="utf-8")
    assert 'href="evaluation.html"' in report.write_index(threads, summaries, tmp_path, RUN_META).read_text()


def test_linked_page_allows_its_script_by_hash_and_the_library_by_self(tmp_path):
    page = write(bu.tea_stall_thread(), tmp_path).read_text(encoding="utf-8")
    csp = csp_of(page)
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    script_src = csp.split("script-src")[1].split(";")[0].split()
    assert "'unsafe-inline'" not in script_src and "'self'" in script_src
    inline = [(attrs, body) for attrs, body in SCRIPT.findall(page) if "src=" not in attrs]
    assert len(inline) == 2
    for attrs, body in inline:
        if "application/octet-stream" in attrs:  # the data block, not a script
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src


def test_standalone_page_carries_the_library_and_allows_only_its_hashes(tmp_path):
    page = write(bu.tea_stall_thread(), tmp_path, standalone=True).read_text(encoding="utf-8")
    assert_offline_page(page, tmp_path, standalone=True)
    assert len(page.encode()) > 500_000
    script_src = csp_of(page).split("script-src")[1].split(";")[0].split()
    assert "'self'" not in script_src and "'unsafe-inline'" not in script_src
    bodies = [body for attrs, body in SCRIPT.findall(page) if "application/octet-stream" not in attrs]
    assert len(bodies) == 2
    for body in bodies:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src
    assert folder.page_scripts(tmp_path / "tea-stall.html") == folder.INLINE


def test_page_data_round_trips(tmp_path):
    frames = bu.seed_like_thread()
    data = page_data(write(frames, tmp_path).read_text(encoding="utf-8"))
    assert data["renderer"] == "svg"
    assert [c["id"] for c in data["charts"]] == [
        "chart-stance",
        "chart-sentiment",
        "chart-quotes",
        "chart-authors",
        "chart-stance_sentiment",
    ]
    assert data["charts"][0]["brush"] == "brush"
    detail = data["datasets"][data["detail"]["dataset"]]
    assert detail["n"] == 32
    assert {"position", "author", "stance", "confidence", "cues", "excerpt"} <= set(detail["columns"])
    for chart in data["charts"]:
        assert "$schema" not in chart["spec"]
        assert all(name in data["datasets"] for name in chart["datasets"])


def test_pages_reuse_compiled_layouts_and_hash_scripts_once(tmp_path, monkeypatch):
    """Regression guard for the page speed-up (~0.4 s → ~20 ms a page): once a layout is
    compiled, writing a page calls no Altair at all, and each inline script (the ~1 MB library
    of standalone pages too) is hashed once per process, not once per page."""
    import altair as alt

    from discourse.report import render

    frames = bu.seed_like_thread()
    write(frames, tmp_path / "warm")  # compiles this shape's layouts (and writes the bundle)
    hashed = []
    real_sha256 = render._sha256_source
    monkeypatch.setattr(render, "_sha256_source", lambda text: hashed.append(len(text)) or real_sha256(text))
    render.script_hash.cache_clear()

    def no_altair(*args, **kwargs):
        raise AssertionError("a page compiled an Altair chart")

    monkeypatch.setattr(alt.utils.schemapi.SchemaBase, "to_dict", no_altair)
    monkeypatch.setattr(charts.ChartPlan, "chart", no_altair)
    first = write(frames, tmp_path / "a").read_text(encoding="utf-8")
    second = write(frames, tmp_path / "b").read_text(encoding="utf-8")
    assert first == second
    assert len(hashed) == 1  # the page script, once for both pages
    write(frames, tmp_path / "c", standalone=True)
    write(frames, tmp_path / "d", standalone=True)
    assert len(hashed) == 2 and hashed[1] > 500_000  # and the inline library, once
    data = page_data(first)
    for chart in data["charts"]:
        assert "values" not in json.dumps(chart["spec"])  # rows only in page.datasets
        config = chart["spec"]["config"]
        assert config["font"] == report.PAGE_STYLE["font"] and config["view"]["stroke"] == "#dddddd"


def test_hostile_text_is_escaped(tmp_path):
    frames = bu.hostile_thread()
    page = write(frames, tmp_path).read_text(encoding="utf-8")
    assert_offline_page(page, tmp_path)
    # only our three script elements; no payload tag survives anywhere
    assert len(re.findall(r"<script", page, re.I)) == 3
    assert len(re.findall(r"</script", page, re.I)) == 3
    for marker in ("<img", "<svg", "<b>", "<!--", "</title><"):
        assert marker not in markup(page)
    assert "&lt;script&gt;window.__pwned=1;alert(1)&lt;/script&gt;" in page  # title, as text
    assert 'href="javascript:' not in page  # the URL is shown as text, not linked
    # the data block holds base64 characters only, yet unpacks to the exact strings
    block = re.search(r'data-encoding="deflate-raw;base64">(.*?)</script>', page, re.S).group(1)
    assert re.fullmatch(r"[A-Za-z0-9+/=]+", block)
    data = page_data(page)
    values = json.dumps(data, ensure_ascii=False)
    for text in bu.HOSTILE[:4]:
        assert json.dumps(text, ensure_ascii=False)[1:-1] in values
    # …and only in the datasets: no chart spec holds any of it
    for chart in data["charts"]:
        spec = json.dumps(chart["spec"], ensure_ascii=False)
        for marker in ("__pwned", "alert(", "onerror", "javascript:", "{{datum"):
            assert marker not in spec, (chart["id"], marker)


@pytest.mark.parametrize("maker", [bu.single_post_thread, bu.all_none_thread, bu.bare_thread])
def test_edge_threads_write_pages(tmp_path, maker):
    frames = maker()
    page = write(frames, tmp_path).read_text(encoding="utf-8")
    assert_offline_page(page, tmp_path)
    data = page_data(page)
    ids = [c["id"] for c in data["charts"]]
    assert "chart-stance" in ids and "chart-sentiment" in ids and "chart-quotes" in ids
    if frames["posts"]["author"].null_count() == frames["posts"].height:
        assert "chart-authors" not in ids
        assert "does not record who wrote each post" in page


def test_pages_refuse_missing_or_other_threads_metric_tables(tmp_path):
    """A page draws the run's metric tables and never computes them again: without them, or
    with another thread's, writing the page or its images is an error, and nothing is written."""
    frames = bu.tea_stall_thread()
    other = shifts.compute_shifts(*(bu.seed_like_thread()[k] for k in ("posts", "quotes", "classified")))
    thread = frames["threads"].to_dicts()[0]
    for tables in (None, {}, other):
        with pytest.raises(ValueError, match="7 posts but its metric tables hold 0 shift rows"):
            write(frames, tmp_path, tables=tables)
        with pytest.raises(ValueError, match="pass the compute_shifts tables of this thread"):
            report.export_images(
                thread, frames["posts"], frames["classified"], tables, tmp_path, "svg"
            )
    assert list(tmp_path.iterdir()) == []


def test_multi_thread_frames_are_filtered(tmp_path):
    one, two = bu.tea_stall_thread(), bu.seed_like_thread()
    both = {k: pl.concat([one[k], two[k]]) for k in ("posts", "quotes", "classified")}
    tables = shifts.compute_shifts(both["posts"], both["quotes"], both["classified"])
    path = report.write_thread_report(
        one["threads"].to_dicts()[0], both["posts"], both["classified"], tables, tmp_path, {}
    )
    data = page_data(path.read_text(encoding="utf-8"))
    assert data["datasets"][data["detail"]["dataset"]]["n"] == 7


def test_pages_of_many_threads_at_once_equal_each_thread_alone(tmp_path):
    """Guards the run's batched pages: one post view and one edge view for many threads, cut per
    thread, give every page byte for byte (excerpt lengths included: the 6,000-post thread gets
    shorter excerpts than its neighbours)."""
    makers = [bu.tea_stall_thread, bu.seed_like_thread, bu.hostile_thread, bu.single_post_thread,
              bu.all_none_thread, bu.bare_thread, lambda: bu.synthetic_thread(6_000, thread_id="long")]
    frames = [m() for m in makers]
    names = ("threads", "posts", "quotes", "classified")
    both = {k: pl.concat([f[k] for f in frames], how="vertical_relaxed") for k in names}
    tables = shifts.compute_shifts(both["posts"], both["quotes"], both["classified"])
    assert both["threads"]["thread_id"].n_unique() == len(makers)

    pages, errors = report.write_thread_reports(
        both["threads"], both["posts"], both["classified"], tables, tmp_path / "together", RUN_META
    )
    assert errors == {} and len(pages) == len(makers)
    for f in frames:
        alone = write(f, tmp_path / "alone")
        thread_id = f["threads"]["thread_id"][0]
        assert pages[thread_id].read_bytes() == alone.read_bytes(), thread_id
    long_data = page_data(pages["long"].read_text(encoding="utf-8"))
    assert long_data["datasets"][long_data["detail"]["dataset"]]["n"] == 6_000

    # A thread whose metric tables are missing is named with the reason; the others are written.
    partial = {k: v.filter(pl.col("thread_id") != "long") for k, v in tables.items()}
    pages, errors = report.write_thread_reports(
        both["threads"], both["posts"], both["classified"], partial, tmp_path / "partial", RUN_META
    )
    assert list(errors) == ["long"] and "6000 posts but its metric tables hold 0 shift rows" in errors["long"]
    assert len(pages) == len(makers) - 1


def test_thread_pages_are_not_flushed_one_by_one(tmp_path, monkeypatch):
    """Regression: every thread page paid an fsync (about a millisecond each) although the run
    flushes them all with one sync before its commit; the index is still flushed on its own."""
    from discourse import atomic

    calls = []
    real_fsync = atomic.os.fsync
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: calls.append(fd) or real_fsync(fd))
    frames = [bu.tea_stall_thread(), bu.seed_like_thread(), bu.hostile_thread()]
    both = {k: pl.concat([f[k] for f in frames], how="vertical_relaxed") for k in ("threads", "posts", "quotes", "classified")}
    tables = shifts.compute_shifts(both["posts"], both["quotes"], both["classified"])
    # The folder's first page also installs its shared chart library (flushed once, as it should).
    report.write_thread_reports(both["threads"], both["posts"], both["classified"], tables, tmp_path, RUN_META)
    calls.clear()
    pages, errors = report.write_thread_reports(both["threads"], both["posts"], both["classified"], tables, tmp_path, RUN_META)
    assert len(pages) == 3 and not errors
    assert calls == []
    report.write_index(both["threads"], tables["thread_summary"], tmp_path, RUN_META)
    assert len(calls) == 1


@pytest.mark.parametrize("bad", ["../escape", "a/b", "a\\b", ".hidden", "", "index", "evaluation"])
def test_unsafe_thread_ids_are_refused(tmp_path, bad):
    with pytest.raises(ValueError):
        report.page_name(bad)


def test_ten_thousand_post_page_stays_under_five_megabytes(tmp_path):
    path = write(bu.synthetic_thread(10_000), tmp_path)
    size = path.stat().st_size
    assert size <= 5_000_000, size
    data = page_data(path.read_text(encoding="utf-8"))
    assert data["renderer"] == "canvas"
    assert data["datasets"][data["detail"]["dataset"]]["n"] == 10_000


def index_inputs() -> tuple[pl.DataFrame, pl.DataFrame]:
    makers = [bu.tea_stall_thread, bu.seed_like_thread, bu.hostile_thread, bu.bare_thread]
    frames = [m() for m in makers]
    threads = pl.concat([f["threads"] for f in frames])
    summaries = pl.concat(
        [
            shifts.compute_shifts(f["posts"], f["quotes"], f["classified"])["thread_summary"]
            for f in frames
        ]
    )
    return threads, summaries


def test_index_links_every_thread(tmp_path):
    threads, summaries = index_inputs()
    path = report.write_index(threads, summaries, tmp_path, RUN_META)
    assert path == tmp_path / "index.html"
    page = path.read_text(encoding="utf-8")
    assert_offline_page(page, tmp_path)
    for thread_id in threads["thread_id"]:
        assert f'href="{thread_id}.html"' in page
    assert "stance-test+abc123" in page and "2024-05-01 12:00 UTC" in page
    assert "<img" not in markup(page) and "&lt;script&gt;" in page
    data = page_data(page)
    assert [c["id"] for c in data["charts"]] == ["chart-comparison"]


def test_index_without_threads(tmp_path):
    page = report.write_index(schema.empty(schema.THREADS), schema.empty(schema.THREAD_SUMMARY), tmp_path, {}).read_text()
    assert "No threads yet" in page
    assert page_data(page)["charts"] == []


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_export_images(tmp_path, fmt):
    frames = bu.tea_stall_thread()
    tables = shifts.compute_shifts(frames["posts"], frames["quotes"], frames["classified"])
    paths = report.export_images(
        frames["threads"].to_dicts()[0], frames["posts"], frames["classified"], tables, tmp_path, fmt=fmt
    )
    names = sorted(p.name for p in paths)
    assert names == sorted(
        f"tea-stall-{n}.{fmt}" for n in ("stance", "sentiment", "quotes", "authors", "stance_sentiment")
    )
    for p in paths:
        head = p.read_bytes()[:200]
        if fmt == "png":
            assert head.startswith(b"\x89PNG")
        else:
            assert b"<svg" in head
    with pytest.raises(ValueError):
        report.export_images(frames["threads"].to_dicts()[0], frames["posts"], frames["classified"], tables, tmp_path, fmt="gif")


def test_thread_without_posts_still_gets_a_page(tmp_path):
    frames = bu.tea_stall_thread()
    empty = {name: schema.empty(schema.TABLES[name]) for name in ("posts", "quotes", "classified")}
    path = report.write_thread_report(
        frames["threads"].to_dicts()[0], empty["posts"], empty["classified"], None, tmp_path, {}
    )
    data = page_data(path.read_text(encoding="utf-8"))
    assert data["datasets"][data["detail"]["dataset"]]["n"] == 0


# --- the shared chart library -------------------------------------------------------------------
@pytest.fixture
def counted_builds(monkeypatch, tmp_path):
    """Each test starts as a fresh process would on a fresh machine (no bundle built, cached or
    checked yet) and counts the calls that build the library; a small stand-in library keeps
    these tests fast."""
    calls = []
    monkeypatch.setenv(machine_cache.CACHE_ENV, str(tmp_path / "machine-cache"))

    def fake_bundle(vl_version=None):
        calls.append(vl_version)
        return "/* stand-in for vega, vega-lite and vega-embed */ window.vegaEmbed = function () {};"

    def new_process():
        assets.build_bundle.cache_clear()
        assets._verified.clear()

    monkeypatch.setattr(assets.vlc, "javascript_bundle", fake_bundle)
    new_process()
    yield calls, new_process
    new_process()


def assets_of(reports: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (reports / "assets").iterdir()}


def test_bundle_is_built_and_written_once_per_reports_folder(tmp_path, counted_builds):
    calls, new_process = counted_builds
    frames = bu.tea_stall_thread()
    for _ in range(3):
        write(frames, tmp_path)
    first = assets_of(tmp_path)
    assert len(calls) == 1 and len(first) == 1
    new_process()  # a later run: the folder's intact file is used as it is
    write(frames, tmp_path)
    report.write_index(*index_inputs(), tmp_path, RUN_META)
    assert len(calls) == 1 and assets_of(tmp_path) == first
    # A damaged file is replaced (same name: the name holds the content's hash).
    (tmp_path / "assets" / next(iter(first))).write_text("truncat", encoding="utf-8")
    new_process()
    write(frames, tmp_path)
    # Rewritten from the machine's cache, not built again.
    assert len(calls) == 1 and set(assets_of(tmp_path)) == set(first)
    assert assets.find_bundle(tmp_path) is not None
    assert not list(tmp_path.rglob(".tmp-*"))


def test_bundle_is_built_once_per_machine_and_copied_to_each_reports_folder(tmp_path, counted_builds, monkeypatch):
    calls, new_process = counted_builds
    frames = bu.tea_stall_thread()
    write(frames, tmp_path / "first")
    cached = list((tmp_path / "machine-cache").iterdir())
    assert len(calls) == 1 and len(cached) == 1
    new_process()  # another process, another reports folder: the machine's copy is used
    write(frames, tmp_path / "second")
    assert len(calls) == 1
    assert (tmp_path / "second" / "assets" / cached[0].name).read_bytes() == cached[0].read_bytes()
    cached[0].write_text("truncat", encoding="utf-8")  # a damaged cache file is built again
    new_process()
    write(frames, tmp_path / "third")
    assert len(calls) == 2 and assets.find_bundle(tmp_path / "third") is not None
    assert assets._find_intact(tmp_path / "machine-cache") is not None
    monkeypatch.setenv(machine_cache.CACHE_ENV, "")  # an empty value: no machine cache
    assert machine_cache.cache_dir() is None
    new_process()
    write(frames, tmp_path / "fourth")
    assert len(calls) == 3


def test_unwritable_machine_cache_still_writes_the_folders_bundle(tmp_path, counted_builds, monkeypatch):
    calls, _new_process = counted_builds
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(machine_cache.CACHE_ENV, str(blocker / "cache"))  # its parent is a file
    write(bu.tea_stall_thread(), tmp_path / "reports")
    assert len(calls) == 1 and assets.find_bundle(tmp_path / "reports") is not None


def test_standalone_pages_reuse_the_folders_bundle_and_write_no_asset(tmp_path, counted_builds):
    calls, new_process = counted_builds
    frames = bu.tea_stall_thread()
    write(frames, tmp_path / "shared")
    new_process()
    page = write(frames, tmp_path / "shared", standalone=True).read_text(encoding="utf-8")
    assert len(calls) == 1 and "stand-in for vega" in page  # read from the folder's file, not built
    write(frames, tmp_path / "alone", standalone=True)
    assert not (tmp_path / "alone" / "assets").exists()


def test_page_is_current_follows_the_mode_and_the_library_file(tmp_path, counted_builds):
    frames = bu.tea_stall_thread()
    path = write(frames, tmp_path)
    assert report.page_is_current(path, standalone=False)
    assert not report.page_is_current(path, standalone=True)
    for library in (tmp_path / "assets").iterdir():
        library.unlink()
    assert not report.page_is_current(path, standalone=False)  # its library is gone
    path = write(frames, tmp_path, standalone=True)
    assert report.page_is_current(path, standalone=True)
    assert not report.page_is_current(path, standalone=False)
    path.write_text("<!DOCTYPE html><title>a page without the note</title>", encoding="utf-8")
    assert not report.page_is_current(path, standalone=True)
    assert not report.page_is_current(tmp_path / "missing.html", standalone=False)


# --- templates ----------------------------------------------------------------------------------
TEMPLATES = Path(report.__file__).parent / "templates"


def test_templates_cannot_turn_autoescaping_off(tmp_path):
    """Every value reaches a page escaped: autoescape is on for every template (not chosen by
    file name), no template marks a value safe or switches escaping off, and a title holding
    markup shows as text on all three kinds of page."""
    from discourse.report import render
    from discourse.stance.evaluate import write_report
    from test_stance_evaluate import _fake_results

    assert render.environment().autoescape is True
    for template in TEMPLATES.glob("*.j2"):
        source = re.sub(r"\{#.*?#\}", "", template.read_text(encoding="utf-8"), flags=re.S)  # comments
        for switch in (r"\|\s*safe\b", r"\bautoescape\b", r"\bMarkup\b", r"\|\s*tojson\b"):
            assert not re.search(switch, source), (template.name, switch)
    frames = bu.make_frames("bold-title", ["A post."], ["none"], title="<b>bold</b> & co")
    page = write(frames, tmp_path).read_text(encoding="utf-8")
    assert "<title>&lt;b&gt;bold&lt;/b&gt; &amp; co — discourse</title>" in page
    assert "<h1>&lt;b&gt;bold&lt;/b&gt; &amp; co</h1>" in page
    index = report.write_index(frames["threads"], pl.DataFrame(), tmp_path, {"model_version": "<b>m</b>"})
    text = index.read_text(encoding="utf-8")
    assert "&lt;b&gt;bold&lt;/b&gt;" in text and "&lt;b&gt;m&lt;/b&gt;" in text and "<b>" not in markup(text)
    results = _fake_results()
    results["seed"]["by_thread"] = {"<b>t</b>": results["cv"]}
    evaluation = write_report(results, tmp_path)["html"].read_text(encoding="utf-8")
    assert "seed gold: &lt;b&gt;t&lt;/b&gt;" in evaluation and "<b>" not in markup(evaluation)


def test_every_page_template_extends_the_one_layout():
    pages = [t for t in TEMPLATES.glob("*.html.j2") if t.name not in {"base.html.j2", "macros.html.j2"}]
    assert sorted(t.name for t in pages) == ["evaluation.html.j2", "index.html.j2", "thread.html.j2"]
    for template in pages:
        assert template.read_text(encoding="utf-8").count('{% extends "base.html.j2" %}') == 1


# --- the reports folder -------------------------------------------------------------------------
def test_old_temp_files_are_removed_and_fresh_ones_kept(tmp_path):
    (tmp_path / "assets").mkdir()
    old = [tmp_path / ".tmp-index.html.abc", tmp_path / "assets" / ".tmp-vega.js.def"]
    fresh = tmp_path / ".tmp-evaluation.html.ghi"  # a write in progress
    for path in [*old, fresh]:
        path.write_text("partial", encoding="utf-8")
    hour_ago = time.time() - 3600
    for path in old:
        os.utime(path, (hour_ago, hour_ago))
    keep = tmp_path / "index.html"
    keep.write_text("<!DOCTYPE html>", encoding="utf-8")
    os.utime(keep, (hour_ago, hour_ago))
    assert report.clean_temp_files(tmp_path) == 2
    assert fresh.exists() and keep.exists() and not any(p.exists() for p in old)
    assert report.clean_temp_files(tmp_path / "missing") == 0


def test_build_reports_removes_leftover_temp_pages(tmp_path, monkeypatch):
    """The page-writing step starts by removing what an interrupted write left behind."""
    from discourse import pipeline, store
    from discourse.config import Settings

    settings = Settings.default(tmp_path)
    settings.reports_dir.mkdir(parents=True)
    leftover = settings.reports_dir / ".tmp-a-thread.html.xyz"
    leftover.write_text("<!DOCTYPE html><p>half a pa", encoding="utf-8")
    hour_ago = time.time() - 3600
    os.utime(leftover, (hour_ago, hour_ago))
    with store.open_store(settings.processed_dir) as db:
        pipeline.build_reports(settings, db, None, {})
    assert not leftover.exists()
    assert (settings.reports_dir / "index.html").is_file()


# --- size -------------------------------------------------------------------------------------------
def tiny_corpus(n_threads: int) -> dict[str, pl.DataFrame]:
    """``n_threads`` short threads (authored texts, four posts each) in one set of frames."""
    parts = [
        bu.make_frames(
            f"tiny-{i:04d}",
            [f"Authored post {j} of tiny thread {i}: an opinion on the pacts." for j in range(4)],
            ["pro_us", "pro_ussr", "neutralist", "none"],
            authors=[f"member{(i + j) % 7}" for j in range(4)],
            quotes=[(2, 1)],
            title=f"Tiny thread {i}",
        )
        for i in range(n_threads)
    ]
    return {name: pl.concat([p[name] for p in parts]) for name in ("threads", "posts", "quotes", "classified")}


@pytest.mark.slow
def test_thousand_thread_reports_folder_stays_small(tmp_path, monkeypatch):
    """The issue's size bound: a 1,000-thread corpus's reports folder is at most 60 MB, because
    the chart library is one shared file written once, not a copy inside every page."""
    corpus = tiny_corpus(1000)
    tables = shifts.compute_shifts(corpus["posts"], corpus["quotes"], corpus["classified"])
    by_thread = {
        name: frame.partition_by("thread_id", as_dict=True)
        for name, frame in {**corpus, **tables}.items()
        if name != "threads"
    }
    writes = []
    real_write = assets.write_intact
    monkeypatch.setattr(assets, "write_intact", lambda *a, **k: writes.append(a[0]) or real_write(*a, **k))
    assets._verified.clear()
    out = tmp_path / "reports"
    for thread in corpus["threads"].iter_rows(named=True):
        key = (thread["thread_id"],)
        own = {name: parts.get(key) for name, parts in by_thread.items()}  # None: no rows
        metric = {name: own[name] for name in tables}
        report.write_thread_report(thread, own["posts"], own["classified"], metric, out, RUN_META)
    report.write_index(corpus["threads"], tables["thread_summary"], out, RUN_META)
    files = [p for p in out.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    assert len([p for p in files if p.suffix == ".html"]) == 1001
    assert len(writes) == 1 and len(list((out / "assets").iterdir())) == 1
    assert total <= 60_000_000, total
    print(f"1,000 threads: reports folder {total / 1e6:.1f} MB in {len(files)} files")


def test_first_evaluation_page_is_linked_from_the_existing_index(tmp_path, monkeypatch):
    """The index is written before a run's evaluation: writing the folder's first evaluation
    page rewrites the index so it links the page; later evaluations leave the index alone."""
    import discourse.stance.evaluate as evaluate_mod
    from discourse import model_evaluation
    from discourse.config import Settings
    from test_stance_evaluate import _fake_results

    threads, summaries = index_inputs()
    tables = {"threads": threads, "thread_summary": summaries, "posts": pl.DataFrame({"post_id": ["1"]}),
              "quotes": pl.DataFrame()}
    monkeypatch.setattr(model_evaluation.store, "read_tables", lambda folder, names: {name: tables[name] for name in names})
    monkeypatch.setattr(evaluate_mod, "run_evaluation", lambda *args, **kwargs: _fake_results())
    settings = Settings.default(tmp_path)
    settings.labels_dir.mkdir(parents=True)
    index = report.write_index(threads, summaries, settings.reports_dir, RUN_META)
    assert 'href="evaluation.html"' not in index.read_text(encoding="utf-8")
    _text, paths = model_evaluation.evaluate_model(settings, {"model_version": "m1"})
    assert index in paths and 'href="evaluation.html"' in index.read_text(encoding="utf-8")
    before = index.stat().st_mtime_ns, index.stat().st_ino
    _text, paths = model_evaluation.evaluate_model(settings, {"model_version": "m1"})
    assert index not in paths and (index.stat().st_mtime_ns, index.stat().st_ino) == before


@pytest.mark.parametrize("command", ["run", "report"])
def test_standalone_flag_reaches_the_settings(command):
    from discourse.cli import build_parser, settings_from

    assert settings_from(build_parser().parse_args([command])).standalone is False
    assert settings_from(build_parser().parse_args([command, "--standalone"])).standalone is True


def test_data_block_is_packed_and_unpacks_to_the_page_data(tmp_path):
    # The block is the page's JSON compressed (raw DEFLATE) under base64: a third of the JSON's
    # size for a thread of 120 posts, and the renderer's own unpacking agrees with the hand-made one.
    from discourse.report.render import pack_json, unpack_json

    frames = bu.synthetic_thread(120)
    page = write(frames, tmp_path).read_text(encoding="utf-8")
    data = page_data(page)
    packed = DATA_BLOCK.search(page).group(1)
    assert unpack_json(packed) == data and unpack_json(pack_json(data)) == data
    plain = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert len(packed) < 0.6 * len(plain), (len(packed), len(plain))
    # JSON has no NaN or infinity: written as null, never as a bare token the page cannot parse
    assert unpack_json(pack_json({"x": float("nan"), "y": [float("inf"), 1.5]})) == {"x": None, "y": [None, 1.5]}


def test_a_pages_float_columns_reach_the_page_with_nan_and_infinities_as_null() -> None:
    # Guards the page's datasets, whose lists keep NaN and infinities for pack_json to write
    # as null (columnar's own pass over them is skipped there).
    from discourse.report.render import ChartBlock, columnar, pack_json, unpack_json
    from discourse.report.render import page_data as build_page_data

    frame = pl.DataFrame({"x": [1.5, float("nan"), float("inf"), None], "n": [1, 2, None, 4]})
    block = ChartBlock("chart-x", {"mark": "point"}, {"points": frame})
    data = unpack_json(pack_json(build_page_data([block], "svg", None)))
    assert data["datasets"]["points"] == {"columns": ["x", "n"], "n": 4, "values": [[1.5, None, None, None], [1, 2, None, 4]]}
    assert data["datasets"]["points"] == columnar(frame)

"""Thread pages, the index page and image export, checked as files (no browser here)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest

import browser_util as bu
from discourse import report, schema, shifts

RUN_META = {
    "model_version": "stance-test+abc123",
    "generated_at": "2024-05-01 12:00 UTC",
    "metrics": {"f_avg": 0.61, "accuracy": 0.7, "confusion": [[1, 2], [3, 4]]},
}
SCRIPT = re.compile(r"<script([^>]*)>(.*?)</script>", re.S | re.I)


def write(frames: dict[str, pl.DataFrame], out: Path, *, tables="compute") -> Path:
    if tables == "compute":
        tables = shifts.compute_shifts(frames["posts"], frames["quotes"], frames["classified"])
    thread = frames["threads"].to_dicts()[0]
    return report.write_thread_report(
        thread, frames["posts"], frames["quotes"], frames["classified"], tables, out, RUN_META
    )


def page_data(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="discourse-data">(.*?)</script>', page, re.S)
    assert match
    return json.loads(match.group(1))


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


def assert_self_contained(page: str) -> None:
    lowered = page.lower()
    for needle in ("cdn.", "unpkg", "jsdelivr", "googleapis", "@import"):
        assert needle not in lowered, needle
    audit = TagAudit()
    audit.feed(page)
    for tag, attrs in audit.tags:
        assert tag in ALLOWED_TAGS, tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert "src" not in attrs, (tag, attrs)
        href = attrs.get("href")
        if href is not None:
            assert re.fullmatch(r"[\w.%-]+\.html|https?://\S+", href), href
    scripts = [attrs for tag, attrs in audit.tags if tag == "script"]
    assert len(scripts) == 3 and scripts[0] == {"type": "application/json", "id": "discourse-data"}
    assert "vegaEmbed" in page


def test_thread_page_is_self_contained(tmp_path):
    path = write(bu.tea_stall_thread(), tmp_path)
    assert path == tmp_path / "tea-stall.html"
    page = path.read_text(encoding="utf-8")
    assert_self_contained(page)
    assert "Tea-stall argument about the 1954 pacts" in page
    assert "stance-test+abc123" in page and "f avg 0.61" in page
    assert 'href="evaluation.html"' in page and 'href="index.html"' in page
    for section in ("stance", "sentiment", "quotes", "authors", "stance_sentiment"):
        assert f'id="chart-{section}"' in page
    assert 'id="detail-body"' in page
    assert not list(tmp_path.glob(".tmp-*"))


def test_scripts_are_allowed_by_hash_only(tmp_path):
    page = write(bu.tea_stall_thread(), tmp_path).read_text(encoding="utf-8")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("style-src")[0]
    scripts = SCRIPT.findall(page)
    assert len(scripts) == 3
    for attrs, body in scripts:
        if "application/json" in attrs:
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


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


def test_pages_reuse_compiled_layouts_and_hash_the_bundle_once(tmp_path, monkeypatch):
    """Regression guard for the page speed-up (~0.4 s → ~20 ms a page): once a layout is
    compiled, writing a page calls no Altair at all, and the ~1 MB bundle is hashed once per
    process, not once per page."""
    import altair as alt

    frames = bu.seed_like_thread()
    write(frames, tmp_path / "warm")  # compiles this shape's layouts (and builds the bundle)
    hashed = []
    real_sha256 = report._sha256
    monkeypatch.setattr(report, "_sha256", lambda text: hashed.append(len(text)) or real_sha256(text))
    report._csp.cache_clear()

    def no_altair(*args, **kwargs):
        raise AssertionError("a page compiled an Altair chart")

    monkeypatch.setattr(alt.utils.schemapi.SchemaBase, "to_dict", no_altair)
    monkeypatch.setattr(report.charts.ChartPlan, "chart", no_altair)
    first = write(frames, tmp_path / "a").read_text(encoding="utf-8")
    second = write(frames, tmp_path / "b").read_text(encoding="utf-8")
    assert first == second
    assert len(hashed) == 2  # the bundle and the page script, once for both pages
    data = page_data(first)
    for chart in data["charts"]:
        assert "values" not in json.dumps(chart["spec"])  # rows only in page.datasets
        config = chart["spec"]["config"]
        assert config["font"] == report.PAGE_STYLE["font"] and config["view"]["stroke"] == "#dddddd"


def test_hostile_text_is_escaped(tmp_path):
    frames = bu.hostile_thread()
    page = write(frames, tmp_path).read_text(encoding="utf-8")
    assert_self_contained(page)
    # only our three script elements; no payload tag survives anywhere
    assert len(re.findall(r"<script", page, re.I)) == 3
    assert len(re.findall(r"</script", page, re.I)) == 3
    for marker in ("<img", "<svg", "<b>", "<!--", "</title><"):
        assert marker not in markup(page)
    assert "&lt;script&gt;window.__pwned=1;alert(1)&lt;/script&gt;" in page  # title, as text
    assert 'href="javascript:' not in page  # the URL is shown as text, not linked
    # the JSON block has no raw '<', '>' or '&' yet decodes to the exact strings
    block = re.search(r'id="discourse-data">(.*?)</script>', page, re.S).group(1)
    assert not set("<>&") & set(block)
    data = json.loads(block)
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
    assert_self_contained(page)
    data = page_data(page)
    ids = [c["id"] for c in data["charts"]]
    assert "chart-stance" in ids and "chart-sentiment" in ids and "chart-quotes" in ids
    if frames["posts"]["author"].null_count() == frames["posts"].height:
        assert "chart-authors" not in ids
        assert "does not record who wrote each post" in page


def test_tables_are_computed_when_missing(tmp_path):
    frames = bu.tea_stall_thread()
    page = write(frames, tmp_path, tables=None).read_text(encoding="utf-8")
    assert "chart-stance" in page
    other = shifts.compute_shifts(*(bu.seed_like_thread()[k] for k in ("posts", "quotes", "classified")))
    page2 = write(frames, tmp_path, tables=other).read_text(encoding="utf-8")  # wrong thread's tables
    assert page_data(page2)["datasets"][page_data(page2)["detail"]["dataset"]]["n"] == 7


def test_multi_thread_frames_are_filtered(tmp_path):
    one, two = bu.tea_stall_thread(), bu.seed_like_thread()
    both = {k: pl.concat([one[k], two[k]]) for k in ("posts", "quotes", "classified")}
    tables = shifts.compute_shifts(both["posts"], both["quotes"], both["classified"])
    path = report.write_thread_report(
        one["threads"].to_dicts()[0], both["posts"], both["quotes"], both["classified"], tables, tmp_path, {}
    )
    data = page_data(path.read_text(encoding="utf-8"))
    assert data["datasets"][data["detail"]["dataset"]]["n"] == 7


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
    assert_self_contained(page)
    for thread_id in threads["thread_id"]:
        assert f'href="{thread_id}.html"' in page
    assert 'href="evaluation.html"' in page
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
        frames["threads"].to_dicts()[0], frames["posts"], frames["quotes"], frames["classified"], tables, tmp_path, fmt=fmt
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
        report.export_images(frames["threads"].to_dicts()[0], frames["posts"], frames["quotes"], frames["classified"], tables, tmp_path, fmt="gif")


def test_thread_without_posts_still_gets_a_page(tmp_path):
    frames = bu.tea_stall_thread()
    empty = {name: schema.empty(schema.TABLES[name]) for name in ("posts", "quotes", "classified")}
    path = report.write_thread_report(
        frames["threads"].to_dicts()[0], empty["posts"], empty["quotes"], empty["classified"], None, tmp_path, {}
    )
    data = page_data(path.read_text(encoding="utf-8"))
    assert data["datasets"][data["detail"]["dataset"]]["n"] == 0

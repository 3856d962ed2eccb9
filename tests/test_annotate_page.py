"""The offline annotation page: what it holds, that post text stays text, and the full label loop
(export the page, label in headless Chromium, download, import, retrain) in a real browser."""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import re
from html import unescape
from pathlib import Path

import polars as pl
import pytest

import browser_util as bu
from conftest import TINY_THREAD
from discourse import schema, store
from discourse.annotate.page import (
    SENTIMENT_GUIDE,
    STANCE_GUIDE,
    annotation_items,
    export_id,
    export_page,
    post_segments,
    render_page,
    script_json,
)
from discourse.labels import LABEL_COLUMNS, choose_for_labelling
from ingest_util import store_tables


def _processed(tmp_path: Path) -> Path:
    """A processed folder holding the tea-stall and hostile authored threads."""
    processed = tmp_path / "processed"
    for frames in (bu.tea_stall_thread(), bu.hostile_thread()):
        store_tables(processed, frames)
    return processed


def _inline(html: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}>", html, flags=re.S)


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# --- the page's content ---------------------------------------------------------------------------
def test_segments_split_own_words_from_quoted_passages() -> None:
    text = "Quoted first. My own reply. Another quote."
    segments = post_segments(text, [(0, 13), (28, 42), (5, 10), (30, 99)])
    assert segments == [(True, "Quoted first."), (False, " My own reply. "), (True, "Another quote.")]
    assert "".join(piece for _quoted, piece in segments) == text
    assert post_segments("", [(0, 3)]) == []
    assert post_segments("plain", [(4, 2)]) == [(False, "plain")]


def test_script_json_cannot_end_its_script_block() -> None:
    value = {"text": "</script><script>alert(1)</script><!-- & \u2028"}
    text = script_json(value)
    assert not set("<>&\u2028") & set(text)
    assert json.loads(text) == value


def test_guides_follow_the_schemas_labels_with_distinct_keys() -> None:
    assert [label for label, _key, _text in STANCE_GUIDE] == list(schema.STANCES)
    assert [label for label, _key, _text in SENTIMENT_GUIDE] == list(schema.SENTIMENT_LABELS)
    keys = [key for _label, key, _text in STANCE_GUIDE + SENTIMENT_GUIDE]
    assert len(set(keys)) == len(keys) and not set(keys) & {"j", "k", "n"}


def test_items_carry_quote_spans_and_follow_the_choice(tmp_path: Path) -> None:
    processed = _processed(tmp_path)
    tables = {name: store.read_table(processed, name) for name in ("posts", "quotes", "threads", "classified")}
    chosen = choose_for_labelling(tables["posts"], tables["classified"], 50)
    items = annotation_items(chosen, tables["posts"], tables["quotes"], tables["threads"])
    assert [(i["thread_id"], i["post_id"]) for i in items] == list(zip(chosen["thread_id"], chosen["post_id"]))
    by_key = {(i["thread_id"], i["post_id"]): i for i in items}
    quoting = by_key[("tea-stall", "p3")]  # quotes p0: make_frames marks characters 0-10 as quoted
    text = bu.TEA_STALL_TEXTS[3]
    assert quoting["segments"] == [[True, text[:10]], [False, text[10:]]]
    assert by_key[("tea-stall", "p0")]["segments"] == [[False, bu.TEA_STALL_TEXTS[0]]]
    assert quoting["title"] == "Tea-stall argument about the 1954 pacts"
    assert export_id(items) == export_id([dict(i) for i in items]) and len(export_id(items)) == 16


def test_page_is_self_contained_and_post_text_is_only_data(tmp_path: Path) -> None:
    path, n = export_page(_processed(tmp_path), tmp_path / "labels", n=50)
    assert path == tmp_path / "labels" / "to_label.html" and n == 17
    html = path.read_text(encoding="utf-8")
    # No hostile string reaches the markup: every one sits, escaped, in the JSON block.
    for hostile in ("<img src=x", "<svg onload", "window.__pwned=1;alert(1)</script>", "<b><script>"):
        assert hostile not in html
    assert not re.search(r"<[a-z]+[^<>]*\s(src|href|onerror|onload)=", html)  # nothing loads or runs
    assert not re.search(r"https?://", html)
    # The CSP admits exactly the inlined script and style.
    csp = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    [script] = _inline(html, "script")
    [style] = _inline(html, "style")
    assert f"script-src {_csp_hash(script)};" in csp and f"style-src {_csp_hash(style)};" in csp
    assert "default-src 'none'" in csp and "unsafe" not in csp
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "document.write" not in script
    data = json.loads(re.search(r'<script type="application/json" id="annotate-data">(.*?)</script>', html,
                                flags=re.S).group(1))
    assert data["columns"] == list(LABEL_COLUMNS) == ["thread_id", "post_id", "stance", "sentiment", "annotator", "note"]
    texts = {"".join(piece for _q, piece in post["segments"]) for post in data["posts"]}
    assert set(bu.HOSTILE) <= texts
    for label, key, _text in STANCE_GUIDE + SENTIMENT_GUIDE:
        assert f'data-value="{label}" data-key="{key}"' in html


def test_page_leaves_out_posts_already_labelled(tmp_path: Path) -> None:
    processed, labels = _processed(tmp_path), tmp_path / "labels"
    labels.mkdir()
    (labels / "mine.csv").write_text("thread_id,post_id,stance\ntea-stall,p0,pro_us\ntea-stall,p1,\n", encoding="utf-8")
    _path, n = export_page(processed, labels, tmp_path / "page.html", n=50)
    html = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert n == 16 and '"post_id":"p0"' not in html.split('"thread_id":"tea-stall"', 1)[-1][:20]
    posts = json.loads(re.search(r'id="annotate-data">(.*?)</script>', html, flags=re.S).group(1))["posts"]
    assert ("tea-stall", "p0") not in {(p["thread_id"], p["post_id"]) for p in posts}
    assert ("tea-stall", "p1") in {(p["thread_id"], p["post_id"]) for p in posts}  # a row without a stance


def test_render_page_with_no_posts(tmp_path: Path) -> None:
    html = render_page([])
    assert "No posts to label" in html and "0 of 0 labelled" in html


def test_label_export_html_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from discourse.cli import main

    processed = _processed(tmp_path)
    out = tmp_path / "batch.html"
    args = ["label", "export", "--html", "--n", "3", "--processed-dir", str(processed),
            "--labels-dir", str(tmp_path / "labels"), "--out", str(out)]
    assert main(args) == 0
    assert f"annotation page for 3 post(s) to {out}" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8").count('"segments"') == 3
    empty = tmp_path / "empty"
    assert main(["label", "export", "--html", "--processed-dir", str(empty), "--labels-dir", str(empty)]) == 3
    assert "no classified posts" in capsys.readouterr().err


# --- the loop in a real browser -------------------------------------------------------------------
#: Authored thread (project's own words) in JSONL, with hostile texts among ordinary posts and a
#: reply that repeats the first post's paragraph before its own words.
LOOP_POSTS = [
    "Taking American wheat and arms in the fifties was the sensible choice for a poor new state.",
    "<img src=x onerror=\"window.__pwned=1;alert(1)\">",
    "</script><script>window.__pwned=1;alert(1)</script>",
    "Taking American wheat and arms in the fifties was the sensible choice for a poor new state.\n\n"
    "I disagree: Moscow would have built the dams and steel mills with fewer strings attached.",
    "Neither camp deserved us; trading with both would have served the country best.",
    "Does anyone know when the first Soviet aid agreement with Karachi was signed?",
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project root whose raw folder (tiny XenForo thread + the JSONL thread) is ingested and
    classified through the CLI."""
    from discourse.cli import main

    root = tmp_path_factory.mktemp("annotate-loop")
    raw = root / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / "seato-tiny.txt").write_text(TINY_THREAD, encoding="utf-8")
    rows = [{"thread_id": "loop-thread", "post_id": str(i), "author": f"member{i % 3}", "text": text}
            for i, text in enumerate(LOOP_POSTS)]
    (raw / "loop.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert main(["ingest", "--root", str(root)]) == 0
    assert main(["classify", "--root", str(root)]) == 0
    return root


needs_chromium = pytest.mark.skipif(
    not bu.chromium_available(), reason=f"Chromium not found at {bu.CHROMIUM} (apt-get install chromium)"
)


@pytest.fixture
def chromium(tmp_path: Path):
    """A headless Chromium context from Debian's binary: offline, downloads accepted, and every
    request other than file:, data: and blob: refused and recorded in ``context.blocked``."""
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []

    def guard(route) -> None:  # noqa: ANN001
        if route.request.url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(bu.CHROMIUM), args=bu.CHROMIUM_ARGS,
            headless=True, offline=True, accept_downloads=True, viewport={"width": 1200, "height": 900},
        )
        context.route("**/*", guard)
        context.blocked = blocked  # type: ignore[attr-defined]
        yield context
        context.close()


def _open(context, path: Path):  # noqa: ANN001, ANN202
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type in ("error", "warning") and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("dialog", lambda d: (page.problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_selector("#post-text span")
    return page


def _shown_text(page) -> str:  # noqa: ANN001
    return page.locator("#post-text").text_content()


@pytest.mark.browser
@needs_chromium
def test_label_loop_in_chromium(project: Path, chromium, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Label three posts by clicking and one by keys, reload (autosave), download the CSV,
    import it unchanged, retrain: the model's metadata counts the four labels."""
    from discourse.cli import main

    assert main(["label", "export", "--html", "--root", str(project)]) == 0
    page_path = project / "data" / "labels" / "to_label.html"
    page = _open(chromium, page_path)
    posts = page.evaluate("JSON.parse(document.getElementById('annotate-data').textContent).posts")
    n = len(posts)
    assert n >= 6
    assert page.locator("#progress").text_content() == f"0 of {n} labelled"
    assert page.locator("#download").is_disabled()

    page.fill("#annotator", "team-test")
    clicks = [("pro_us", "positive"), ("pro_ussr", "negative"), ("neutralist", None)]
    for stance, sentiment in clicks:
        page.click(f"button.choice[data-value='{stance}']")
        if sentiment:
            page.click(f"button.choice[data-value='{sentiment}']")
        if stance == "pro_ussr":
            page.fill("#note", 'says "Moscow", then\na second line, with commas')
        page.click("#next")
    page.keyboard.press("4")  # none
    page.keyboard.press("w")  # neutral
    page.keyboard.press("e")  # negative replaces neutral ...
    page.keyboard.press("e")  # ... and pressing it again clears it
    assert page.locator("button.choice[data-value='none']").get_attribute("aria-pressed") == "true"
    assert page.locator("#progress").text_content() == f"4 of {n} labelled"

    page.reload()
    page.wait_for_selector("#post-text span")
    assert page.locator("#progress").text_content() == f"4 of {n} labelled"
    assert page.input_value("#annotator") == "team-test"
    assert page.locator("#position").text_content() == f"Post 4 of {n}"
    assert page.locator("button.choice[data-value='none']").get_attribute("aria-pressed") == "true"
    page.keyboard.press("k")
    page.keyboard.press("k")
    assert page.input_value("#note") == 'says "Moscow", then\na second line, with commas'

    with page.expect_download() as download:
        page.click("#download")
    csv_path = tmp_path / download.value.suggested_filename
    download.value.save_as(csv_path)
    with open(csv_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(LABEL_COLUMNS)
    expected = [(p["thread_id"], p["post_id"]) for p in posts[:4]]
    assert [(r["thread_id"], r["post_id"]) for r in rows] == expected
    assert [(r["stance"], r["sentiment"]) for r in rows] == [
        ("pro_us", "positive"), ("pro_ussr", "negative"), ("neutralist", ""), ("none", ""),
    ]
    assert {r["annotator"] for r in rows} == {"team-test"}
    assert rows[1]["note"] == 'says "Moscow", then\na second line, with commas'
    assert page.problems == [] and chromium.blocked == []

    capsys.readouterr()
    assert main(["label", "import", str(csv_path), "--root", str(project)]) == 0
    assert "imported 4 label(s)" in capsys.readouterr().out
    assert main(["train", "--root", str(project)]) == 0
    assert f"labels: 4 of 4 label row(s) in {project / 'data' / 'labels'} matched" in capsys.readouterr().out
    side = json.loads((project / "models" / "stance.json").read_text(encoding="utf-8"))
    assert (side["labels_matched"], side["labels_unmatched"], side["n_user_labels"]) == (4, 0, 4)

    # The next page leaves the four labelled posts out.
    assert main(["label", "export", "--html", "--root", str(project)]) == 0
    again = _open(chromium, page_path)
    remaining = again.evaluate("JSON.parse(document.getElementById('annotate-data').textContent).posts")
    assert {(p["thread_id"], p["post_id"]) for p in remaining}.isdisjoint(expected)


@pytest.mark.browser
@needs_chromium
def test_hostile_posts_render_as_text_and_run_nothing(project: Path, chromium, tmp_path: Path) -> None:
    from discourse.cli import main

    out = tmp_path / "hostile.html"
    # A labels folder of its own: every post of the project is on the page, labelled or not.
    args = ["--root", str(project), "--labels-dir", str(tmp_path / "labels"), "--out", str(out)]
    assert main(["label", "export", "--html", *args]) == 0
    page = _open(chromium, out)
    posts = page.evaluate("JSON.parse(document.getElementById('annotate-data').textContent).posts")
    shown = []
    for index in range(len(posts)):
        if index:
            page.keyboard.press("j")
        shown.append(_shown_text(page))
    texts = {(p["thread_id"], p["post_id"]): "".join(piece for _q, piece in p["segments"]) for p in posts}
    assert shown == list(texts.values())
    assert LOOP_POSTS[1] in shown and LOOP_POSTS[2] in shown
    # The reply's repeat of the first post is greyed as a quote; its own words are not.
    reply = [p for p in posts if p["thread_id"].endswith("loop-thread") and p["post_id"] == "3"]
    assert [quoted for quoted, _piece in reply[0]["segments"]] == [True, False]
    assert reply[0]["segments"][0][1].strip() == LOOP_POSTS[0]
    page.click(f"#overview li:nth-child({posts.index(reply[0]) + 1}) button")
    assert page.locator("#post-text .quoted").text_content().strip() == LOOP_POSTS[0]
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img, svg, iframe, object, embed").count() == 0
    assert page.locator("script").count() == 2
    assert page.problems == [] and chromium.blocked == []

"""Write the offline annotation page: chosen posts, the guide's labels, a CSV to download.

The page is one self-contained HTML file. It opens from ``file://`` with networking off and
makes no request: its style and script are package files inlined when the page is written.

Post text is untrusted and is only ever text:

* the page is rendered by a Jinja2 environment with autoescape on; post data never goes into
  the template as markup but into one ``<script type="application/json">`` block whose JSON
  has ``<``, ``>``, ``&``, U+2028 and U+2029 written as ``\\uXXXX`` escapes, so no post can end
  the block (``</script>``) or open a comment in it;
* the script builds every post element with ``textContent``, never ``innerHTML``;
* a Content-Security-Policy allows exactly the page's own inline script and style (by their
  SHA-256 hashes) and forbids every fetch, so an injected script or event handler would be
  refused even if escaping failed.

What a person downloads is a label CSV with the columns ``discourse label import`` reads
(:data:`discourse.label_folder.LABEL_COLUMNS`), one row per post given a stance.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from discourse import schema
from discourse.atomic import write_text_atomic
from discourse.label_export import choose_for_labelling
from discourse.label_folder import LABEL_COLUMNS
from discourse.schema import OWN_TEXT, SPAN_END, SPAN_START, TEXT, TITLE

#: Longest post text put on the page; longer posts are cut with a note saying how much.
MAX_POST_CHARS = 20_000

#: The guide's four stance labels in short (docs/annotation.md, sections 1 and 2), with keys.
STANCE_GUIDE: tuple[tuple[str, str, str], ...] = (
    ("pro_us", "1", "The author's verdict: the United States or the West was, or is, the better partner."),
    ("pro_ussr", "2", "The author's verdict: the Soviet Union, or Russia today, was or would have been "
                      "the better partner; includes regret at not going with Moscow."),
    ("neutralist", "3", "The author wants neither bloc: non-alignment, equal distance, balancing the powers."),
    ("none", "4", "No verdict on alignment: narration, explanation, questions, thanks, jokes, "
                  "India-Pakistan sniping. Choose it when no words carry a verdict."),
)
#: The guide's three sentiment labels in short (docs/annotation.md, section 4), with keys.
SENTIMENT_GUIDE: tuple[tuple[str, str, str], ...] = (
    ("positive", "q", "Approval, praise, pride, hope, warm agreement, amusement."),
    ("neutral", "w", "Calm narration, explanation, questions, argument; or mixed tone that cancels out."),
    ("negative", "e", "Complaint, anger, regret, bitterness, scorn, mockery."),
)
#: Reminders from the guide's decision rules shown beside the definitions.
GUIDE_RULES: tuple[str, ...] = (
    "Label the author's own words; grey passages are quoted from other posts and do not count.",
    "A verdict, not a topic: attacking one side is not support for the other.",
    "When a post weighs both sides, its final judgement decides.",
    "Counterfactuals and sarcasm count for what they mean.",
    "Sentiment is the tone of the own words, independent of the stance.",
)


def post_segments(text: str, spans: list[tuple[int, int]]) -> list[tuple[bool, str]]:
    """Split ``text`` into (quoted, piece) runs; ``spans`` are quote offsets, end exclusive.

    Overlapping and nested spans merge; offsets outside the text are clipped; empty pieces
    are dropped. Joining the pieces gives ``text`` back.
    """
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in spans if s is not None and e is not None):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces, at = [], 0
    for start, end in merged:
        pieces += [(False, text[at:start]), (True, text[start:end])]
        at = end
    pieces.append((False, text[at:]))
    return [(quoted, piece) for quoted, piece in pieces if piece]


def annotation_items(
    chosen: pl.DataFrame, posts: pl.DataFrame, quotes: pl.DataFrame, threads: pl.DataFrame
) -> list[dict[str, Any]]:
    """The page's post records, in ``chosen`` order.

    ``chosen`` has ``thread_id`` and ``post_id`` (from :func:`choose_for_labelling`). Each
    record holds the ids, the thread title, the post's position, and ``segments``: the post's
    text as [quoted, text] pairs (quoted passages per the quotes table); ``cut`` counts the
    characters left off past :data:`MAX_POST_CHARS`. Joins only: linear in the tables.
    """
    keys = [schema.THREAD_ID, schema.POST_ID]
    spans = (
        quotes.join(chosen.select(keys), on=keys, how="semi")
        .group_by(keys)
        .agg(pl.struct(SPAN_START, SPAN_END).alias("spans"))
    )
    titles = threads.select(schema.THREAD_ID, TITLE).unique(schema.THREAD_ID, keep="first")
    rows = (
        chosen.select(keys)
        .join(posts.select(*keys, schema.POSITION, TEXT, OWN_TEXT), on=keys, how="left", maintain_order="left")
        .join(spans, on=keys, how="left", maintain_order="left")
        .join(titles, on=schema.THREAD_ID, how="left", maintain_order="left")
    )
    items = []
    for row in rows.iter_rows(named=True):
        text = row[TEXT] if row[TEXT] is not None else (row[OWN_TEXT] or "")
        pairs = [(s[SPAN_START], s[SPAN_END]) for s in row["spans"] or []]
        segments = post_segments(text[:MAX_POST_CHARS], pairs)
        items.append({
            "thread_id": row[schema.THREAD_ID],
            "post_id": row[schema.POST_ID],
            "position": row[schema.POSITION],
            "title": row[TITLE] or "",
            "segments": [[quoted, piece] for quoted, piece in segments],
            "cut": max(0, len(text) - MAX_POST_CHARS),
        })
    return items


def export_id(items: list[dict[str, Any]]) -> str:
    """A short id of the chosen posts: the page's autosave key and its CSV's name.

    The same posts give the same id, so reopening (or rewriting) a page resumes its labels.
    """
    digest = hashlib.sha256()
    for item in items:
        digest.update(f"{item['thread_id']}\x1f{item['post_id']}\x1e".encode())
    return digest.hexdigest()[:16]


def script_json(value: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` left.

    The HTML tokenizer ends a script at ``</script`` and treats ``<!--`` specially in it
    (HTML Living Standard, "script data state"); JSON's ``\\uXXXX`` escapes read back the same.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def _static(name: str) -> str:
    return (resources.files("discourse.annotate") / "static" / name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def render_page(items: list[dict[str, Any]], *, created_at: str | None = None) -> str:
    """Return the annotation page for ``items`` (from :func:`annotation_items`) as HTML."""
    from jinja2 import Environment, PackageLoader, StrictUndefined
    from markupsafe import Markup

    script, style = _static("annotate.js"), _static("annotate.css")
    for name, text in (("annotate.js", script), ("annotate.css", style)):
        # Inlined verbatim (the CSP hash covers the exact text), so it must not end its element.
        if "</" in text:
            raise ValueError(f"static/{name} must not contain '</'")
    csp = (
        "default-src 'none'; "
        f"script-src {_csp_hash(script)}; style-src {_csp_hash(style)}; "
        "img-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'"
    )
    ident = export_id(items)
    data = {
        "export_id": ident,
        "created_at": created_at or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "columns": list(LABEL_COLUMNS),
        "stances": [s for s, _k, _d in STANCE_GUIDE],
        "sentiments": [s for s, _k, _d in SENTIMENT_GUIDE],
        "posts": items,
    }
    env = Environment(
        loader=PackageLoader("discourse.annotate", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template("annotate.html.j2").render(
        csp=csp,
        export_id=ident,
        n_posts=len(items),
        created_at=data["created_at"],
        stance_guide=STANCE_GUIDE,
        sentiment_guide=SENTIMENT_GUIDE,
        rules=GUIDE_RULES,
        data_json=Markup(script_json(data)),
        script=Markup(script),
        style=Markup(style),
    )


def export_page(
    processed_dir: Path, labels_dir: Path, out: Path | None = None, n: int = 50
) -> tuple[Path, int]:
    """Write the annotation page for the ``n`` posts most worth labelling; return (path, posts).

    Posts come from the processed folder's tables, chosen by :func:`choose_for_labelling`;
    posts already labelled in ``labels_dir`` are left out. The page goes to ``out`` (default
    ``labels_dir/to_label.html``), written atomically. Raises ``FileNotFoundError`` when
    nothing is classified yet.
    """
    from discourse import store
    from discourse.stance.train import load_label_files

    classified = store.read_table(processed_dir, "classified")
    if classified.is_empty():
        raise FileNotFoundError(f"no classified posts in {processed_dir}; run 'discourse run' first")
    posts = store.read_table(processed_dir, "posts")
    chosen = choose_for_labelling(posts, classified, n, labelled=load_label_files(labels_dir))
    items = annotation_items(
        chosen, posts, store.read_table(processed_dir, "quotes"), store.read_table(processed_dir, "threads")
    )
    path = Path(out) if out is not None else Path(labels_dir) / "to_label.html"
    return write_text_atomic(path, render_page(items)), len(items)

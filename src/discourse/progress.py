"""Progress bars for long commands, drawn on stderr only when it is a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def progress_bar(label: str, *, counted: bool = False) -> Iterator[Callable[..., None]]:
    """Yield ``advance(name)`` (or ``advance(name, done, total)`` when ``counted``).

    On a terminal this draws a rich progress bar; otherwise (CI, pipes, tests) it prints
    nothing, so logs stay clean.
    """
    if not sys.stderr.isatty():
        yield lambda *_args: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns: list[Any] = [TextColumn(f"[bold]{label}[/]"), BarColumn(), TimeElapsedColumn(), TextColumn("{task.description}")]
    if counted:
        columns.insert(2, MofNCompleteColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("", total=None)

        def advance(name: str, done: int | None = None, total: int | None = None) -> None:
            if total is not None:
                bar.update(task, total=total, completed=done, description=name[-50:])
            else:
                bar.update(task, advance=1, description=name[-50:])

        yield advance

"""Shift analytics: how the stance of a debate moves along its threads.

Every function here is pure: Polars frames in, Polars frames out, no I/O. Frames may hold
many threads; every window, shift and count is taken within one thread, so posts of two
threads are never mixed. The cost is linear in the number of posts.

The one entry point is :func:`compute_shifts`, which returns every table at once; the modules
behind it are its steps, each a Polars query:

* :mod:`.stances` — the posts joined to their stances and scores (:func:`join_stances`), and
  the stance rules below as expressions (sided, relation, majority, share) with
  :func:`rolling_mean_expr`;
* :mod:`.rolling` — trailing-window and cumulative shares (the ``shifts`` table);
* :mod:`.change_points` — where the rolling majority changes;
* :mod:`.edges` — quote edges and ``transitions``;
* :mod:`.authors` — ``author_tracks``; :mod:`.summary` — ``thread_summary``;
* :mod:`.compute` — :func:`compute_shifts`, which runs them together.

How the work is split. The pipeline calls :func:`compute_shifts` once per batch of files (a few
thousand posts of tens of threads; :func:`discourse.pipeline.batch_entries`), so the fixed cost
of each Polars call is paid once per batch, not once per thread. Every count, share, window,
majority and join is a Polars expression over the whole batch, windows taken ``over`` the
thread, and all five tables come from one ``collect_all``: no step makes a Python object per
post, so the cost per post does not grow with what else the process holds. Shares are integer
counts divided in Polars, and the means are Polars' own, so the floats do not depend on how
the rows were batched. A thread's tables are the same whatever threads share its call.

Conventions, used throughout and described for readers in ``docs/dashboards.md``:

* A post's stance comes from the classified table. A post with no classification row, or a
  null stance, counts as ``none``.
* *Classified* posts are the ones that take a side: stance ``pro_us``, ``pro_ussr`` or
  ``neutralist``. ``none`` posts sit in the window but never in a share's denominator.
* The rolling window is *trailing*: at position ``i`` it covers the ``window`` posts ending at
  ``i`` (fewer at the start of a thread). ``window_n`` is the number of classified posts in it;
  every rolling share is ``null`` when ``window_n`` is 0.
* ``roll_majority`` is the stance with the most posts in the window; it is ``null`` when the
  window has no classified post or when two stances tie for the top.
* A *change point* is a position where the rolling majority is set and differs from the last
  majority that was set before it. Null stretches (ties, empty windows) are skipped over, not
  treated as a stance: ``pro_us, null, null, pro_ussr`` is one change point (at the
  ``pro_ussr`` position, before ``pro_us``), and ``pro_us, null, pro_us`` is none. The first
  majority of a thread is not a change point.
* Quote edges: one edge per distinct (quoting post, quoted post) pair in the same thread. A
  post that quotes the same post several times gives one edge; a post that quotes several
  posts gives one edge per quoted post. Quotes whose ``quoted_post_id`` is null, points to a
  post not in the table, or to the post itself, are skipped. The ``transitions`` table holds
  every edge (its rows with a ``quoted_post_id``), so pages read the edges from it.
* Relations between two stances: ``agree`` when both are the same sided stance, ``disagree``
  when both are sided and differ, ``other`` when either is ``none``.
* Posts are matched on (thread id, post id) as a Polars join matches them: a null id matches
  nothing, and a repeated one matches every row that holds it.
"""

from __future__ import annotations

from discourse.shifts.compute import compute_shifts
from discourse.shifts.rolling import DEFAULT_WINDOW
from discourse.shifts.stances import join_stances, rolling_mean_expr

__all__ = [
    "DEFAULT_WINDOW",
    "compute_shifts",
    "join_stances",
    "rolling_mean_expr",
]

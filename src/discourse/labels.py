"""Export posts for labelling, import labelled CSVs safely, and match labels to posts.

One import for the whole labelling workflow; each part lives in its own module:

* :mod:`discourse.label_folder` — where label files live (:func:`label_files`,
  :func:`second_annotation_files`), their columns, and :class:`LabelFileError`;
* :mod:`discourse.label_export` — :func:`choose_for_labelling` picks the posts the model is
  least sure about, taking them in turn from each thread; :func:`export_for_labelling` turns
  them into a CSV a person fills in (the annotation page of :mod:`discourse.annotate` shows the
  same choice);
* :mod:`discourse.label_import` — :func:`import_labels` checks every row and only then writes
  one new CSV into the labels folder, atomically. One bad row rejects the whole file and the
  error lists every bad row with its line number, so nothing half-imported can reach training;
* :mod:`discourse.label_match` — :func:`match_labels` says which label rows name an ingested
  post and, for those that do not, the nearest ingested thread id.
"""

from __future__ import annotations

from discourse.label_export import (
    EXCERPT_CHARS,
    EXPORT_COLUMNS,
    choose_for_labelling,
    export_for_labelling,
    write_for_labelling,
)
from discourse.label_folder import (
    AGREEMENT_DIR,
    LABEL_COLUMNS,
    REQUIRED_COLUMNS,
    LabelFileError,
    label_files,
    second_annotation_files,
)
from discourse.label_import import LabelImportError, import_labels, validate_labels
from discourse.label_match import (
    LISTED_GROUPS,
    LISTED_POST_IDS,
    MIN_AFFIX,
    LabelMatch,
    LabelMatchError,
    UnmatchedLabels,
    match_labels,
    nearest_thread_id,
)

__all__ = [
    "AGREEMENT_DIR",
    "EXCERPT_CHARS",
    "EXPORT_COLUMNS",
    "LABEL_COLUMNS",
    "LISTED_GROUPS",
    "LISTED_POST_IDS",
    "MIN_AFFIX",
    "REQUIRED_COLUMNS",
    "LabelFileError",
    "LabelImportError",
    "LabelMatch",
    "LabelMatchError",
    "UnmatchedLabels",
    "choose_for_labelling",
    "export_for_labelling",
    "import_labels",
    "label_files",
    "match_labels",
    "nearest_thread_id",
    "second_annotation_files",
    "validate_labels",
    "write_for_labelling",
]

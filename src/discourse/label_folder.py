"""Where label files live and what they hold.

The gold and user label CSVs sit directly in the labels folder; second annotations sit in its
``agreement`` sub-folder. :data:`LABEL_COLUMNS` is a label file's columns and
:data:`REQUIRED_COLUMNS` the ones an imported file must have. :class:`LabelFileError` is what
any reader raises for a label file that cannot be read.
"""

from __future__ import annotations

from pathlib import Path

from discourse import schema
from discourse.schema import STANCE

REQUIRED_COLUMNS = (schema.THREAD_ID, schema.POST_ID, STANCE)
#: The columns of a label file, in order (docs/annotation.md, "Label files").
LABEL_COLUMNS = tuple(schema.LABELS)


#: Sub-folder of the labels folder holding second annotations of gold units: compared with the
#: gold by the evaluation, never trained on.
AGREEMENT_DIR = "agreement"


def label_files(labels_dir: Path) -> list[Path]:
    """The gold and user label CSVs: ``*.csv`` directly in ``labels_dir``, sorted."""
    labels_dir = Path(labels_dir)
    return sorted(labels_dir.glob("*.csv")) if labels_dir.is_dir() else []


def second_annotation_files(labels_dir: Path) -> list[Path]:
    """The second annotations: ``*.csv`` in ``labels_dir/agreement``, sorted."""
    return label_files(Path(labels_dir) / AGREEMENT_DIR)


class LabelFileError(ValueError):
    """A label CSV in the labels folder cannot be read; the message names the file and why."""

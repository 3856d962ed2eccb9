"""The Prefect flow of discourse (package ``flows``): the only code that imports Prefect.

:func:`discourse_pipeline` runs the library's pipeline (:mod:`discourse.pipeline`) as Prefect
tasks; ``flows/pipeline.py`` is also the deployment entrypoint named in ``prefect.yaml``. The
wheel installs this package beside ``discourse``, so an installed copy runs the flow and its
tasks pickle by reference. Importing it imports Prefect, which reads its settings then: the
CLI calls :func:`discourse.orchestrate.set_prefect_defaults` first.
"""

from flows.pipeline import (
    FLOW_NAME,
    discourse_pipeline,
    flow_parameters,
    publish_artifacts,
    retry_on_io_error,
    run_pipeline_flow,
    serve_pipeline,
    summary_markdown,
)

__all__ = [
    "FLOW_NAME",
    "discourse_pipeline",
    "flow_parameters",
    "publish_artifacts",
    "retry_on_io_error",
    "run_pipeline_flow",
    "serve_pipeline",
    "summary_markdown",
]

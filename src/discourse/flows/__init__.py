"""The Prefect flow of discourse: the only package that imports Prefect.

:func:`discourse_pipeline` runs the library's pipeline (:mod:`discourse.pipeline`) as Prefect
tasks; ``flows/pipeline.py`` at the repository root re-exports it as the deployment entrypoint
named in ``prefect.yaml``. Importing this package imports Prefect, which reads its settings
then: the CLI calls :func:`discourse.orchestrate.set_prefect_defaults` first.
"""

from discourse.flows.pipeline import (
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

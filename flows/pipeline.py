"""Deployment entrypoint named in ``prefect.yaml``: the flow of the installed ``discourse`` package.

Prefect loads this file by path (``flows/pipeline.py:discourse_pipeline``); the flow itself
lives in :mod:`discourse.flows.pipeline`, so its tasks pickle by reference and any process with
``discourse`` installed (a process worker, a Dask worker) can import them.
"""

from discourse.flows import discourse_pipeline

__all__ = ["discourse_pipeline"]

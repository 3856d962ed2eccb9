"""The optional C extension ``discourse._kernels`` (``src/csrc``; ``discourse.kernels`` lists what
it holds). Everything else about the package is in pyproject.toml.

``optional=True``: where no C compiler is found the install goes on without the extension, and
the same results come from the Python code it would replace.
"""

from setuptools import Extension, setup

KERNELS = ["module", "vader", "split", "negation", "near_sides", "tokens", "rows", "tokenize", "words", "quotes", "sides", "top"]

setup(
    ext_modules=[
        Extension(
            "discourse._kernels",
            sources=[f"src/csrc/{name}.c" for name in KERNELS],
            depends=["src/csrc/kernels.h"],
            optional=True,
        )
    ]
)

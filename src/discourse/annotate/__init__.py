"""The offline annotation page: label chosen posts in a browser, download a CSV to import.

:func:`discourse.annotate.page.export_page` writes the page (``discourse label export --html``).
"""

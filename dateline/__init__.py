"""dateline: news articles in, a dated, deduplicated timeline of events out.

The functional core. Nothing in this package imports Dagster: every stage is a
plain function over plain data and can be used from a notebook.
"""

__version__ = "0.1.0"

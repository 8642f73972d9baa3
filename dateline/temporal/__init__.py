"""Temporal tagging: find TIMEX3 expressions in text and normalise them to dated intervals.

>>> from datetime import date
>>> [m.value for m in tag("They met on Monday.", date(2017, 8, 8))]
['2017-08-07']
"""

from dateline.temporal.mention import Mention
from dateline.temporal.tagger import tag

__all__ = ["Mention", "tag"]

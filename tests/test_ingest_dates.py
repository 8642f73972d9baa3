"""published_at parsing: every form a feed gives, to UTC, with the original offset kept aside."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from dateline.ingest import parse_published_at
from dateline.ingest.dates import check_published_at

T = datetime(2017, 8, 8, 10, 15, tzinfo=UTC)
D = datetime(2017, 8, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "utc", "offset"),
    [
        ("Tue, 08 Aug 2017 10:15:00 GMT", T, "+00:00"),
        ("Tue, 08 Aug 2017 12:15:00 +0200", T, "+02:00"),
        ("Tue, 08 Aug 2017 06:15:00 EDT", T, "-04:00"),
        ("2017-08-08", D, None),
        ("2017-08-08T10:15:00Z", T, "+00:00"),
        ("2017-08-08T12:15:00+02:00", T, "+02:00"),
        ("2017-08-08T15:45:00+05:30", T, "+05:30"),
        ("2017-08-08 10:15:00", T, None),
        ("20170808", D, None),
        (1502187300, T, "+00:00"),
        (1502187300.0, T, "+00:00"),
        ("1502187300", T, "+00:00"),
        (1502187300000, T, "+00:00"),  # milliseconds
        ("8 August 2017", D, None),
        ("August 8, 2017", D, None),
        ("08.08.2017 12:15 +0200", T, "+02:00"),
        (datetime(2017, 8, 8, 12, 15, tzinfo=timezone(timedelta(hours=2))), T, "+02:00"),
        (datetime(2017, 8, 8, 10, 15), T, None),
        (date(2017, 8, 8), D, None),
    ],
)
def test_parse_published_at_table(value: object, utc: datetime, offset: str | None) -> None:
    parsed, original = parse_published_at(value)
    assert parsed == utc
    assert parsed.tzinfo is UTC
    assert original == offset


@pytest.mark.parametrize(
    "value",
    [None, "", "   ", "garbage", "yesterday", "2 days ago", "Monday", "2024", True, float("nan"), float("inf"),
     1e300, [], {}, "9" * 500],
)  # fmt: skip
def test_unparseable_values_give_none(value: object) -> None:
    assert parse_published_at(value) == (None, None)


def test_parsing_does_not_depend_on_today() -> None:
    # Relative expressions would change from run to run; only absolute dates are read.
    assert parse_published_at("today") == (None, None)


@pytest.mark.parametrize(
    ("value", "absurd"),
    [
        (datetime(1899, 12, 31, tzinfo=UTC), True),
        (datetime(1900, 1, 1, tzinfo=UTC), False),
        (datetime(2026, 1, 2, tzinfo=UTC), False),
        (datetime(2026, 1, 3, 0, 0, 1, tzinfo=UTC), True),
        (None, False),
    ],
)
def test_check_published_at(value: datetime | None, absurd: bool) -> None:
    assert (check_published_at(value, now=datetime(2026, 1, 1, tzinfo=UTC)) is not None) is absurd


@pytest.mark.parametrize(
    ("value", "utc"),
    [({"$date": "2017-08-08T10:15:00Z"}, T), ({"$date": 1502187300000}, T), ({"a": {"b": 1}}, None)],
)
def test_wrapped_dates(value: object, utc: datetime | None) -> None:
    assert parse_published_at(value)[0] == utc

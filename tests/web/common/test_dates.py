"""Expiry dates: N calendar months after the award."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from insignia.web.common.dates import add_months


def test_end_of_month_is_clamped() -> None:
    assert add_months(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2027, 12, 31, 9, 30, tzinfo=UTC), 2) == datetime(
        2028, 2, 29, 9, 30, tzinfo=UTC
    )


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    st.integers(min_value=1, max_value=240),
)
def test_add_months_moves_forward_by_whole_months(moment: datetime, months: int) -> None:
    later = add_months(moment, months)
    assert later > moment
    assert (later.year - moment.year) * 12 + later.month - moment.month == months
    assert later.time() == moment.time() and later.day <= moment.day

"""Clocks: a host clock corrected to the shared database's, so skewed hosts agree."""

from datetime import UTC, datetime, timedelta

from bot.clock import CorrectedClock, ManualClock, OffsetClock

T0 = datetime(2022, 10, 24, 14, 0, tzinfo=UTC)


def test_a_host_clock_90_seconds_ahead_reads_the_reference_time():
    host = OffsetClock(ManualClock(T0), timedelta(seconds=90))
    corrected = CorrectedClock(host, reference=lambda: T0, monotonic=lambda: 0.0)
    assert corrected.now() == T0 + timedelta(seconds=90)  # not measured yet: the host's own
    assert corrected.measure()
    assert corrected.now() == T0 and corrected.offset == timedelta(seconds=-90)


def test_a_slow_or_failed_reading_keeps_the_last_offset():
    base = ManualClock(T0)
    ticks = iter([0.0, 0.01, 10.0, 10.5, 20.0, 20.02])  # round trips: 10 ms, 500 ms, 20 ms
    readings = iter([T0 + timedelta(seconds=5), T0 + timedelta(seconds=60), None])
    corrected = CorrectedClock(base, reference=lambda: next(readings), monotonic=lambda: next(ticks))
    assert corrected.measure() and corrected.offset == timedelta(seconds=5, milliseconds=-5)
    assert not corrected.measure()  # 500 ms round trip: could be off by 250 ms, thrown away
    assert not corrected.measure()  # the reference is away
    assert corrected.offset == timedelta(seconds=5, milliseconds=-5)

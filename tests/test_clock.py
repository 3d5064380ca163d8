"""Clocks: a host clock corrected to the shared database's, so skewed hosts agree."""

from datetime import UTC, datetime, timedelta

from bot.clock import CorrectedClock, ManualClock, OffsetClock

T0 = datetime(2022, 10, 24, 14, 0, tzinfo=UTC)


def test_a_host_clock_90_seconds_ahead_reads_the_reference_time():
    host = OffsetClock(ManualClock(T0), timedelta(seconds=90))
    ticks = [0.0]
    corrected = CorrectedClock(host, reference=lambda: T0, every=60, monotonic=lambda: ticks[0])
    assert corrected.now() == T0
    assert corrected.offset == timedelta(seconds=-90)


def test_the_offset_is_measured_again_and_kept_while_the_reference_is_away():
    base = ManualClock(T0)
    ticks = [0.0]
    reference = [T0 + timedelta(seconds=5)]
    corrected = CorrectedClock(base, reference=lambda: reference[0], every=60, monotonic=lambda: ticks[0])
    assert corrected.now() == T0 + timedelta(seconds=5)
    reference[0] = None  # the database cannot be read
    ticks[0] = 61
    assert corrected.now() == T0 + timedelta(seconds=5)  # the last offset stays
    reference[0] = T0 + timedelta(seconds=7)
    ticks[0] = 90  # measured at 61: not yet again
    assert corrected.now() == T0 + timedelta(seconds=5)
    ticks[0] = 122
    assert corrected.now() == T0 + timedelta(seconds=7)

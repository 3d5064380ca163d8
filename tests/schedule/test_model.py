"""Schedule look-ups on the bundled schedule."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.schedule import Schedule, Session, load_schedule
from tests.conftest import SEED

DETROIT = ZoneInfo("America/Detroit")


@pytest.fixture(scope="module")
def schedule() -> Schedule:
    return load_schedule(SEED)[0]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=DETROIT)


def test_lookup_by_id_ignores_case_and_spaces(schedule):
    assert schedule.get(" 1auye ").id == "1Auye"
    assert schedule.get("nope") is None


def test_days_tracks_and_time_order(schedule):
    assert schedule.days == [date(2022, 10, 24), date(2022, 10, 25), date(2022, 10, 26), date(2022, 10, 27)]
    starts = [s.start for s in schedule]
    assert starts == sorted(starts)
    assert [s.id for s in schedule.on_day(date(2022, 10, 26))] == ["182NR"]
    assert "Open Observability Day" in schedule.tracks


def test_track_lookup_exact_then_partial(schedule):
    assert [s.id for s in schedule.in_track("kubernetes on edge day")] == ["1ARMh"]
    assert {s.id for s in schedule.in_track("observability")} == {"1Avqp"}
    assert schedule.in_track("Quantum Day") == []


def test_speaker_lookup_by_full_first_or_last_name(schedule):
    rice = [s.id for s in schedule.by_speaker("Liz Rice")]
    assert rice == ["182NR"]
    assert [s.id for s in schedule.by_speaker("rice")] == rice
    assert {s.id for s in schedule.by_speaker("Raymond")} == {"1ARMh", "1AOju"}
    assert schedule.by_speaker("") == []


def test_now_next_and_overlaps(schedule):
    assert [s.id for s in schedule.running_at(at("2022-10-24T16:30"))] == ["1AuzK", "1Avqp"]
    assert [s.id for s in schedule.next_start(at("2022-10-24T09:00"))] == ["1Auye"]
    assert schedule.next_start(at("2022-10-28T09:00")) == []
    panel = schedule.get("1AuzK")
    assert [s.id for s in schedule.overlapping(panel)] == ["1Avqp"]


def test_sessions_are_immutable_and_zone_aware(schedule):
    session = schedule.get("1Auye")
    with pytest.raises(AttributeError):
        session.title = "changed"  # type: ignore[misc]
    naive = datetime(2022, 10, 24, 9)
    with pytest.raises(ValueError, match="zone-aware"):
        Session(id="x", title="t", start=naive, end=naive)
    with pytest.raises(ValueError, match="ends before it starts"):
        Session(id="x", title="t", start=at("2022-10-24T10:00"), end=at("2022-10-24T10:00") - timedelta(minutes=1))


def test_duplicate_ids_are_refused():
    start = at("2022-10-24T10:00")
    one = Session(id="abc", title="One", start=start, end=start)
    two = Session(id="ABC", title="Two", start=start, end=start)
    with pytest.raises(ValueError, match="duplicate session id"):
        Schedule((one, two), DETROIT)


def test_free_slots_are_the_gaps_between_my_sessions(schedule):
    from bot.conf.agenda import free_slots

    monday = schedule.on_day(date(2022, 10, 24))
    mine = [schedule.get("1Auz2")]  # 13:15-13:45
    slots = free_slots(monday, mine, at("2022-10-24T08:00"))
    assert [
        (f"{s.start.astimezone(DETROIT):%H:%M}", f"{s.end.astimezone(DETROIT):%H:%M}", [x.id for x in s.sessions])
        for s in slots
    ] == [
        ("09:15", "13:15", ["1Auye", "1AOie", "1Auyq"]),  # all over by 13:15
        ("13:45", "17:00", ["1AuzH", "1AuzK", "1Avqp"]),
    ]
    assert free_slots(monday, monday, at("2022-10-24T08:00")) == []
    assert free_slots([], mine, at("2022-10-24T08:00")) == []


def test_a_session_that_runs_into_mine_does_not_fit():
    from bot.conf.agenda import free_slots

    schedule = load_schedule(SEED)[0]
    monday = schedule.on_day(date(2022, 10, 24))
    slots = free_slots(monday, [schedule.get("1Auyq")], at("2022-10-24T10:00"))  # 10:40-11:10
    assert "1AOie" not in [s.id for slot in slots for s in slot.sessions]  # 10:25-10:55 clashes

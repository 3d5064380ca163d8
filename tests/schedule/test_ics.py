"""The iCalendar loader: the four reference exports, then the edge cases one at a time."""

from __future__ import annotations

import pytest

from bot.schedule.ics import decode_ics, load_ics
from bot.schedule.model import Schedule, Session
from bot.schedule.problems import ScheduleError
from tests.conftest import shared_file


def load_shared(name: str, zone: str | None = None):
    path = shared_file(f"ics/{name}")
    return load_ics(str(path), decode_ics(path.read_bytes()), zone)


def only(schedule: Schedule, title_start: str) -> Session:
    found = [s for s in schedule if s.title.startswith(title_start)]
    assert len(found) == 1, [s.title for s in found]
    return found[0]


def check(session: Session, title: str, speakers: list[str], start: str, end: str, location: str | None) -> None:
    assert session.title == title
    assert [s.name for s in session.speakers] == speakers
    assert session.start.isoformat() == start
    assert session.end.isoformat() == end
    assert session.location == location


def calendar(*lines: str, newline: str = "\r\n") -> str:
    return newline.join(["BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR", ""])


# --- the reference files --------------------------------------------------------


def test_pretalx_speakers_come_from_the_summary():
    schedule, warnings = load_shared("pretalx_democon_schedule.ics")
    assert warnings == []
    assert len(schedule) == 36  # 36 VEVENTs, all timed
    assert getattr(schedule.zone, "key", None) == "Europe/Berlin"  # from the VTIMEZONE
    first = schedule.get("XFUR3C")  # the pretalx code is the id
    check(
        first,
        "Persevering cohesive concept",
        ["Susan Martinez"],
        "2022-09-06T01:50:00+02:00",
        "2022-09-06T03:20:00+02:00",
        "Dark Red Room",
    )
    assert first.url == "http://localhost/democon/talk/XFUR3C/"
    assert first.abstract == "Reinvent one-to-one info-mediaries!"
    check(
        schedule.get("LNNGAM"),
        "Up-sized optimal hardware",
        ["Brandy Mcclain", "Christine Green"],
        "2022-09-06T12:30:00+02:00",
        "2022-09-06T13:00:00+02:00",
        "Pale Golden Rod Room",
    )
    check(
        schedule.get("WNLB3L"),
        "Ameliorated directional toolset",
        ["Tina Palmer MD"],
        "2022-09-07T11:30:00+02:00",
        "2022-09-07T13:00:00+02:00",
        "Dark Red Room",
    )
    assert all(s.speakers and " - " not in s.title for s in schedule)


def test_kielux_utc_times_attendee_speakers_and_folded_lines():
    schedule, warnings = load_shared("giggity_kielux_2020.ics", "Europe/Berlin")
    assert warnings == []
    assert len(schedule) == 24  # 24 VEVENTs, all timed
    assert schedule.title == "18. Kieler Open Source und Linux Tage"
    celium = schedule.get("460")  # UID 460@KOLT20
    check(
        celium,
        "OpenCelium - Der generische OpenSoure API-Hub",  # " - " is part of the title
        ["Jakob Semere"],
        "2020-09-18T13:00:00+02:00",  # DTSTART:20200918T110000Z
        "2020-09-18T14:00:00+02:00",
        "Ravensberg",
    )
    assert celium.url == "https://kielux.de/programm/KOLT20#460"
    assert celium.abstract.startswith("Sie möchten wertvolle Daten von einer Applikation zu anderen")
    assert "von:" not in celium.abstract and celium.abstract.endswith("\nhttps://www.opencelium.io")
    # The ATTENDEE line is folded inside ROLE=REQ-PARTICI/PANT.
    check(
        schedule.get("468"),
        "LibreOffice Writer - Kurs für Ein- und Umsteiger",
        ["Jean-Frederic Vogelbacher"],
        "2020-09-19T14:00:00+02:00",
        "2020-09-19T16:00:00+02:00",
        "Laboe",
    )
    check(
        schedule.get("467"),
        "Xen - ist das nicht tot?",
        ["Jürgen Groß"],
        "2020-09-18T14:00:00+02:00",
        "2020-09-18T15:00:00+02:00",
        "Ravensberg",
    )
    # "von: Alle" / CN="Verschiedene Redner" name nobody in particular.
    assert schedule.get("489").speakers == () and schedule.get("490").speakers == ()
    assert schedule.get("489").abstract.startswith("Wir feiern den Software Freedom Day")


def test_kielux_without_a_zone_stays_in_utc_with_a_warning():
    schedule, warnings = load_shared("giggity_kielux_2020.ics")
    assert len(schedule) == 24
    assert [w.line for w in warnings] == [1] and "UTC" in warnings[0].message
    assert schedule.get("460").start.isoformat() == "2020-09-18T11:00:00+00:00"


def test_linux_conf_au_speaker_lines_in_the_description():
    schedule, warnings = load_shared("giggity_linux_conf_au_2020.ics")
    assert warnings == []
    assert len(schedule) == 262  # 262 VEVENTs, all timed (breaks included: they are in the file)
    assert getattr(schedule.zone, "key", None) == "Australia/Brisbane"  # X-WR-TIMEZONE
    keynote = schedule.get("85")
    check(
        keynote,
        "Keynote: Who cares about Democracy?",
        ["A/Prof Vanessa Teague"],  # "Speaker: A/Prof Vanessa Teague"
        "2020-01-16T09:10:00+10:00",
        "2020-01-16T10:10:00+10:00",
        "Arena",
    )
    assert keynote.url == "http://lca2020.linux.org.au/schedule/presentation/216/"
    assert keynote.abstract.startswith("I'll begin with analysis of the Swiss e-voting system")
    # SUMMARY folded after "how "; the " - how we can…" is no speaker.
    check(
        schedule.get("93"),
        "Keynote: Out of the sausage factory and into the mainstream - how we can fight for digital rights",
        ["Lizzie O’Shea"],
        "2020-01-17T09:10:00+10:00",
        "2020-01-17T10:10:00+10:00",
        "Arena",
    )
    breakfast = schedule.get("201")
    check(breakfast, "Main Conference: plenary", [], "2020-01-14T07:00:00+10:00", "2020-01-14T09:00:00+10:00", "Room 5")
    assert breakfast.abstract == (
        "Women of Open Technology Breakfast, Presented by ThoughtWorks\n\n"
        "Only for attendees with a ticket.\n\nGold Coast Convention and Exhibition Centre, Room 5"
    )
    assert schedule.get("235").location is None  # no LOCATION line
    assert [s.name for s in schedule.get("102").speakers] == ["bunnie"]


def test_jres_tzid_without_vtimezone_and_speaker_lists():
    schedule, warnings = load_shared("giggity_jres_2022.ics")
    assert warnings == []
    assert len(schedule) == 120  # 120 VEVENTs, all timed
    assert getattr(schedule.zone, "key", None) == "Europe/Paris"  # only TZID=Europe/Paris, no VTIMEZONE
    assert schedule.title == "JRES 2021/22"
    check(
        only(schedule, "182 - "),
        "182 - Numérique : Enjeux géopolitiques, externalités environnementales et chaînes de dépendance",
        [],
        "2022-05-17T14:00:00+02:00",
        "2022-05-17T16:00:00+02:00",
        "Amphithéâtre 1600",
    )
    sponsor = only(schedule, "186 - ")
    check(
        sponsor,
        "186 - ECONOCOM & APPLE : Apple Silicon & macOS Monterey - Nouveautés pour le déploiement, la supervision "
        "et la gestion de flotte - En collaboration avec Apple et avec un témoignage client",
        ["Michel Netzer", "Christophe Tasquer", "Laurent Garinot"],  # "**__Intervenants__** :" then a list
        "2022-05-17T18:15:00+02:00",
        "2022-05-17T19:00:00+02:00",
        "EN VAU",
    )
    assert sponsor.speakers[0].affiliation == "Ingénieur avant-vente – Apple France"
    assert "Intervenants" not in sponsor.abstract and "**" not in sponsor.abstract
    huawei = only(schedule, "216 - ")
    assert [s.name for s in huawei.speakers] == [
        "Guillaume Antona",
        "Stéphane Fritsch",
        "Hugo Xia",
    ]  # "… par Name (15’)"
    # "213 - CSAN, un catalogue…": a number and a title, not a title and a speaker; its
    # DESCRIPTION is folded inside the UTF-8 bytes of "’".
    csan = only(schedule, "213 - ")
    check(
        csan,
        "213 - CSAN, un catalogue d'applications scientifiques open-source conteneurisées prêtes à l'emploi et optimisées",
        [],
        "2022-05-18T18:15:00+02:00",
        "2022-05-18T19:00:00+02:00",
        "Salle Endoume",
    )
    assert "différents systèmes d’exploitation." in csan.abstract
    assert "\r" not in csan.abstract


def test_jres_decoded_lossily_still_loads():
    path = shared_file("ics/giggity_jres_2022.ics")
    schedule, _ = load_ics(str(path), path.read_bytes().decode("utf-8", "replace"))
    assert len(schedule) == 120


# --- the format's variations -------------------------------------------------------


def event(*lines: str) -> list[str]:
    return ["BEGIN:VEVENT", *lines, "END:VEVENT"]


def test_folded_lines_and_crlf_read_like_lf():
    lines = [
        "X-WR-TIMEZONE:Europe/Paris",
        *event(
            "UID:t1@example.org",
            "SUMMARY:A rather long title that an exporter folded right in the mid",
            " dle of a word",
            "DTSTART:20240301T090000Z",
            "DTEND:20240301T093000Z",
            'ATTENDEE;CN="Ada Lovel',
            ' ace";ROLE=REQ-PARTICIPANT:mailto:ada@example.org',
            "LOCATION:Main\\, hall",
            "DESCRIPTION:First line\\nsecond line",
        ),
    ]
    crlf, _ = load_ics("t.ics", calendar(*lines))
    lf, _ = load_ics("t.ics", calendar(*lines, newline="\n"))
    assert crlf.sessions == lf.sessions
    (talk,) = crlf.sessions
    check(
        talk,
        "A rather long title that an exporter folded right in the middle of a word",
        ["Ada Lovelace"],
        "2024-03-01T10:00:00+01:00",
        "2024-03-01T10:30:00+01:00",
        "Main, hall",
    )
    assert talk.abstract == "First line\nsecond line"


def test_tzid_without_vtimezone_names_the_venue_zone():
    text = calendar(
        *event("SUMMARY:Keynote", "DTSTART;TZID=America/Chicago:20240710T090000", "DURATION:PT45M"),
        *event("SUMMARY:Late news", "DTSTART:20240710T200000Z", "DTEND:20240710T203000Z"),
    )
    schedule, warnings = load_ics("t.ics", text, "Europe/Paris")  # the file's own zone wins over --tz
    assert warnings == []
    assert getattr(schedule.zone, "key", None) == "America/Chicago"
    keynote, news = schedule.sessions
    assert (keynote.start.isoformat(), keynote.end.isoformat()) == (
        "2024-07-10T09:00:00-05:00",
        "2024-07-10T09:45:00-05:00",
    )
    assert news.start.isoformat() == "2024-07-10T15:00:00-05:00"


def test_utc_times_take_the_venue_zone():
    lines = event("SUMMARY:Opening", "DTSTART:20240120T080000Z", "DTEND:20240120T090000Z")
    schedule, warnings = load_ics("t.ics", calendar("X-WR-TIMEZONE:Europe/Brussels", *lines))
    assert warnings == [] and schedule.sessions[0].start.isoformat() == "2024-01-20T09:00:00+01:00"
    schedule, warnings = load_ics("t.ics", calendar(*lines), "Asia/Tokyo")
    assert warnings == [] and schedule.sessions[0].end.isoformat() == "2024-01-20T18:00:00+09:00"
    schedule, warnings = load_ics("t.ics", calendar(*lines))
    assert schedule.sessions[0].start.isoformat() == "2024-01-20T08:00:00+00:00"
    assert [(w.line, "UTC" in w.message) for w in warnings] == [(1, True)]


def test_events_that_are_no_session_warn_at_their_begin_line():
    text = calendar(
        "X-WR-TIMEZONE:UTC",
        *event("SUMMARY:Day one", "DTSTART;VALUE=DATE:20240301"),  # line 4
        *event("DTSTART:20240301T090000Z", "DTEND:20240301T100000Z"),  # line 8
        *event("SUMMARY:Untimed"),  # line 12
        *event("SUMMARY:Talk", "DTSTART:20240301T090000Z", "DTEND:20240301T100000Z"),
    )
    schedule, warnings = load_ics("t.ics", text)
    assert [s.title for s in schedule] == ["Talk"]
    assert [w.line for w in warnings] == [4, 8, 12]
    assert "all-day" in warnings[0].message and "SUMMARY" in warnings[1].message and "DTSTART" in warnings[2].message


def test_lines_are_counted_on_newlines_only():
    # A stray CR before CRLF (as in the JRES export) does not add a line.
    text = calendar(
        "X-WR-TIMEZONE:UTC",
        *event("SUMMARY:Talk", "DESCRIPTION:one\r", " \\ntwo", "DTSTART:20240301T090000Z", "DURATION:PT1H"),
        *event("SUMMARY:No time"),  # line 11
    )
    schedule, warnings = load_ics("t.ics", text)
    assert schedule.sessions[0].abstract == "one\ntwo"
    assert [w.line for w in warnings] == [11]


def test_malformed_content_names_its_line():
    bad_time = calendar(*event("SUMMARY:Talk", "DTSTART:20241301T090000Z"))
    with pytest.raises(ScheduleError) as raised:
        load_ics("t.ics", bad_time)
    assert [str(p).split(": ")[0] for p in raised.value.problems] == ["t.ics:5"]
    not_a_line = calendar(*event("SUMMARY:Talk", "this is no content line", "DTSTART:20240101T090000Z"))
    with pytest.raises(ScheduleError) as raised:
        load_ics("t.ics", not_a_line)
    assert [p.line for p in raised.value.problems] == [5]
    with pytest.raises(ScheduleError) as raised:
        load_ics("t.ics", "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:Talk\n")
    assert str(raised.value).startswith("t.ics:2: BEGIN:VEVENT is never closed")


def test_no_session_is_an_error():
    with pytest.raises(ScheduleError) as raised:
        load_ics("t.ics", calendar("X-WR-TIMEZONE:UTC", *event("SUMMARY:Holiday", "DTSTART;VALUE=DATE:20240101")))
    assert "no session" in str(raised.value) and raised.value.warnings[0].line == 4


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello world",
        '{"sessions": []}',
        "<html><body>schedule</body></html>",
        "\x00\x01\x02\ufffd",
        "\udce2\udc80 not UTF-8",
        "BEGIN:VCALENDAR",
        "BEGIN:VCALENDAR\nEND:VEVENT\nEND:VCALENDAR\n",
        "BEGIN:VCALENDAR\nEND:VCALENDAR\ntrailing garbage\n",
        'BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY;X="a:x\nDTSTART:20240101T090000Z\nEND:VEVENT\nEND:VCALENDAR\n',
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nDTSTART:garbage\nEND:VEVENT\nEND:VCALENDAR\n",
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nDTSTART;VALUE=PERIOD:20240101T090000Z/PT1H\nEND:VEVENT\nEND:VCALENDAR\n",
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nDTSTART:20240101T090000Z\nDURATION:soon\nEND:VEVENT\nEND:VCALENDAR\n",
    ],
)
def test_garbage_raises_only_schedule_error(text):
    with pytest.raises(ScheduleError) as raised:
        load_ics("bad.ics", text, "Europe/Paris")
    assert raised.value.problems and all(p.path == "bad.ics" and p.line >= 1 for p in raised.value.problems)


def test_speakers_written_in_the_summary_as_talk_by():
    lines = [
        "X-WR-TIMEZONE:Europe/Berlin",
        *event("UID:b1@x", "SUMMARY:Packaging Rust (talk by Ada Lovelace)", "DTSTART:20240301T090000Z"),
        *event("UID:b2@x", "SUMMARY:Fuzzing for all (by Grace Hopper & Alan Turing)", "DTSTART:20240301T100000Z"),
        *event("UID:b3@x", "SUMMARY:Maps (the good bits)", "DTSTART:20240301T110000Z"),
    ]
    schedule, _ = load_ics("t.ics", calendar(*lines))
    assert [(s.title, [p.name for p in s.speakers]) for s in schedule] == [
        ("Packaging Rust", ["Ada Lovelace"]),
        ("Fuzzing for all", ["Grace Hopper", "Alan Turing"]),
        ("Maps (the good bits)", []),
    ]


def test_an_attendee_cn_may_list_several_people():
    lines = [
        "X-WR-TIMEZONE:Europe/Berlin",
        *event("UID:c1@x", "SUMMARY:Two", "DTSTART:20240301T090000Z", 'ATTENDEE;CN="Ada Lovelace, Grace Hopper":x'),
        *event("UID:c2@x", "SUMMARY:Pair", "DTSTART:20240301T100000Z", 'ORGANIZER;CN="Ada & Grace":x'),
        *event("UID:c3@x", "SUMMARY:One", "DTSTART:20240301T110000Z", 'ATTENDEE;CN="Lovelace, Ada":x'),
    ]
    schedule, _ = load_ics("t.ics", calendar(*lines))
    assert [[p.name for p in s.speakers] for s in schedule] == [
        ["Ada Lovelace", "Grace Hopper"],
        ["Ada", "Grace"],
        ["Lovelace, Ada"],
    ]

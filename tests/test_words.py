from bot.words import plural


def test_one_is_singular_and_others_are_plural():
    assert [plural(n, "session") for n in (0, 1, 2)] == ["0 sessions", "1 session", "2 sessions"]


def test_irregular_plural():
    assert plural(1, "person", "people") == "1 person"
    assert plural(4, "person", "people") == "4 people"

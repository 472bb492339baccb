"""Hypothesis strategies for command lines: the declared commands (and made-up ones) followed by
whatever people type by mistake or on purpose: quotes, unicode, huge and empty arguments, bad
dates and times, unknown users and ids."""

from __future__ import annotations

from hypothesis import strategies as st

# JSON (and so Matrix) cannot carry lone surrogates; NUL has no place in a chat message.
TEXT = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")

BAD_DATES = ["2026-02-30", "2026-13-01", "2026-00-10", "0000-01-01", "0001-01-01", "9999-12-31",
             "26-12-01", "2026/12/01", "01.12.2026", "2026-12-1", "２０２６-１２-０１"]
BAD_TIMES = ["25:00", "24:00", "23:60", "-1:00", "18", "18:00:00", "6pm", "18h", "٠٩:٣٠"]
MONTHS = ["0000-01", "0001-01", "9999-12", "2026-13", "2026-00", "2026-1", "12-2026", "2026"]
# No user on another server: inviting one makes Synapse try federation, slowly, on every run.
USER_IDS = ["@nobody:localhost", "@UPPER:localhost", "@:localhost",
            "@a", "nobody", "https://matrix.to/#/@nobody:localhost",
            "<@nobody:localhost>", "@ünï:localhost", "@" + "a" * 300 + ":localhost"]
ODD_WORDS = ["", "''", '"', '""', "'", "`", "```", "\\", "\\n", "*", "**", "_", "<b>", "</p>",
             "<script>alert(1)</script>", "[x](javascript:alert(1))", "%s", "{name}", "{0}",
             "{{", "$event:localhost", "!room:localhost", "#alias:localhost", "mxc://x/y",
             "-1", "0", "00", "1e9", "NaN", "inf", "99999999999999999999", "0x10", "½", "٣",
             "DROP TABLE kv;", "--", ";", "NULL", "🏢", "🏠\ufe0f", "✅", "\u200b", "\u202e",
             "e\u0301", "ß", "İ"]


# Edge values by argument name (the names the commands declare); other arguments get EDGE_TEXT.
EDGES = {
    "month": ["0001-01", "9999-12", "2026-13", "2026-00", "2026", "12-2026"],
    "user": ["@nobody:localhost", "@:localhost", "nobody", "@" + "a" * 300 + ":localhost",
             "https://matrix.to/#/@nobody:localhost", "<@nobody:localhost>"],
    "YYYY-MM-DD HH:MM": ["0001-01-01 00:00", "9999-12-31 23:59", "2026-02-30 18:00",
                         "2026-12-03 24:00", "2026-12-03", "1970-01-01 00:00"],
    "n": ["0", "-1", "999", "1000", "99999999999999999999", "1.5"],
    "weeks": ["0", "-1", "52", "53", "99999999999999999999", "½"],
}
EDGE_TEXT = ["", "x" * 5000, '"<script>alert(1)</script>', "\u202e\u200b, ,🏢" * 100]


def edge_lines(commands: list[tuple[str, list[str]]], prefix: str = "!") -> list[str]:
    """Every declared command (name, argument names) with each edge value in each argument,
    the others given a plain value; and each with nothing after it."""
    lines = []
    for name, args in commands:
        lines.append(prefix + name)
        for position, arg in enumerate(args):
            for value in EDGES.get(arg, EDGE_TEXT):
                values = ["1" if i != position else value for i in range(len(args))]
                lines.append(" ".join([prefix + name, *values]))
    return lines


def words() -> st.SearchStrategy[str]:
    return st.text(TEXT, min_size=1, max_size=12).filter(lambda w: not w.isspace())


def argument() -> st.SearchStrategy[str]:
    huge = st.builds(lambda ch, n: ch * n, st.sampled_from(["x", "ä", "🏢", " ", "a b"]),
                     st.integers(300, 5000))
    return st.one_of(
        st.sampled_from(ODD_WORDS), words(), st.text(TEXT, max_size=60),
        st.sampled_from(BAD_DATES), st.sampled_from(BAD_TIMES), st.sampled_from(MONTHS),
        st.builds(lambda d, t: f"{d} {t}", st.sampled_from([*BAD_DATES, "2026-12-03"]),
                  st.sampled_from([*BAD_TIMES, "18:00"])),
        st.sampled_from(USER_IDS), st.integers(-10**20, 10**20).map(str),
        st.builds(lambda w: f'"{w}"', st.text(TEXT, max_size=20)), huge,
    )


def command_line(names: list[str], prefix: str = "!") -> st.SearchStrategy[str]:
    """`prefix` + a command (declared, shouted, made up or an unknown head) + 0-4 arguments,
    joined by odd whitespace."""
    head = st.one_of(st.sampled_from(names), st.sampled_from(names).map(str.upper),
                     st.sampled_from(names).map(lambda n: n.replace(" ", "  ")), words())
    separator = st.sampled_from([" ", "  ", "\t", "\n", " \u00a0 "])
    return st.builds(lambda h, args, sep: prefix + sep.join([h, *args]),
                     head, st.lists(argument(), max_size=4), separator)

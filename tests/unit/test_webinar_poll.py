"""Native polls for a webinar's date: the MSC3381 shapes, and whose vote counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from matrixcowork.features.webinars import poll
from matrixcowork.features.webinars.poll import Response

BASE = datetime(2027, 1, 12, 17, 0, tzinfo=UTC)
SLOTS = poll.make_slots([BASE, BASE + timedelta(days=2), BASE + timedelta(days=7)])
S1, S2, S3 = (s.answer_id for s in SLOTS)


def vote(user: str, answer: str, ts: int, event: str | None = None) -> Response:
    return Response(event or f"${user}{ts}", user, (answer,) if answer else (), ts)


def test_responses_under_both_names_are_read() -> None:
    relates = {"m.relates_to": {"rel_type": "m.reference", "event_id": "$poll"}}
    unstable = {**relates, "org.matrix.msc3381.poll.response": {"answers": ["slot-2"]}}
    stable = {**relates, "m.selections": ["slot-1"]}
    assert poll.parse_response("org.matrix.msc3381.poll.response", unstable) == (
        "$poll", ("slot-2",))
    assert poll.parse_response("m.poll.response", stable) == ("$poll", ("slot-1",))
    assert poll.parse_response("m.poll.response", unstable) == ("$poll", ("slot-2",))


def test_other_events_are_no_responses() -> None:
    relates = {"m.relates_to": {"rel_type": "m.annotation", "event_id": "$poll"}}
    assert poll.parse_response("org.matrix.msc3381.poll.response",
                               {**relates, "m.selections": ["x"]}) is None
    assert poll.parse_response("m.room.message", {"body": "x"}) is None
    assert poll.parse_response("m.poll.response", {"m.relates_to": {
        "rel_type": "m.reference", "event_id": "$p"}}) is None


def test_latest_vote_of_each_member_counts() -> None:
    votes = [vote("anna", S1, 1), vote("cem", S1, 2), vote("ben", S2, 3), vote("cem", S2, 4)]
    assert poll.tally(SLOTS, votes) == {S1: 1, S2: 2, S3: 0}
    assert poll.winner(SLOTS, poll.tally(SLOTS, votes)) == SLOTS[1]


def test_a_redacted_latest_vote_falls_back_to_the_one_before() -> None:
    first, second = vote("cem", S1, 2), vote("cem", S2, 4)
    assert poll.tally(SLOTS, [first]) == {S1: 1, S2: 0, S3: 0}  # second redacted
    assert poll.tally(SLOTS, [first, second]) == {S1: 0, S2: 1, S3: 0}


def test_unknown_answer_spoils_and_empty_answer_withdraws() -> None:
    votes = [vote("anna", S1, 1), vote("anna", "slot-99", 2), vote("ben", S2, 1),
             vote("ben", "", 5)]
    assert poll.tally(SLOTS, votes) == {S1: 0, S2: 0, S3: 0}
    assert poll.winner(SLOTS, poll.tally(SLOTS, votes)) is None


def test_only_the_first_selection_counts() -> None:
    both = Response("$x", "anna", (S3, S1), 1)
    assert poll.tally(SLOTS, [both]) == {S1: 0, S2: 0, S3: 1}


def test_a_tie_goes_to_the_earliest_date_whatever_the_order_of_answers() -> None:
    reversed_slots = list(reversed(SLOTS))
    votes = [vote("anna", S3, 1), vote("ben", S2, 2)]
    assert poll.winner(reversed_slots, poll.tally(reversed_slots, votes)) == SLOTS[1]


@given(st.lists(st.tuples(st.sampled_from(["anna", "ben", "cem"]),
                          st.sampled_from([S1, S2, S3]), st.integers(0, 10**6)),
                max_size=30, unique_by=lambda v: (v[0], v[2])), st.randoms())
def test_the_tally_does_not_depend_on_the_order_responses_arrive(votes, random) -> None:
    responses = [vote(user, answer, ts) for user, answer, ts in votes]
    shuffled = list(responses)
    random.shuffle(shuffled)
    counts = poll.tally(SLOTS, responses)
    assert counts == poll.tally(SLOTS, shuffled)
    assert sum(counts.values()) == len({user for user, _, _ in votes})

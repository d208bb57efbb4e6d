"""The small-group rule of the managers' reports: a count of fewer than
`LOTSA_REPORT_MIN_GROUP` people (default 5) is never shown, nor anything computed from it.

DOMAIN.md: "manager: aggregates for their organisation; cells under 5 suppressed". A cell of
one to four people is suppressed (a zero is shown: it names nobody). Where the cells of a
table add up to a total that is shown (a partition, such as sex or age band), hiding one cell
is not enough — the total minus the others gives it back — so when exactly one cell is
hidden the next smallest that holds someone is hidden too ("complementary suppression").
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings


def min_group() -> int:
    return max(int(settings.LOTSA_REPORT_MIN_GROUP), 1)


def is_small(count: int) -> bool:
    """Whether a cell of `count` people is too small to show."""
    return 0 < count < min_group()


def suppressed(counts: Sequence[int], *, partition: bool = True) -> list[bool]:
    """Which of `counts` to hide: those too small, and — when they partition a total that
    is shown — the next smallest if only one would be hidden."""
    hidden = [is_small(count) for count in counts]
    if partition and sum(hidden) == 1 and len(counts) > 1:
        # The smallest cell that holds someone (hiding an empty one would leave the small
        # cell's count plain to anyone who guesses which is empty); an empty one if no other.
        others = [index for index, is_hidden in enumerate(hidden) if not is_hidden]
        hidden[min(others, key=lambda index: (counts[index] == 0, counts[index], index))] = True
    return hidden

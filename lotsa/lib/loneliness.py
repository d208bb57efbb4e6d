"""The three-item loneliness scale (UCLA-3) used for quick screening in a consultation.

Items: lack companionship, feel left out, feel isolated; answered hardly ever or never = 1,
some of the time = 2, often = 3. The score is the sum, 3–9; a missing item makes it missing,
never zero. A score of 6 or more is commonly read as lonely (DOMAIN.md asks to verify that
cut-off before it drives alerts, so Lotsa shows it as a hint and never acts on it alone).
"""

from __future__ import annotations

from collections.abc import Sequence

ITEMS = ("companionship", "left_out", "isolated")
ANSWERS = (1, 2, 3)
LONELY_FROM = 6


def score(answers: Sequence[int | None]) -> int | None:
    """The sum of three answers, or None when any is missing; ValueError if out of range."""
    if len(answers) != len(ITEMS):
        raise ValueError("the UCLA-3 has three items")
    if any(answer is None for answer in answers):
        return None
    if any(answer not in ANSWERS for answer in answers):
        raise ValueError("UCLA-3 answers are 1, 2 or 3")
    return sum(answer for answer in answers if answer is not None)


def suggests_loneliness(total: int | None) -> bool:
    return total is not None and total >= LONELY_FROM

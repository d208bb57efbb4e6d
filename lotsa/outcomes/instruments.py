"""The validated outcome instruments: their items and answers in Swedish, Danish and English,
and their scoring exactly as DOMAIN.md gives it.

An instrument's wording is part of its validation, so the texts live here with the
definition, in all three languages, rather than in the translation catalogues where they
could drift. Answers are stored raw (`{item key: answer value}`) beside the scores; a missing
or out-of-range answer is refused by `validate`, and `score` gives None for any scale an
unanswered item belongs to: missing is never zero.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import get_language

LANGUAGES = ("sv", "da", "en")

Text = Mapping[str, str]
Answers = Mapping[str, int | None]
Scores = dict[str, float | int | None]


def localized(text: Text, language: str | None = None) -> str:
    """The text in `language` (default: the active one), falling back to Swedish."""
    code = (language or get_language() or "sv")[:2]
    return text.get(code) or text["sv"]


@dataclass(frozen=True)
class Choice:
    value: int
    text: Text

    @property
    def label(self) -> str:
        return localized(self.text)


@dataclass(frozen=True)
class Item:
    key: str
    text: Text
    choices: tuple[Choice, ...]

    @property
    def label(self) -> str:
        return localized(self.text)

    @property
    def values(self) -> frozenset[int]:
        return frozenset(choice.value for choice in self.choices)


@dataclass(frozen=True)
class Band:
    """A named range of a scale's score, both ends included."""

    low: float
    high: float
    text: Text

    @property
    def label(self) -> str:
        return localized(self.text)


@dataclass(frozen=True)
class Scale:
    """One score an instrument yields (an instrument may yield several, e.g. ONS4)."""

    key: str
    name: Text
    minimum: float
    maximum: float
    higher_is_better: bool
    # The smallest change that counts as meaningful for one person (None: none published).
    meaningful_change: float | None = None
    bands: tuple[Band, ...] = ()

    @property
    def label(self) -> str:
        return localized(self.name)

    def band(self, value: float | None) -> Band | None:
        if value is None:
            return None
        return next((band for band in self.bands if band.low <= value <= band.high), None)

    def improved(self, before: float, after: float) -> bool:
        """Whether the change from `before` to `after` is a meaningful improvement."""
        if self.meaningful_change is None:
            return False
        change = after - before if self.higher_is_better else before - after
        return change >= self.meaningful_change


class InvalidAnswers(ValueError):
    """Answers that break the instrument; `errors` maps item keys to what is wrong."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {error}" for key, error in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Instrument:
    code: str
    name: Text
    # What the person is asked to think of, e.g. "over the last two weeks".
    instructions: Text
    items: tuple[Item, ...]
    scales: tuple[Scale, ...]
    # The scale reports lead with; None for a categorical instrument or one whose scales
    # must never be combined (ONS4).
    primary: str | None
    source: str
    scorer: Callable[[Mapping[str, int]], Scores] = field(repr=False)
    # Categorical: the answer is a category to count, not a score to average (ONS loneliness).
    is_categorical: bool = False

    @property
    def label(self) -> str:
        return localized(self.name)

    @property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    def scale(self, key: str) -> Scale:
        return next(scale for scale in self.scales if scale.key == key)

    def validate(self, answers: Answers) -> dict[str, int | None]:
        """The answers keyed by item, every item present (None where unanswered); raises
        InvalidAnswers for an unknown item or a value the item does not offer."""
        errors: dict[str, str] = {}
        unknown = set(answers) - set(self.item_keys)
        for key in sorted(unknown):
            errors[key] = "not an item of this instrument"
        clean: dict[str, int | None] = {}
        for item in self.items:
            value = answers.get(item.key)
            if value is not None and (isinstance(value, bool) or value not in item.values):
                errors[item.key] = f"{value!r} is not one of {sorted(item.values)}"
            clean[item.key] = value
        if errors:
            raise InvalidAnswers(errors)
        return clean

    def score(self, answers: Answers) -> Scores:
        """Every scale's score; None for a scale any of whose items is unanswered."""
        clean = self.validate(answers)
        answered = {key: value for key, value in clean.items() if value is not None}
        scores = self.scorer(answered)
        return {scale.key: scores.get(scale.key) for scale in self.scales}

    def primary_score(self, scores: Mapping[str, float | int | None]) -> float | None:
        if self.primary is None:
            return None
        value = scores.get(self.primary)
        return None if value is None else float(value)


def _all(answered: Mapping[str, int], keys: tuple[str, ...]) -> list[int] | None:
    if any(key not in answered for key in keys):
        return None
    return [answered[key] for key in keys]


def _text(sv: str, da: str, en: str) -> Text:
    return {"sv": sv, "da": da, "en": en}


# --- UCLA-3 (Hughes et al. 2004) -------------------------------------------------------------

_UCLA3_CHOICES = (
    Choice(
        1, _text("Nästan aldrig eller aldrig", "Næsten aldrig eller aldrig", "Hardly ever or never")
    ),
    Choice(2, _text("Ibland", "Indimellem", "Some of the time")),
    Choice(3, _text("Ofta", "Ofte", "Often")),
)
_UCLA3_ITEMS = (
    Item(
        "companionship",
        _text(
            "Hur ofta känner du att du saknar sällskap?",
            "Hvor ofte føler du, at du savner nogen at være sammen med?",
            "How often do you feel that you lack companionship?",
        ),
        _UCLA3_CHOICES,
    ),
    Item(
        "left_out",
        _text(
            "Hur ofta känner du dig utanför?",
            "Hvor ofte føler du dig holdt udenfor?",
            "How often do you feel left out?",
        ),
        _UCLA3_CHOICES,
    ),
    Item(
        "isolated",
        _text(
            "Hur ofta känner du dig isolerad från andra?",
            "Hvor ofte føler du dig isoleret fra andre?",
            "How often do you feel isolated from others?",
        ),
        _UCLA3_CHOICES,
    ),
)


def _score_ucla3(answered: Mapping[str, int]) -> Scores:
    values = _all(answered, ("companionship", "left_out", "isolated"))
    return {"total": None if values is None else sum(values)}


UCLA3 = Instrument(
    code="ucla3",
    name=_text("Ensamhet (UCLA-3)", "Ensomhed (UCLA-3)", "Loneliness (UCLA-3)"),
    instructions=_text(
        "Frågorna handlar om hur du känner dig inför olika sidor av ditt liv.",
        "Spørgsmålene handler om, hvordan du har det med forskellige sider af dit liv.",
        "The questions are about how you feel about different aspects of your life.",
    ),
    items=_UCLA3_ITEMS,
    scales=(
        Scale(
            "total",
            _text("Ensamhet", "Ensomhed", "Loneliness"),
            3,
            9,
            higher_is_better=False,
            meaningful_change=None,
            # ≥ 6 is commonly read as lonely; DOMAIN.md asks to verify it before it drives
            # anything, so it is shown as a band and never acted on alone.
            bands=(
                Band(3, 5, _text("Inte ensam", "Ikke ensom", "Not lonely")),
                Band(6, 9, _text("Ensam", "Ensom", "Lonely")),
            ),
        ),
    ),
    primary="total",
    source="Hughes ME et al. Res Aging 2004;26(6):655–672.",
    scorer=_score_ucla3,
)


# --- ONS loneliness question --------------------------------------------------------------------

ONS_LONELINESS = Instrument(
    code="ons_loneliness",
    name=_text(
        "Hur ofta känner du dig ensam? (ONS)",
        "Hvor ofte føler du dig ensom? (ONS)",
        "How often do you feel lonely? (ONS)",
    ),
    instructions=_text(
        "Välj det svar som passar bäst.",
        "Vælg det svar, der passer bedst.",
        "Choose the answer that fits best.",
    ),
    items=(
        Item(
            "lonely",
            _text(
                "Hur ofta känner du dig ensam?",
                "Hvor ofte føler du dig ensom?",
                "How often do you feel lonely?",
            ),
            (
                Choice(1, _text("Ofta eller alltid", "Ofte eller altid", "Often or always")),
                Choice(2, _text("En del av tiden", "Noget af tiden", "Some of the time")),
                Choice(3, _text("Då och då", "Af og til", "Occasionally")),
                Choice(4, _text("Nästan aldrig", "Næsten aldrig", "Hardly ever")),
                Choice(5, _text("Aldrig", "Aldrig", "Never")),
            ),
        ),
    ),
    # Categorical: one answer, counted per category, never summed or averaged.
    scales=(
        Scale(
            "category",
            _text("Svar", "Svar", "Answer"),
            1,
            5,
            higher_is_better=True,
        ),
    ),
    primary=None,
    source="Office for National Statistics, national measurement of loneliness (2018).",
    scorer=lambda answered: {"category": answered.get("lonely")},
    is_categorical=True,
)


# --- ONS4 personal wellbeing --------------------------------------------------------------------

_ZERO_TO_TEN = tuple(
    Choice(value, _text(str(value), str(value), str(value))) for value in range(11)
)
_WELLBEING_BANDS = (
    Band(0, 4, _text("Låg", "Lav", "Low")),
    Band(5, 6, _text("Medel", "Middel", "Medium")),
    Band(7, 8, _text("Hög", "Høj", "High")),
    Band(9, 10, _text("Mycket hög", "Meget høj", "Very high")),
)
_ANXIETY_BANDS = (
    Band(0, 1, _text("Mycket låg", "Meget lav", "Very low")),
    Band(2, 3, _text("Låg", "Lav", "Low")),
    Band(4, 5, _text("Medel", "Middel", "Medium")),
    Band(6, 10, _text("Hög", "Høj", "High")),
)
_ONS4 = (
    (
        "life_satisfaction",
        _text("Livstillfredsställelse", "Livstilfredshed", "Life satisfaction"),
        _text(
            "Överlag, hur nöjd är du med ditt liv nuförtiden? (0 = inte alls, 10 = helt)",
            "Alt i alt, hvor tilfreds er du med dit liv for tiden? (0 = slet ikke, 10 = helt)",
            "Overall, how satisfied are you with your life nowadays? (0 = not at all, "
            "10 = completely)",
        ),
    ),
    (
        "worthwhile",
        _text("Meningsfullhet", "Meningsfuldhed", "Worthwhile"),
        _text(
            "Överlag, i vilken utsträckning känner du att det du gör i ditt liv är "
            "meningsfullt? (0 = inte alls, 10 = helt)",
            "Alt i alt, i hvilken grad føler du, at de ting, du gør i dit liv, er "
            "meningsfulde? (0 = slet ikke, 10 = helt)",
            "Overall, to what extent do you feel that the things you do in your life are "
            "worthwhile? (0 = not at all, 10 = completely)",
        ),
    ),
    (
        "happiness",
        _text("Lycka i går", "Glæde i går", "Happiness yesterday"),
        _text(
            "Överlag, hur lycklig kände du dig i går? (0 = inte alls, 10 = helt)",
            "Alt i alt, hvor glad følte du dig i går? (0 = slet ikke, 10 = helt)",
            "Overall, how happy did you feel yesterday? (0 = not at all, 10 = completely)",
        ),
    ),
    (
        "anxiety",
        _text("Oro i går", "Bekymring i går", "Anxiety yesterday"),
        _text(
            "Överlag, hur orolig kände du dig i går? (0 = inte alls, 10 = helt)",
            "Alt i alt, hvor bekymret følte du dig i går? (0 = slet ikke, 10 = helt)",
            "Overall, how anxious did you feel yesterday? (0 = not at all, 10 = completely)",
        ),
    ),
)


def _score_ons4(answered: Mapping[str, int]) -> Scores:
    # Four separate scores, never summed.
    return {key: answered.get(key) for key, _name, _question in _ONS4}


ONS4 = Instrument(
    code="ons4",
    name=_text(
        "Personligt välbefinnande (ONS4)", "Personlig trivsel (ONS4)", "Personal wellbeing (ONS4)"
    ),
    instructions=_text(
        "Svara på en skala från 0 till 10.",
        "Svar på en skala fra 0 til 10.",
        "Answer on a scale from 0 to 10.",
    ),
    items=tuple(Item(key, question, _ZERO_TO_TEN) for key, _name, question in _ONS4),
    scales=tuple(
        Scale(
            key,
            name,
            0,
            10,
            higher_is_better=key != "anxiety",
            # ONS reports a change of a point on a 0–10 scale as notable for one person.
            meaningful_change=1,
            bands=_ANXIETY_BANDS if key == "anxiety" else _WELLBEING_BANDS,
        )
        for key, name, _question in _ONS4
    ),
    primary=None,
    source="Office for National Statistics, personal well-being (ONS4).",
    scorer=_score_ons4,
)


# --- SWEMWBS (short Warwick-Edinburgh Mental Wellbeing Scale) ------------------------------------

# The official raw → metric conversion (Stewart-Brown et al. 2009), raw 7..35.
_SWEMWBS_TABLE = """
    7.00  9.51 11.25 12.40 13.33 14.08 14.75 15.32 15.84 16.36 16.88 17.43 17.98 18.59 19.25
   19.98 20.73 21.54 22.35 23.21 24.11 25.03 26.02 27.03 28.13 29.31 30.70 32.55 35.00
"""
SWEMWBS_METRIC: dict[int, Decimal] = {
    raw: Decimal(metric) for raw, metric in zip(range(7, 36), _SWEMWBS_TABLE.split(), strict=True)
}
_SWEMWBS_CHOICES = (
    Choice(1, _text("Aldrig", "Aldrig", "None of the time")),
    Choice(2, _text("Sällan", "Sjældent", "Rarely")),
    Choice(3, _text("En del av tiden", "Noget af tiden", "Some of the time")),
    Choice(4, _text("Ofta", "Ofte", "Often")),
    Choice(5, _text("Hela tiden", "Hele tiden", "All of the time")),
)
_SWEMWBS_ITEMS = (
    (
        "optimistic",
        _text(
            "Jag har känt mig optimistisk inför framtiden",
            "Jeg har følt mig optimistisk med hensyn til fremtiden",
            "I've been feeling optimistic about the future",
        ),
    ),
    (
        "useful",
        _text("Jag har känt mig behövd", "Jeg har følt mig nyttig", "I've been feeling useful"),
    ),
    (
        "relaxed",
        _text(
            "Jag har känt mig avslappnad", "Jeg har følt mig afslappet", "I've been feeling relaxed"
        ),
    ),
    (
        "problems",
        _text(
            "Jag har hanterat problem på ett bra sätt",
            "Jeg har håndteret problemer godt",
            "I've been dealing with problems well",
        ),
    ),
    ("clearly", _text("Jag har tänkt klart", "Jeg har tænkt klart", "I've been thinking clearly")),
    (
        "close",
        _text(
            "Jag har känt mig nära andra människor",
            "Jeg har følt mig tæt knyttet til andre mennesker",
            "I've been feeling close to other people",
        ),
    ),
    (
        "own_mind",
        _text(
            "Jag har kunnat bestämma mig själv om saker och ting",
            "Jeg har været i stand til selv at tage stilling til ting",
            "I've been able to make up my own mind about things",
        ),
    ),
)


def _score_swemwbs(answered: Mapping[str, int]) -> Scores:
    values = _all(answered, tuple(key for key, _text_ in _SWEMWBS_ITEMS))
    if values is None:
        return {"raw": None, "metric": None}
    raw = sum(values)
    return {"raw": raw, "metric": float(SWEMWBS_METRIC[raw])}


SWEMWBS = Instrument(
    code="swemwbs",
    name=_text(
        "Psykiskt välbefinnande (SWEMWBS)",
        "Mentalt velbefindende (SWEMWBS)",
        "Mental wellbeing (SWEMWBS)",
    ),
    instructions=_text(
        "Här följer några påståenden om känslor och tankar. Välj det svar som bäst beskriver "
        "hur du har haft det de senaste två veckorna.",
        "Her er nogle udsagn om følelser og tanker. Vælg det svar, der bedst beskriver, "
        "hvordan du har haft det de sidste to uger.",
        "Below are some statements about feelings and thoughts. Choose the answer that best "
        "describes your experience of each over the last two weeks.",
    ),
    items=tuple(Item(key, text, _SWEMWBS_CHOICES) for key, text in _SWEMWBS_ITEMS),
    scales=(
        Scale("raw", _text("Råpoäng", "Råscore", "Raw score"), 7, 35, higher_is_better=True),
        Scale(
            "metric",
            _text("Metrisk poäng", "Metrisk score", "Metric score"),
            7,
            35,
            higher_is_better=True,
            # A change of 3 metric points is the threshold commonly used for one person
            # (Warwick Medical School's guidance); verify before it drives alerts.
            meaningful_change=3,
        ),
    ),
    primary="metric",
    source=(
        "Stewart-Brown S et al. Health Qual Life Outcomes 2009;7:15. © NHS Health Scotland, "
        "University of Warwick and University of Edinburgh; free to use with registration."
    ),
    scorer=_score_swemwbs,
)


# --- WHO-5 Well-Being Index ---------------------------------------------------------------------

_WHO5_CHOICES = (
    Choice(5, _text("Hela tiden", "Hele tiden", "All of the time")),
    Choice(4, _text("Det mesta av tiden", "Det meste af tiden", "Most of the time")),
    Choice(
        3,
        _text(
            "Mer än hälften av tiden",
            "Lidt mere end halvdelen af tiden",
            "More than half of the time",
        ),
    ),
    Choice(
        2,
        _text(
            "Mindre än hälften av tiden",
            "Lidt mindre end halvdelen af tiden",
            "Less than half of the time",
        ),
    ),
    Choice(1, _text("Lite av tiden", "Lidt af tiden", "Some of the time")),
    Choice(0, _text("Inte någon gång", "På intet tidspunkt", "At no time")),
)
_WHO5_ITEMS = (
    (
        "cheerful",
        _text(
            "Jag har känt mig glad och på gott humör",
            "Jeg har været glad og i godt humør",
            "I have felt cheerful and in good spirits",
        ),
    ),
    (
        "calm",
        _text(
            "Jag har känt mig lugn och avslappnad",
            "Jeg har følt mig rolig og afslappet",
            "I have felt calm and relaxed",
        ),
    ),
    (
        "active",
        _text(
            "Jag har känt mig aktiv och energisk",
            "Jeg har følt mig aktiv og energisk",
            "I have felt active and vigorous",
        ),
    ),
    (
        "rested",
        _text(
            "Jag har vaknat pigg och utvilad",
            "Jeg er vågnet frisk og udhvilet",
            "I woke up feeling fresh and rested",
        ),
    ),
    (
        "interest",
        _text(
            "Min vardag har varit fylld av saker som intresserar mig",
            "Min dagligdag har været fyldt med ting, der interesserer mig",
            "My daily life has been filled with things that interest me",
        ),
    ),
)


def _score_who5(answered: Mapping[str, int]) -> Scores:
    values = _all(answered, tuple(key for key, _text_ in _WHO5_ITEMS))
    if values is None:
        return {"raw": None, "percentage": None}
    raw = sum(values)
    return {"raw": raw, "percentage": raw * 4}


WHO5 = Instrument(
    code="who5",
    name=_text("Välbefinnande (WHO-5)", "Trivsel (WHO-5)", "Wellbeing (WHO-5)"),
    instructions=_text(
        "Välj för vart och ett av de fem påståendena det svar som bäst beskriver hur du har "
        "känt dig de senaste två veckorna.",
        "Vælg for hvert af de fem udsagn det svar, der bedst beskriver, hvordan du har haft "
        "det de sidste to uger.",
        "For each of the five statements, choose the answer closest to how you have been "
        "feeling over the last two weeks.",
    ),
    items=tuple(Item(key, text, _WHO5_CHOICES) for key, text in _WHO5_ITEMS),
    scales=(
        Scale("raw", _text("Råpoäng", "Råscore", "Raw score"), 0, 25, higher_is_better=True),
        Scale(
            "percentage",
            _text("Poäng (0–100)", "Score (0–100)", "Score (0–100)"),
            0,
            100,
            higher_is_better=True,
            meaningful_change=10,
            bands=(
                Band(
                    0,
                    50,
                    _text(
                        "Tyder på lågt välbefinnande",
                        "Tyder på lav trivsel",
                        "Suggests poor wellbeing",
                    ),
                ),
                Band(51, 100, _text("Gott välbefinnande", "God trivsel", "Good wellbeing")),
            ),
        ),
    ),
    primary="percentage",
    source=(
        "WHO-5 Well-Being Index, Psychiatric Centre North Zealand (Denmark); free to use with "
        "attribution."
    ),
    scorer=_score_who5,
)


# --- De Jong Gierveld 6-item loneliness scale --------------------------------------------------

YES, MORE_OR_LESS, NO = 1, 2, 3
_DJG_CHOICES = (
    Choice(YES, _text("Ja", "Ja", "Yes")),
    Choice(MORE_OR_LESS, _text("Mer eller mindre", "Mere eller mindre", "More or less")),
    Choice(NO, _text("Nej", "Nej", "No")),
)
_DJG_EMOTIONAL = (
    (
        "emptiness",
        _text(
            "Jag upplever en allmän känsla av tomhet",
            "Jeg oplever en generel følelse af tomhed",
            "I experience a general sense of emptiness",
        ),
    ),
    (
        "miss_people",
        _text(
            "Jag saknar att ha människor omkring mig",
            "Jeg savner at have mennesker omkring mig",
            "I miss having people around",
        ),
    ),
    (
        "rejected",
        _text("Jag känner mig ofta avvisad", "Jeg føler mig ofte afvist", "I often feel rejected"),
    ),
)
_DJG_SOCIAL = (
    (
        "rely_on",
        _text(
            "Det finns många människor som jag kan lita på när jag har problem",
            "Der er mange mennesker, jeg kan regne med, når jeg har problemer",
            "There are plenty of people I can rely on when I have problems",
        ),
    ),
    (
        "trust",
        _text(
            "Det finns många människor som jag kan lita helt och hållet på",
            "Der er mange mennesker, jeg kan stole fuldstændig på",
            "There are many people I can trust completely",
        ),
    ),
    (
        "close_to",
        _text(
            "Det finns tillräckligt många människor som jag känner mig nära",
            "Der er nok mennesker, jeg føler mig knyttet til",
            "There are enough people I feel close to",
        ),
    ),
)


def _score_djg6(answered: Mapping[str, int]) -> Scores:
    # Emotional items count "yes" and "more or less"; the social items are worded
    # positively, so they count "no" and "more or less" (De Jong Gierveld & Van Tilburg 2006).
    emotional = _all(answered, tuple(key for key, _t in _DJG_EMOTIONAL))
    social = _all(answered, tuple(key for key, _t in _DJG_SOCIAL))
    emotional_score = (
        None if emotional is None else sum(v in (YES, MORE_OR_LESS) for v in emotional)
    )
    social_score = None if social is None else sum(v in (NO, MORE_OR_LESS) for v in social)
    total = None
    if emotional_score is not None and social_score is not None:
        total = emotional_score + social_score
    return {"total": total, "emotional": emotional_score, "social": social_score}


DJG6 = Instrument(
    code="djg6",
    name=_text(
        "Ensamhet (De Jong Gierveld, 6 frågor)",
        "Ensomhed (De Jong Gierveld, 6 spørgsmål)",
        "Loneliness (De Jong Gierveld, 6 items)",
    ),
    instructions=_text(
        "Svara på hur väl varje påstående stämmer för dig just nu.",
        "Svar på, hvor godt hvert udsagn passer på dig lige nu.",
        "Say how well each statement fits how you feel now.",
    ),
    items=tuple(Item(key, text, _DJG_CHOICES) for key, text in _DJG_EMOTIONAL + _DJG_SOCIAL),
    scales=(
        Scale(
            "total",
            _text("Ensamhet", "Ensomhed", "Loneliness"),
            0,
            6,
            higher_is_better=False,
            meaningful_change=None,
            bands=(
                Band(0, 1, _text("Inte ensam", "Ikke ensom", "Not lonely")),
                Band(2, 4, _text("Måttligt ensam", "Moderat ensom", "Moderately lonely")),
                Band(5, 6, _text("Svårt ensam", "Alvorligt ensom", "Severely lonely")),
            ),
        ),
        Scale(
            "emotional",
            _text("Emotionell ensamhet", "Emotionel ensomhed", "Emotional loneliness"),
            0,
            3,
            higher_is_better=False,
        ),
        Scale(
            "social",
            _text("Social ensamhet", "Social ensomhed", "Social loneliness"),
            0,
            3,
            higher_is_better=False,
        ),
    ),
    primary="total",
    source="De Jong Gierveld J, Van Tilburg T. Res Aging 2006;28(5):582–598.",
    scorer=_score_djg6,
)


INSTRUMENTS: dict[str, Instrument] = {
    instrument.code: instrument for instrument in (UCLA3, ONS_LONELINESS, ONS4, SWEMWBS, WHO5, DJG6)
}
CHOICES = [(code, instrument.name["en"]) for code, instrument in INSTRUMENTS.items()]


def get(code: str) -> Instrument:
    """The instrument with this code; KeyError for an unknown one."""
    return INSTRUMENTS[code]

"""Text for search: Snowball stemming in Swedish and Danish, tokens, stop words."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import Stemmer

SEARCH_LANGUAGES = {"sv": "swedish", "da": "danish"}
MAX_QUERY_LENGTH = 200

_TOKEN = re.compile(r"\w+", re.UNICODE)

# The stop words of PostgreSQL's swedish and danish configurations (the Snowball lists), so a
# query reduced to stop words behaves the same on both databases: it matches everything.
STOP_WORDS = frozenset(
    """
    och det att i en jag hon som han på den med var sig för så till är men ett om hade de av
    icke mig du henne då sin nu har inte hans honom skulle hennes där min man ej vid kunde
    något från ut när efter upp vi dem vara vad över än dig kan sina här ha mot alla under
    någon eller allt mycket sedan ju denna själv detta åt utan varit hur ingen mitt ni bli
    blev oss din dessa några deras blir mina samma vilken er sådan vår blivit dess inom
    mellan sådant varför varje vilka ditt vem vilket sitta sådana vart dina vars vårt våra
    ert era vilkas
    og i jeg det at en den til er som på de med han af for ikke der var mig sig men et har
    om vi min havde ham hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal
    selv her alle vil blev kunne ind når være dog noget ville jo deres efter ned skulle
    denne end dette mit også under have dig anden hende mine alt meget sit sine vor mod
    disse hvis din nogle hos blive mange ad bliver hendes været thi jer sådan
    """.split()  # noqa: SIM905 - the lists read best as text
)


@cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(SEARCH_LANGUAGES[language])


def tokens(text: str) -> list[str]:
    """Lower-case word tokens, with compatibility forms folded (ﬁ → fi)."""
    return [t.casefold() for t in _TOKEN.findall(unicodedata.normalize("NFKC", text))]


def stem(word: str, language: str) -> str:
    return str(_stemmer(language).stemWord(word))


def stemmed_document(text: str, language: str) -> str:
    """The text as space-separated stems, stop words dropped, as the search index holds it."""
    return " ".join(stem(t, language) for t in tokens(text) if t not in STOP_WORDS)


def query_terms(query: str) -> list[str]:
    """The words of a query that can narrow a search (stop words and single letters dropped)."""
    return [t for t in tokens(query[:MAX_QUERY_LENGTH]) if t not in STOP_WORDS and len(t) > 1]

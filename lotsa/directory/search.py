"""Full-text search over offerings with the database's own engine, behind one interface.

PostgreSQL: a tsvector per offering built with the `swedish` or `danish` configuration (the
language of the listing), queried with prefix matching in both languages, so that
`promenad` finds "Promenadgruppen" and `sorg` finds "Sorgegruppe".
SQLite: an FTS5 table holding the same text stemmed in Python by the same Snowball
algorithms (PyStemmer), queried with the same prefix rule. Both drop the same stop words,
so both find the same offerings.

The index is kept in step by `reindex()`, which the directory's actions call after every
change; `manage.py rebuild_search_index` rebuilds it whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import connection
from django.db.models import BooleanField, F, FloatField, QuerySet
from django.db.models.expressions import RawSQL

from lotsa.lib import text

from .models import Offering, Place

TABLE = "directory_offering_search"
LANGUAGE_CONFIG = {"sv": "swedish", "da": "danish"}


def create_table_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            # No foreign key: rows of deleted offerings are harmless (searches join on the
            # offering table) and are dropped by the next rebuild; a key would block TRUNCATE.
            f"CREATE TABLE {TABLE} (offering_id bigint PRIMARY KEY, document tsvector NOT NULL)",
            f"CREATE INDEX {TABLE}_document ON {TABLE} USING gin(document)",
        ]
    # The rowid is the offering's id; text is pre-stemmed, so the plain tokenizer suffices.
    return [
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5(name, body,"
        " tokenize = 'unicode61 remove_diacritics 0')"
    ]


def drop_table_sql(vendor: str) -> list[str]:
    return [f"DROP TABLE IF EXISTS {TABLE}"]


def _documents(ids: list[int] | None) -> Iterator[tuple[int, str, str, str]]:
    """(offering id, language, name, body) of these offerings (all when None), read as plain
    values a chunk at a time: the body is the description, the organisation's name, the
    categories in both languages and the towns of the places."""
    offerings = Offering.objects.order_by("pk")
    if ids is None:
        ids = list(offerings.values_list("pk", flat=True))
    through = Offering.categories.through
    for chunk in _chunks(ids, 2000):
        categories: dict[int, list[str]] = {}
        for offering_id, name_sv, name_da in (
            through.objects.filter(offering_id__in=chunk)
            .order_by("term__vocabulary", "term__position", "term__code")
            .values_list("offering_id", "term__name_sv", "term__name_da")
        ):
            categories.setdefault(offering_id, []).append(f"{name_sv} {name_da}")
        towns: dict[int, list[str]] = {}
        for offering_id, city in (
            Place.objects.filter(offering_id__in=chunk)
            .order_by("pk")
            .values_list("offering_id", "city")
        ):
            towns.setdefault(offering_id, []).append(city)
        for pk, language, name, description, organisation in offerings.filter(
            pk__in=chunk
        ).values_list("pk", "text_language", "name", "description", "organization__name"):
            parts = [description, organisation, *categories.get(pk, ()), *towns.get(pk, ())]
            yield pk, language, name, "\n".join(parts)


def reindex(offering_ids: Iterable[int] | None = None) -> None:
    """Rebuild the index rows of these offerings (all when None)."""
    ids = None if offering_ids is None else list(offering_ids)
    with connection.cursor() as cursor:
        if ids is None:
            cursor.execute(f"DELETE FROM {TABLE}")
        else:
            for chunk in _chunks(ids, 500):
                marks = ",".join(["%s"] * len(chunk))
                key = "offering_id" if connection.vendor == "postgresql" else "rowid"
                cursor.execute(f"DELETE FROM {TABLE} WHERE {key} IN ({marks})", chunk)
        rows = list(_documents(ids))
        if connection.vendor == "postgresql":
            cursor.executemany(
                f"INSERT INTO {TABLE} (offering_id, document) VALUES (%s,"
                " setweight(to_tsvector(%s::regconfig, %s), 'A')"
                " || setweight(to_tsvector(%s::regconfig, %s), 'B'))",
                [
                    (pk, LANGUAGE_CONFIG[lang], name, LANGUAGE_CONFIG[lang], body)
                    for pk, lang, name, body in rows
                ],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, name, body) VALUES (%s, %s, %s)",
                [
                    (pk, text.stemmed_document(name, lang), text.stemmed_document(body, lang))
                    for pk, lang, name, body in rows
                ],
            )


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _fts5_query(terms: list[str]) -> str:
    """Every term must match, as a prefix of its Swedish or its Danish stem."""
    clauses = []
    for term in terms:
        stems = dict.fromkeys(text.stem(term, lang) for lang in text.SEARCH_LANGUAGES)
        # Stems are word characters only, and quoted: FTS5 syntax in the query is inert.
        clauses.append("(" + " OR ".join(f'"{s}"*' for s in stems) + ")")
    return " AND ".join(clauses)


def _pg_tsquery_sql(terms: list[str]) -> tuple[str, list[str]]:
    parts = []
    params: list[str] = []
    for term in terms:
        # to_tsquery stems with each configuration; ':*' makes the stem a prefix.
        parts.append("(to_tsquery('swedish', %s) || to_tsquery('danish', %s))")
        lexeme = term.replace("'", "") + ":*"
        params += [lexeme, lexeme]
    return " && ".join(parts), params


def _sqlite_rank(terms: list[str]) -> RawSQL:
    """SQLite's relevance, read from the offering's index row by its rowid: for each word, 10
    when one of its stems begins a word of the name, 1 when it begins a word of the
    description — the weights the index gives the two columns, without term frequencies.

    Not `bm25()`: FTS5 computes it only inside a `MATCH`, and a `MATCH` per row runs the whole
    word query again for every match (measured at 100,000 offerings: 93 s for the 16,106
    matches of "fika"); a rowid lookup costs the same whatever the number of matches."""
    parts, params = [], []
    for term in terms:
        stems = list(dict.fromkeys(text.stem(term, lang) for lang in text.SEARCH_LANGUAGES))
        in_name = " OR ".join("instr(' ' || name, ' ' || %s) > 0" for _stem in stems)
        in_body = " OR ".join("instr(' ' || body, ' ' || %s) > 0" for _stem in stems)
        parts.append(f"10 * ({in_name}) + ({in_body})")
        params += [*stems, *stems]
    return RawSQL(
        f"SELECT {' + '.join(parts)} FROM {TABLE} WHERE rowid = directory_offering.id",
        params,
        output_field=FloatField(),
    )


def matches_any(words: list[str]) -> RawSQL | None:
    """A condition true for an offering whose text matches any of `words` (as `apply` would
    match each), checked row by row: for ranking a set the query has already narrowed, where
    matching the whole directory first would cost more than the set itself. None when no
    word is usable."""
    terms = [term for word in words for term in text.query_terms(word)]
    if not terms:
        return None
    if connection.vendor == "postgresql":
        tsqueries, params = zip(*(_pg_tsquery_sql([term]) for term in terms), strict=True)
        any_term = " || ".join(tsqueries)
        return RawSQL(
            f"EXISTS (SELECT 1 FROM {TABLE} WHERE offering_id = directory_offering.id"
            f" AND document @@ ({any_term}))",
            [param for group in params for param in group],
            output_field=BooleanField(),
        )
    fts = " OR ".join(_fts5_query([term]) for term in terms)
    return RawSQL(
        f"directory_offering.id IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s)",
        [fts],
        output_field=BooleanField(),
    )


def apply(queryset: QuerySet[Offering], query: str) -> QuerySet[Offering]:
    """Narrow `queryset` to offerings matching every word of `query`, best first.

    A query with no usable words (empty, punctuation, stop words only) leaves the queryset
    as it is, so the page lists everything within the filters.
    """
    terms = text.query_terms(query)
    if not terms:
        return queryset
    if connection.vendor == "postgresql":
        tsquery, params = _pg_tsquery_sql(terms)
        match = RawSQL(
            f"SELECT offering_id FROM {TABLE} WHERE document @@ ({tsquery})",
            params,
        )
        rank = RawSQL(
            f"SELECT ts_rank(document, {tsquery}) FROM {TABLE}"
            f" WHERE offering_id = directory_offering.id",
            params,
            output_field=FloatField(),
        )
    else:
        fts = _fts5_query(terms)
        match = RawSQL(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [fts])
        rank = _sqlite_rank(terms)
    return (
        queryset.filter(pk__in=match)
        .annotate(search_rank=rank)
        .order_by(F("search_rank").desc(nulls_last=True), "name", "pk")
    )

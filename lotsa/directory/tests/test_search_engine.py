"""The search module finds the same offerings on SQLite and PostgreSQL."""

from lotsa.directory import search
from lotsa.directory.models import Offering
from lotsa.test import BaseTestCase, make_offering


class SearchEngineTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.walk = make_offering(cls.association, "Promenadgruppen")
        cls.grief = make_offering(
            cls.association,
            "Sorgegruppe for voksne",
            description="Et trygt rum for at tale om tab og savn.",
            categories=("grief-support",),
            text_language="da",
        )
        cls.choir = make_offering(
            cls.association,
            "Kören Glada Röster",
            description="Vi sjunger tillsammans varje onsdag, alla är välkomna.",
            categories=("music-singing",),
        )

    def found(self, query: str) -> list[str]:
        return [o.name for o in search.apply(Offering.objects.all(), query)]

    def test_it_finds_compounds_by_prefix(self) -> None:
        self.assertEqual(self.found("promenad"), ["Promenadgruppen"])

    def test_it_finds_danish_compounds(self) -> None:
        self.assertEqual(self.found("sorg"), ["Sorgegruppe for voksne"])

    def test_it_stems_swedish_inflections(self) -> None:
        self.assertEqual(self.found("sjunga"), ["Kören Glada Röster"])

    def test_it_requires_every_word(self) -> None:
        self.assertEqual(self.found("promenad kören"), [])

    def test_stop_words_only_leave_the_list_whole(self) -> None:
        self.assertEqual(len(self.found("och det att")), 3)

    def test_it_ranks_name_matches_first(self) -> None:
        make_offering(
            self.association,
            "Fikastund",
            description="Efter promenaden fikar vi.",
            categories=("meeting-place",),
        )
        self.assertEqual(self.found("promenad")[0], "Promenadgruppen")

    def test_markup_and_sql_are_inert(self) -> None:
        for query in [
            '"; DROP TABLE directory_offering; --',
            "<script>x</script>",
            "a' OR '1'='1",
            'NEAR(a b) "*',
        ]:
            self.assertEqual(self.found(query), [], query)
        self.assertEqual(Offering.objects.count(), 3)

    def test_reindex_follows_a_change(self) -> None:
        self.choir.name = "Sångcirkeln"
        self.choir.save()
        search.reindex([self.choir.pk])
        self.assertEqual(self.found("sångcirkel"), ["Sångcirkeln"])
        self.assertEqual(self.found("glada"), [])


class SearchCostTest(BaseTestCase):
    """The ranking reads each match's index row once; it never runs the word query again per
    row (on SQLite that made a broad word quadratic in its matches: 93 s at 100,000
    offerings)."""

    def test_the_word_query_runs_once_per_search(self) -> None:
        from django.db import connection

        sql = str(search.apply(Offering.objects.public(), "fika promenad").query)
        if connection.vendor == "sqlite":
            self.assertEqual(sql.count(" MATCH "), 1, sql)
            self.assertNotIn("bm25", sql)
        else:
            # One match for the filter and one for ts_rank, each a lookup by primary key.
            self.assertIn("WHERE offering_id = directory_offering.id", sql)

    def test_more_words_in_the_name_rank_higher(self) -> None:
        both = make_offering(self.association, "Promenad och fika")
        one = make_offering(self.association, "Promenad", description="Vi fikar efteråt.")
        found = [o.pk for o in search.apply(Offering.objects.all(), "promenad fika")]
        self.assertEqual(found, [both.pk, one.pk])

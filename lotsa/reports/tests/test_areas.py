"""Where an area written by a link worker goes on the map."""

from __future__ import annotations

from django.test import SimpleTestCase

from lotsa.reports.areas import locate

UMEA = "SE-2480"


class LocateTests(SimpleTestCase):
    def test_a_known_town_is_placed_exactly(self) -> None:
        holmsund = locate(UMEA, "Holmsund")
        assert holmsund is not None
        self.assertFalse(holmsund.is_approximate)
        self.assertAlmostEqual(holmsund.lat, 63.706, places=2)

    def test_extra_words_at_the_end_are_dropped(self) -> None:
        centre = locate(UMEA, "Umeå centrum")
        assert centre is not None
        self.assertFalse(centre.is_approximate)
        viby = locate("DK-751", "Viby J")
        assert viby is not None
        self.assertFalse(viby.is_approximate)
        self.assertAlmostEqual(viby.lat, 56.12, places=1)

    def test_an_unknown_area_stands_at_the_municipalitys_centre_marked_approximate(self) -> None:
        ersboda = locate(UMEA, "Ersboda")
        umea = locate(UMEA, "")
        assert ersboda is not None and umea is not None
        self.assertTrue(ersboda.is_approximate)
        self.assertFalse(umea.is_approximate)
        self.assertEqual((ersboda.lat, ersboda.lon), (umea.lat, umea.lon))

    def test_a_town_of_another_municipality_is_not_taken(self) -> None:
        # Holmsund is in Umeå: written for Stockholm it is not placed there.
        stockholm = locate("SE-0180", "Holmsund")
        assert stockholm is not None
        self.assertTrue(stockholm.is_approximate)

    def test_an_unknown_municipality_has_no_place(self) -> None:
        self.assertIsNone(locate("XX-0000", "Somewhere"))

"""The research export's content: k ≥ 5 over every quasi-identifier combination, no identifier
anywhere in the CSV or the JSON, stable keyed pseudonyms, consent, scope and period, months
instead of dates, generalisation and suppression as the metadata says."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections import defaultdict
from typing import Any

from django.db import connection
from django.test import SimpleTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lotsa.accounts.models import Organization
from lotsa.outcomes import instruments
from lotsa.outcomes.models import Assessment, ExperienceSurvey, FollowUp, HealthcareUse, Mode
from lotsa.people import actions as people_actions
from lotsa.people.models import Consent, Person
from lotsa.referrals import actions as referral_actions
from lotsa.referrals.models import ActivityReferral, Case, Referral
from lotsa.reports import research
from lotsa.test import (
    BaseTestCase,
    Role,
    canary_person,
    canary_values,
    make_activity_referral,
    make_case,
    make_offering,
    make_organization,
    make_team,
    make_user,
    report_figure,
)

KEY = "kanarie-nyckel-for-forskning-0123456789-abcdefghij"
OTHER_KEY = "en-annan-nyckel-for-forskning-9876543210-zyxwvutsrq"
VANNAS = "SE-2460"  # Vännäs, in Västerbotten like Umeå
STOCKHOLM = "SE-0180"
# A pseudonym: 64 hexadecimal digits. The scan blanks them first, since random hex digits
# may spell any short number; an identifier put in their place would not be 64 hex digits.
PSEUDONYM = re.compile(r"\b[0-9a-f]{64}\b")
# Free text written into every text field of a case, found nowhere else.
FREE_TEXT = "Kanariefritext"


def born_aged(age: int, days_ago: int) -> dt.date:
    """A birth date of someone `age` years old today whose birthday was `days_ago` days ago."""
    today = timezone.localdate() - dt.timedelta(days=days_ago)
    try:
        return today.replace(year=today.year - age)
    except ValueError:  # 29 February
        return today.replace(year=today.year - age, day=28)


def give_research_consent(person: Person) -> Consent:
    return people_actions.record_consent(
        person, Consent.Scope.RESEARCH, method=Consent.Method.WRITTEN, acting_user=None
    )


def score(case: Case, code: str, answers: dict[str, int], months: int) -> Assessment:
    """An assessment answered at the follow-up `months` after the case's referral."""
    instrument = instruments.get(code)
    scores = instrument.score(answers)
    day = timezone.localdate(case.referral.created_at)
    answered = add_months(day, months)
    follow_up, _created = FollowUp.objects.get_or_create(
        case=case, months=months, defaults={"due_on": answered}
    )
    return Assessment.objects.create(
        case=case,
        follow_up=follow_up,
        instrument=code,
        answers=answers,
        scores=scores,
        score=instrument.primary_score(scores),
        answered_on=answered,
        mode=Mode.WITH_LINK_WORKER,
    )


def add_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 + months
    return dt.date(total // 12, total % 12 + 1, min(day.day, 28))


def files_of(archive: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return {name: opened.read(name).decode("utf-8-sig") for name in opened.namelist()}


def csv_tables(archive: bytes) -> dict[str, list[dict[str, str]]]:
    return {
        name.removesuffix(".csv"): list(csv.DictReader(io.StringIO(text)))
        for name, text in files_of(archive).items()
        if name.endswith(".csv")
    }


def small_groups(rows: list[dict[str, Any]], k: int) -> dict[tuple[str, ...], int]:
    """The quasi-identifier combinations of the cases table with fewer than k people."""
    people: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for row in rows:
        people[tuple(str(row[name]) for name in research.QUASI_IDENTIFIERS)].add(row["person_id"])
    return {group: len(found) for group, found in people.items() if len(found) < k}


def identifiers(person: Person) -> dict[str, tuple[str, ...]]:
    """Every direct identifier of `person`, in the forms a file could hold it."""
    found = dict(canary_values(person))
    if person.first_name and person.last_name:
        found["full name"] = (f"{person.first_name} {person.last_name}",)
    if person.postcode:
        found["postcode"] = (person.postcode, person.postcode.replace(" ", ""))
    if person.birth_date:
        born = person.birth_date
        found["birth date"] = (born.isoformat(), f"{born:%Y%m%d}", f"{born:%y%m%d}")
    return {field: tuple(form for form in forms if form) for field, forms in found.items()}


def export_texts(export: research.Export) -> dict[str, str]:
    """The export's JSON, and every file of its zipped CSV, as text."""
    return {
        "json": research.as_json(export).decode(),
        **{f"zip:{name}": text for name, text in files_of(research.as_zip(export)).items()},
    }


def scan(texts: dict[str, str], people: list[Person]) -> tuple[list[str], int]:
    """Where the texts hold the pseudonym key, free text, or an identifier of one of `people`
    (pseudonyms blanked first); and how many checks that took."""
    found, checked = [], 0
    for where, text in texts.items():
        text = PSEUDONYM.sub("", text)
        for needle, what in ((KEY, "the key"), (FREE_TEXT, "free text")):
            checked += 1
            if needle in text:
                found.append(f"{what} in {where}")
        for person in people:
            for field, forms in identifiers(person).items():
                checked += len(forms)
                if any(form in text for form in forms):
                    found.append(f"{field} of {person.pk} in {where}")
    return found, checked


class ResearchWorld(BaseTestCase):
    """People referred to the Umeå teams and consenting to research, in groups built so that
    the export must generalise some and suppress others; and people it must leave out.

    Team A (Vårdcentralen Ålidhem): six women of 72 and five men of 40 in Umeå, and one
    woman of 30 in Stockholm, alone in every generalisation (suppressed). Team B
    (Vårdcentralen Teg): three women of 50 in Umeå and two in Vännäs — five in Västerbotten,
    so that unit's areas become the county. Left out: a person without consent to research,
    one who withdrew it, one referred eleven years ago, and one of a team in Stockholm.
    """

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.people: list[Person] = []
        cls.cases: dict[str, Case] = {}
        groups = (
            ("OldWoman", 6, 72, "female", "SE-2480", cls.team_a),
            ("MidMan", 5, 40, "male", "SE-2480", cls.team_a),
            ("Lone", 1, 30, "female", STOCKHOLM, cls.team_a),
            ("UmeaB", 3, 50, "female", "SE-2480", cls.team_b),
            ("VannasB", 2, 50, "female", VANNAS, cls.team_b),
        )
        for prefix, count, age, sex, municipality, team in groups:
            for index in range(count):
                tag = f"{prefix}{chr(65 + index)}"
                cls.cases[tag] = cls.referred(tag, age, sex, municipality, team, index)
        # Left out: no consent, a withdrawn consent, outside the period, outside the scope.
        cls.no_consent = cls.referred("Nocon", 72, "female", "SE-2480", cls.team_a, 1, False)
        cls.withdrawn = cls.referred("Withdrawn", 72, "female", "SE-2480", cls.team_a, 2)
        consent = Consent.objects.get(person=cls.withdrawn.person, scope="research")
        people_actions.withdraw_consent(consent, acting_user=cls.link_worker)
        cls.old = cls.referred("Oldcase", 72, "female", "SE-2480", cls.team_a, 3)
        Referral.objects.filter(pk=cls.old.referral_id).update(
            created_at=timezone.now() - dt.timedelta(days=365 * 11)
        )
        centre = make_organization(
            "Vårdcentralen Söder", Organization.Kind.HEALTH_CENTRE, municipality=STOCKHOLM
        )
        worker = make_user("lw@soder.example", centre, Role.LINK_WORKER)
        cls.elsewhere = cls.referred(
            "Soder",
            72,
            "female",
            STOCKHOLM,
            make_team("Lotsarna Söder", centre, worker),
            4,
            by=worker,
        )
        cls.fill(cls.cases["OldWomanA"])

    @classmethod
    def referred(
        cls,
        tag: str,
        age: int,
        sex: str,
        municipality: str,
        team: Any,
        index: int,
        consents: bool = True,
        by: Any = None,
    ) -> Case:
        person = canary_person(
            tag, born_aged(age, days_ago=10 + index), sex=sex, municipality=municipality
        )
        cls.people.append(person)
        if consents:
            give_research_consent(person)
        worker = by or (cls.link_worker if team == cls.team_a else cls.outsider_link_worker)
        return make_case(
            team,
            worker,
            cls.gp if team == cls.team_a else None,
            person=person,
            reasons=[Referral.Reason.LONELINESS, Referral.Reason.BEREAVEMENT],
            details=f"{FREE_TEXT} i remissen",
            ucla3=(3, 2, 3),
        )

    @classmethod
    def fill(cls, case: Case) -> None:
        """Everything a case can hold, free text in every text field."""
        Case.objects.filter(pk=case.pk).update(
            what_matters=f"{FREE_TEXT} som betyder något",
            plan=f"{FREE_TEXT} i planen",
        )
        referral_actions.record_contact(
            case, channel="phone", acting_user=cls.link_worker, note=f"{FREE_TEXT} i samtalet"
        )
        Referral.objects.filter(pk=case.referral_id).update(
            first_contact_at=case.referral.created_at + dt.timedelta(days=3)
        )
        who5 = instruments.get("who5").item_keys
        score(case, "who5", dict.fromkeys(who5, 2), 0)
        score(case, "who5", dict.fromkeys(who5, 4), 3)
        score(case, "ucla3", {"companionship": 3, "left_out": 3}, 0)  # one item unanswered
        ExperienceSurvey.objects.create(
            case=case,
            follow_up=FollowUp.objects.get(case=case, months=3),
            satisfaction=4,
            hours_suited=ExperienceSurvey.HoursSuited.YES,
            progress=ExperienceSurvey.Progress.SOME,
            would_change=f"{FREE_TEXT} om tiderna",
            answered_on=add_months(timezone.localdate(case.referral.created_at), 3),
            mode=Mode.SELF,
        )
        for period, gp, emergency in (("before", 6, 2), ("after", 3, 0)):
            HealthcareUse.objects.create(
                case=case,
                period=period,
                gp_visits=gp,
                emergency_visits=emergency,
                source=HealthcareUse.Source.ENTERED,
            )
        offering = make_offering(cls.association, categories=("walking-outdoor",))
        activity = make_activity_referral(
            case, offering, cls.link_worker, message=f"{FREE_TEXT} till föreningen"
        )
        ActivityReferral.objects.filter(pk=activity.pk).update(
            status=ActivityReferral.Status.IN_PROGRESS,
            participation=ActivityReferral.Participation.ATTENDING,
            started_on=add_months(timezone.localdate(case.referral.created_at), 1),
        )

    def scope(self, organizations: tuple[Organization, ...] = (), years: int = 1) -> research.Scope:
        today = timezone.localdate()
        return research.Scope(
            organizations=organizations or (self.municipality,),
            since=today - dt.timedelta(days=365 * years),
            until=today,
        )

    def export(self, key: str = KEY, **scope: Any) -> research.Export:
        return research.build(self.scope(**scope), key=key)


class ResearchExportTests(ResearchWorld):
    def test_every_quasi_identifier_combination_holds_at_least_five_people(self) -> None:
        export = self.export()
        k = research.min_group()
        self.assertGreaterEqual(k, 5)
        from_json = json.loads(research.as_json(export))["tables"]["cases"]
        from_csv = csv_tables(research.as_zip(export))["cases"]
        self.assertEqual(len(from_json), 16)
        self.assertEqual(len(from_csv), 16)
        self.assertEqual(small_groups(from_json, k), {})
        self.assertEqual(small_groups(from_csv, k), {})
        groups = {tuple(row[name] for name in research.QUASI_IDENTIFIERS) for row in from_csv}
        report_figure("research export k-anonymity", f"{len(groups)} groups, all of ≥ {k}")

    def test_no_identifier_of_any_person_nor_the_key_is_in_the_csv_or_the_json(self) -> None:
        export = self.export()
        people = list(Person.objects.all())
        self.assertGreaterEqual(len(people), 20)
        found, checked = scan(export_texts(export), people)
        report_figure("research export identifier scan", f"{checked} checks, {len(found)} found")
        self.assertEqual(found, [])

    def test_the_scan_finds_an_identifier_put_in_the_export(self) -> None:
        export = self.export()
        person = self.cases["MidManB"].person
        export.tables["cases"][0]["area_name"] = person.birth_date.isoformat()
        export.tables["assessments"][0]["mode"] = f"{person.first_name} {person.last_name}"
        found, _checked = scan(export_texts(export), [person])
        self.assertIn(f"birth date of {person.pk} in json", found)
        self.assertIn(f"birth date of {person.pk} in zip:cases.csv", found)
        self.assertIn(f"full name of {person.pk} in zip:assessments.csv", found)

    def test_the_tables_hold_the_cases_outcomes_and_activities_in_months(self) -> None:
        tables = self.export().tables
        case_id = research.pseudonym(KEY, "case", self.cases["OldWomanA"].uuid)
        person_id = research.pseudonym(KEY, "person", self.cases["OldWomanA"].person.uuid)
        case = next(row for row in tables["cases"] if row["case_id"] == case_id)
        self.assertEqual(case["person_id"], person_id)
        self.assertEqual(case["unit"], "Vårdcentralen Ålidhem")
        self.assertEqual(
            (case["age_band"], case["sex"], case["area"]), ("65-74", "female", "SE-2480")
        )
        self.assertEqual((case["area_name"], case["area_level"]), ("Umeå kommun", "municipality"))
        self.assertEqual((case["reason_loneliness"], case["reason_bereavement"]), (1, 1))
        self.assertEqual(case["reason_sick_leave"], 0)
        self.assertEqual(case["referral_ucla3_score"], 8)
        self.assertEqual(case["days_to_first_contact"], 3)
        self.assertEqual(
            (case["stage"], case["is_closed"], case["months_to_closure"]), ("mapping", 0, None)
        )
        scores = {
            (row["instrument"], row["scale"], row["time_point"]): row["score"]
            for row in tables["assessments"]
            if row["case_id"] == case_id
        }
        self.assertEqual(scores[("who5", "raw", 0)], 10)
        self.assertEqual(scores[("who5", "percentage", 3)], 80)
        self.assertIsNone(scores[("ucla3", "total", 0)])  # an item unanswered: missing, not 0
        months = {
            row["time_point"]: row["months_after_referral"]
            for row in tables["assessments"]
            if row["case_id"] == case_id
        }
        self.assertEqual(months, {0: 0, 3: 3})
        [survey] = tables["experience"]
        self.assertEqual(
            (survey["time_point"], survey["satisfaction"], survey["progress"]), (3, 4, "some")
        )
        self.assertNotIn("would_change", survey)
        use = {
            row["period"]: (row["gp_visits"], row["emergency_visits"])
            for row in tables["healthcare_use"]
        }
        self.assertEqual(use, {"before": (6, 2), "after": (3, 0)})
        [activity] = tables["activity_referrals"]
        self.assertEqual(activity["categories"], ["walking-outdoor"])
        self.assertEqual(
            (activity["status"], activity["participation"]), ("in-progress", "attending")
        )
        self.assertEqual((activity["months_to_start"], activity["months_attended"]), (1, None))
        self.assertEqual(activity["provider_kind"], "association")

    def test_pseudonyms_are_stable_for_the_same_key_and_differ_for_another(self) -> None:
        def ids(export: research.Export) -> set[tuple[str, str]]:
            return {(row["case_id"], row["person_id"]) for row in export.tables["cases"]}

        first, again, other = self.export(), self.export(), self.export(key=OTHER_KEY)
        self.assertEqual(ids(first), ids(again))
        self.assertNotEqual(first.export_id, again.export_id)
        flat = {value for pair in ids(first) for value in pair}
        self.assertFalse(flat & {value for pair in ids(other) for value in pair})
        self.assertEqual(len(ids(other)), len(ids(first)))

    def test_a_person_keeps_one_pseudonym_over_two_cases(self) -> None:
        person = self.cases["MidManA"].person
        make_case(self.team_a, self.link_worker, self.gp, person=person)
        rows = [
            row
            for row in self.export().tables["cases"]
            if row["person_id"] == research.pseudonym(KEY, "person", person.uuid)
        ]
        self.assertEqual(len(rows), 2)
        self.assertNotEqual(rows[0]["case_id"], rows[1]["case_id"])

    def test_it_generalises_and_suppresses_as_its_metadata_says(self) -> None:
        export = self.export()
        counts = export.metadata["counts"]
        self.assertEqual(counts["people_exported"], 16)
        self.assertEqual(counts["people_suppressed"], 1)  # the woman of 30 in Stockholm
        self.assertEqual(counts["people_generalised"], 5)  # team B's, to the county
        self.assertEqual(counts["cases_suppressed"], 1)
        self.assertEqual(counts["cases_without_research_consent"], 2)
        units = {unit["unit"]: unit for unit in export.metadata["k_anonymity"]["units"]}
        self.assertEqual(units["Vårdcentralen Teg"]["area_level"], "county")
        self.assertEqual(units["Vårdcentralen Ålidhem"]["area_level"], "municipality")
        team_b = {
            (row["area"], row["area_name"], row["area_level"], row["age_band"])
            for row in export.tables["cases"]
            if row["unit"] == "Vårdcentralen Teg"
        }
        self.assertEqual(team_b, {("SE-AC", "Västerbottens län", "county", "45-54")})
        lone = research.pseudonym(KEY, "person", self.cases["LoneA"].person.uuid)
        self.assertNotIn(lone, {row["person_id"] for row in export.tables["cases"]})

    def test_it_leaves_out_people_without_consent_and_cases_outside_the_scope_or_period(
        self,
    ) -> None:
        export = self.export()
        exported = {row["case_id"] for row in export.tables["cases"]}
        for case in (self.no_consent, self.withdrawn, self.old, self.elsewhere):
            self.assertNotIn(research.pseudonym(KEY, "case", case.uuid), exported)
        # A period that reaches back to the old case counts it (61 then, alone in its
        # group, so suppressed).
        longer = self.export(years=12).metadata["counts"]
        self.assertEqual(longer["cases_in_scope"], export.metadata["counts"]["cases_in_scope"] + 1)
        self.assertEqual(longer["cases_suppressed"], 2)

    def test_a_health_centres_scope_is_its_own_teams_and_referrals(self) -> None:
        export = self.export(organizations=(self.health_centre_b,))
        self.assertEqual({row["unit"] for row in export.tables["cases"]}, {"Vårdcentralen Teg"})

    def test_the_rows_are_in_pseudonym_order_not_in_the_order_of_the_cases(self) -> None:
        rows = self.export().tables["cases"]
        self.assertEqual([row["case_id"] for row in rows], sorted(row["case_id"] for row in rows))

    def test_the_zip_holds_a_csv_per_table_the_dictionary_and_the_metadata(self) -> None:
        export = self.export()
        files = files_of(research.as_zip(export))
        self.assertEqual(
            set(files),
            {
                "cases.csv",
                "assessments.csv",
                "experience.csv",
                "healthcare_use.csv",
                "activity_referrals.csv",
                "dictionary.csv",
                "metadata.json",
            },
        )
        dictionary = list(csv.DictReader(io.StringIO(files["dictionary.csv"])))
        described = {(row["table"], row["column"]) for row in dictionary}
        for name in csv_tables(research.as_zip(export)):
            if name == "dictionary":
                continue
            header = files[f"{name}.csv"].splitlines()[0].split(",")
            self.assertEqual({(name, column) for column in header} - described, set())
        self.assertTrue(all(row["meaning"] and row["type"] for row in dictionary))
        self.assertEqual(json.loads(files["metadata.json"])["export_id"], export.export_id)

    def test_its_queries_do_not_grow_with_the_number_of_cases(self) -> None:
        with CaptureQueriesContext(connection) as before:
            research.build(self.scope(), key=KEY)
        for index in range(3):
            case = self.referred(
                f"Extra{chr(65 + index)}", 72, "female", "SE-2480", self.team_a, 20
            )
            self.fill(case)
        with CaptureQueriesContext(connection) as after:
            research.build(self.scope(), key=KEY)
        self.assertEqual(len(after), len(before))

    def test_k_follows_the_setting_but_never_drops_below_five(self) -> None:
        with override_settings(LOTSA_REPORT_MIN_GROUP=2):
            export = self.export()
        self.assertEqual(export.metadata["k_anonymity"]["k"], 5)
        self.assertEqual(export.metadata["counts"]["people_exported"], 16)
        with override_settings(LOTSA_REPORT_MIN_GROUP=6):
            export = self.export()
        self.assertEqual(export.metadata["k_anonymity"]["k"], 6)
        self.assertEqual(small_groups(export.tables["cases"], 6), {})
        # The five men of 40 and team B's five women are too few now; the women of 72 stay.
        self.assertEqual(export.metadata["counts"]["people_exported"], 6)

    def test_it_refuses_to_build_without_a_key(self) -> None:
        with (
            override_settings(LOTSA_RESEARCH_PSEUDONYM_KEY=""),
            self.assertRaises(research.ExportRefused),
        ):
            research.build(self.scope())


class AnonymisationTests(SimpleTestCase):
    """The hierarchies and the choice of levels, without a database."""

    def test_age_bands_nest_from_ten_years_to_the_widest(self) -> None:
        self.assertEqual(
            [research.age_band(age, 0) for age in (17, 18, 24, 25, 64, 65, 84, 85, 101)],
            ["0-17", "18-24", "18-24", "25-34", "55-64", "65-74", "75-84", "85+", "85+"],
        )
        self.assertEqual(
            [research.age_band(age, 1) for age in (30, 44, 45, 70)],
            ["18-44", "18-44", "45-64", "65+"],
        )
        self.assertEqual(
            [research.age_band(age, 2) for age in (5, 30, 80)], ["0-17", "18-64", "65+"]
        )
        self.assertEqual(research.age_band(None, 0), "unknown")

    def test_an_area_goes_up_from_municipality_to_county_to_country(self) -> None:
        self.assertEqual(research.area("SE-2480", 0), ("SE-2480", "Umeå kommun"))
        self.assertEqual(research.area("SE-2480", 1), ("SE-AC", "Västerbottens län"))
        self.assertEqual(research.area("SE-2480", 2), ("SE", "Sweden"))
        self.assertEqual(research.area("DK-751", 1)[0], "DK-82")
        self.assertEqual(research.area("", 1), ("unknown", ""))

    def test_months_are_whole_months_from_the_referral(self) -> None:
        day = dt.date(2025, 1, 31)
        self.assertEqual(research.months_between(day, dt.date(2025, 2, 28)), 0)
        self.assertEqual(research.months_between(day, dt.date(2025, 3, 31)), 2)
        self.assertIsNone(research.months_between(day, None))

    def test_it_chooses_the_lowest_levels_that_leave_nobody_in_a_small_group(self) -> None:
        def record(person: str, age: int, municipality: str) -> research.Record:
            return research.Record(person, "Unit", "female", age, municipality)

        records = [record(f"p{n}", 70 + n % 4, "SE-2480") for n in range(5)]
        records += [record(f"q{n}", 20 + n, "SE-2460") for n in range(5)]
        levels, small = research.choose_levels(records, 5)
        self.assertEqual((levels, small), ((0, 0), set()))
        records.append(record("lone", 71, "SE-2460"))
        levels, small = research.choose_levels(records, 5)
        # Both Västerbotten municipalities share the county: area first, ages kept.
        self.assertEqual((levels, small), ((1, 0), set()))

    def test_a_group_too_small_at_every_level_is_suppressed(self) -> None:
        records = [research.Record(f"p{n}", "Unit", "male", 40, "SE-2480") for n in range(5)]
        records.append(research.Record("lone", "Unit", "other", 40, "SE-2480"))
        done = research.anonymise(records, 5)
        self.assertEqual([r.person for r in done if r.is_suppressed], ["lone"])
        self.assertEqual({(r.area_level, r.age_level) for r in done}, {(0, 0)})

    def test_the_system_check_warns_without_a_key_or_with_a_short_one(self) -> None:
        with override_settings(LOTSA_RESEARCH_PSEUDONYM_KEY=""):
            self.assertEqual([m.id for m in research.check_pseudonym_key()], ["lotsa.reports.W001"])
        with override_settings(LOTSA_RESEARCH_PSEUDONYM_KEY="short"):
            self.assertEqual([m.id for m in research.check_pseudonym_key()], ["lotsa.reports.W002"])
        with override_settings(LOTSA_RESEARCH_PSEUDONYM_KEY=KEY):
            self.assertEqual(research.check_pseudonym_key(), [])

"""Lotsa's vocabularies: categories, target groups, accessibility features, languages."""

from django.db import migrations

CATEGORIES = [
    ("meeting-place", "Social mötesplats", "Socialt mødested", "Social meeting place"),
    ("walking-outdoor", "Promenad och friluftsliv", "Gåture og friluftsliv", "Walking and outdoors"),
    ("exercise", "Motion och rörelse", "Motion og bevægelse", "Exercise and movement"),
    ("creative", "Skapande och hantverk", "Kreativitet og håndværk", "Creative and crafts"),
    ("culture", "Kultur", "Kultur", "Culture"),
    ("music-singing", "Musik och sång", "Musik og sang", "Music and singing"),
    ("food-cooking", "Mat och matlagning", "Mad og madlavning", "Food and cooking"),
    ("nature-gardening", "Natur och odling", "Natur og havebrug", "Nature and gardening"),
    ("study-circle", "Studiecirkel", "Studiekreds", "Study circle"),
    ("language-cafe", "Språkcafé", "Sprogcafé", "Language café"),
    ("digital-help", "Digital hjälp", "Digital hjælp", "Digital help"),
    ("grief-support", "Sorg- och stödgrupp", "Sorg- og støttegruppe", "Grief and support group"),
    ("carer-support", "Anhörigstöd", "Pårørendestøtte", "Carer support"),
    ("parents", "Föräldrar och barn", "Forældre og børn", "Parents and children"),
    ("newly-arrived", "Nyanlända", "Nyankomne", "Newly arrived"),
    ("volunteering", "Volontärarbete", "Frivilligt arbejde", "Volunteering"),
    ("work-studies", "Arbete och studier", "Arbejde og uddannelse", "Work and studies"),
    ("conversation", "Samtal och stöd", "Samtale og støtte", "Conversation and support"),
    ("games", "Spel och sällskap", "Spil og selskab", "Games and company"),
    ("reading-library", "Läsning och bibliotek", "Læsning og bibliotek", "Reading and library"),
    ("faith-community", "Trosgemenskap", "Trosfællesskab", "Faith community"),
    ("sports-club", "Idrott och förening", "Idræt og forening", "Sports club"),
    ("animals", "Djur", "Dyr", "Animals"),
    ("health-lifestyle", "Hälsa och livsstil", "Sundhed og livsstil", "Health and lifestyle"),
]
AUDIENCES = [
    ("everyone", "Alla", "Alle", "Everyone"),
    ("older-people", "Äldre", "Ældre", "Older people"),
    ("young-adults", "Unga vuxna", "Unge voksne", "Young adults"),
    ("parents", "Föräldrar", "Forældre", "Parents"),
    ("carers", "Anhöriga", "Pårørende", "Carers"),
    ("newly-arrived", "Nyanlända", "Nyankomne", "Newly arrived"),
    ("sick-leave", "Sjukskrivna", "Sygemeldte", "People on sick leave"),
    ("women", "Kvinnor", "Kvinder", "Women"),
    ("men", "Män", "Mænd", "Men"),
    ("disabilities", "Personer med funktionsnedsättning", "Personer med handicap", "People with disabilities"),
]
ACCESSIBILITY = [
    ("wheelchair", "Rullstolsanpassat", "Kørestolsvenligt", "Wheelchair accessible"),
    ("step-free", "Utan trappsteg", "Uden trin", "Step-free access"),
    ("accessible-toilet", "Tillgänglig toalett", "Handicaptoilet", "Accessible toilet"),
    ("hearing-loop", "Hörslinga", "Teleslynge", "Hearing loop"),
    ("seating", "Sittplatser och vila", "Siddepladser og hvile", "Seating and rest"),
    ("public-transport", "Nära kollektivtrafik", "Tæt på offentlig transport", "Near public transport"),
    ("easy-read", "Lättläst information", "Letlæst information", "Easy-read information"),
]
LANGUAGES = [
    ("sv", "Svenska", "Svensk", "Swedish"),
    ("da", "Danska", "Dansk", "Danish"),
    ("en", "Engelska", "Engelsk", "English"),
    ("ar", "Arabiska", "Arabisk", "Arabic"),
    ("fa", "Persiska", "Persisk", "Persian"),
    ("so", "Somaliska", "Somali", "Somali"),
    ("ti", "Tigrinja", "Tigrinya", "Tigrinya"),
    ("fi", "Finska", "Finsk", "Finnish"),
    ("pl", "Polska", "Polsk", "Polish"),
    ("uk", "Ukrainska", "Ukrainsk", "Ukrainian"),
    ("bs", "Bosniska", "Bosnisk", "Bosnian"),
    ("tr", "Turkiska", "Tyrkisk", "Turkish"),
]


def load(apps, schema_editor):
    Term = apps.get_model("directory", "Term")
    for vocabulary, rows in [
        ("category", CATEGORIES),
        ("audience", AUDIENCES),
        ("accessibility", ACCESSIBILITY),
        ("language", LANGUAGES),
    ]:
        for position, (code, sv, da, en) in enumerate(rows):
            Term.objects.update_or_create(
                vocabulary=vocabulary,
                code=code,
                defaults={"name_sv": sv, "name_da": da, "name_en": en, "position": position},
            )


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_search_index")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

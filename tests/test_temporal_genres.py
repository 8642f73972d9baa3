"""Genres beyond TempEval-3 news: narrative prose and social-media posts.

Each row: (text, dct, mention text, TIMEX3 value, type, mod). Values follow the TimeML /
TempEval-3 gold conventions:

* "N units later/earlier" and "in 2 hrs" are DURATIONs (TE3 tags "in <two weeks>" as P2W);
  the narrative's own date then moves by the duration for what follows.
* narrative anaphora ("the next year", "that summer", "the following spring", "the next
  morning") counts from the last date told, not from the document date; "the next day" after
  a month is a day of that month ("1999-03-XX").
* ages ("at the age of 12", "12 years old", "the 6-year-old", "in his early twenties") are
  not TIMEX3 in TimeBank/AQUAINT, nor are hashtags ("#MondayMotivation"), "24/7" and scores.
* "tonight" is DCT+TNI and "this morning" DCT+TMO (TIME); "11pm" is a TIME on the DCT;
  "tonight at 8" is two expressions and the bare hour is 20:00 on that day.
"""

from __future__ import annotations

from datetime import date

import pytest

from dateline.temporal import Mention, tag
from dateline.temporal.timex import is_timex_value

D = date(2017, 8, 8)  # a Tuesday; ISO week 2017-W32

Row = tuple[str, date | None, str, str, str, str | None]

PARIS = "He moved to Paris in 1921. Two years later he married"
VOYAGE = "On 4 July 1910 he sailed from Dover. Two weeks later he reached Bombay."

NARRATIVE: list[Row] = [
    (PARIS + ".", D, "Two years", "P2Y", "DURATION", None),
    (PARIS + ". That year he wrote his first novel.", D, "That year", "1923", "DATE", None),
    (PARIS + ". That year he wrote his first novel.", None, "That year", "1923", "DATE", None),
    (PARIS + ", and the next year his son was born.", D, "the next year", "1924", "DATE", None),
    (PARIS + ", and the next year his son was born.", None, "the next year", "1924", "DATE", None),
    (PARIS + ". The previous year he had met her.", D, "The previous year", "1922", "DATE", None),
    ("In March 1999 the company was founded. The next day its shares rose.", D, "The next day", "1999-03-XX",
     "DATE", None),
    ("In 1805 the fleet sailed. The next week it reached Cadiz.", D, "The next week", "1805-WXX", "DATE", None),
    ("In 1805 the fleet sailed. The next month it reached Cadiz.", D, "The next month", "1805-XX", "DATE", None),
    ("In March 1999 the dam burst. That night the town was flooded.", D, "That night", "1999-03-XXTNI", "TIME",
     None),
    ("In January 1910 he sailed for India. The next month he fell ill.", D, "The next month", "1910-02", "DATE",
     None),
    (VOYAGE + " The next day he fell ill.", D, "The next day", "1910-07-19", "DATE", None),
    (VOYAGE + " That night he fell ill.", D, "That night", "1910-07-18TNI", "TIME", None),
    ("He graduated in 1990. The following spring he left for Rome.", D, "The following spring", "1991-SP", "DATE",
     None),
    ("In 1936 she moved to Madrid. The following summer the city was under siege.", D, "The following summer",
     "1937-SU", "DATE", None),
    ("He was elected in November 1932. The following March he took office.", D, "The following March", "1933-03",
     "DATE", None),
    ("In 1990 they moved to Boston. That summer she met him.", D, "That summer", "1990-SU", "DATE", None),
    ("The family moved in the spring of 1932. That fall he started school.", D, "That fall", "1932-FA", "DATE", None),
    ("She arrived on 3 May 1901. The next morning she left.", D, "The next morning", "1901-05-04TMO", "TIME", None),
    ("She arrived on 3 May 1901. The next morning she left. That evening it rained.", D, "That evening",
     "1901-05-04TEV", "TIME", None),
    ("She arrived on 3 May 1901. The next morning she left.", None, "The next morning", "1901-05-04TMO", "TIME", None),
    ("The program started in 1962. By the end of the decade, it had landed on the moon.", D,
     "the end of the decade", "196", "DATE", "END"),
    ("In the 1920s jazz was everywhere. By the end of the decade the crash had come.", D, "the end of the decade",
     "192", "DATE", "END"),
    ("The program started in 1962. The following decade was quieter.", D, "The following decade", "197", "DATE",
     None),
    ("In the 15th century the town grew. The following century was quieter.", D, "The following century", "15",
     "DATE", None),
    ("In 1805 the fleet sailed. Early the next year it reached Cadiz.", D, "Early the next year", "1806", "DATE",
     "START"),
    ("In 1805 the fleet sailed. Late the following year it reached Cadiz.", D, "Late the following year", "1806",
     "DATE", "END"),
    ("In 1805 the fleet sailed. Later that year it reached Cadiz.", D, "Later that year", "1805", "DATE", "END"),
    ("In 1901 he left. The same year his father died.", D, "The same year", "1901", "DATE", None),
    ("He was born in 1920. In 1941 he joined the army. Four years later he was dead. That year the war ended.", D,
     "That year", "1945", "DATE", None),
    ("The war ended in 1945. A few months later he came home.", D, "A few months", "PXM", "DURATION", None),
    ("In 1850 he moved to Paris. Three years later, in 1853, he returned.", D, "1853", "1853", "DATE", None),
    ("She was born in 1950. In the late 1960s she moved to Paris.", D, "the late 1960s", "196", "DATE", "END"),
    ("In the early 1930s he lived in Berlin.", D, "the early 1930s", "193", "DATE", "START"),
    ("He lived in the 18th century.", D, "the 18th century", "17", "DATE", None),
    ("The cathedral was completed in the 13th century.", None, "the 13th century", "12", "DATE", None),
    ("Such tools only appeared in the 21st century.", D, "the 21st century", "20", "DATE", None),
    ("The chapel dates from the early 16th century.", D, "the early 16th century", "15", "DATE", "START"),
    # the news keeps the document's "now": "by the end of the decade" with no narrative is this decade
    ("The plant opened in 1998. It will close early next year.", D, "early next year", "2018", "DATE", "START"),
    ("Sales should double by the end of the decade, the company said.", D, "the end of the decade", "201", "DATE",
     "END"),
]

SOCIAL: list[Row] = [
    ("lol 2day was long", D, "2day", "2017-08-08", "DATE", None),
    ("see u at 11pm", D, "11pm", "2017-08-08T23:00", "TIME", None),
    ("SEE U AT 11PM", D, "11PM", "2017-08-08T23:00", "TIME", None),
    ("cant sleep, up at 5:30 tmrw", D, "5:30 tmrw", "2017-08-09T05:30", "TIME", None),
    ("back in 2 hrs", D, "2 hrs", "PT2H", "DURATION", None),
    ("brb in 5 min", D, "5 min", "PT5M", "DURATION", None),
    ("meeting in an hr", D, "an hr", "PT1H", "DURATION", None),
    ("this wknd is gonna be lit", D, "this wknd", "2017-W32-WE", "DATE", None),
    ("plans for the wknd?", D, "the wknd", "2017-W32-WE", "DATE", None),
    ("we had fun over the weekend", D, "the weekend", "2017-W31-WE", "DATE", None),
    ("gonna chill the whole weekend, the weekend is mine", D, "the weekend", "2017-W32-WE", "DATE", None),
    ("last wknd was wild", D, "last wknd", "2017-W31-WE", "DATE", None),
    ("next wk is finals", D, "next wk", "2017-W33", "DATE", None),
    ("rn i'm so tired", D, "rn", "PRESENT_REF", "DATE", None),
    ("Sat night was wild", D, "Sat night", "2017-08-05", "DATE", None),
    ("this morning was rough", D, "this morning", "2017-08-08TMO", "TIME", None),
    ("yday's game was crazy", D, "yday", "2017-08-07", "DATE", None),
    ("see you in january", D, "january", "2018-01", "DATE", None),
    ("gonna visit in dec", D, "dec", "2017-12", "DATE", None),
    ("i'll be back in sept", D, "sept", "2017-09", "DATE", None),
    ("in march i went to paris", D, "march", "2017-03", "DATE", None),
    ("sick since jan smh", D, "jan", "2017-01", "DATE", None),
    ("nov 3rd works for me", D, "nov 3rd", "2017-11-03", "DATE", None),
    ("party on 12/25/2012", D, "12/25/2012", "2012-12-25", "DATE", None),
    ("tmrw at 8am", D, "8am", "2017-08-09T08:00", "TIME", None),
    ("tmrw morn", D, "tmrw morn", "2017-08-09TMO", "TIME", None),
    ("till thurs", D, "thurs", "2017-08-10", "DATE", None),
    ("going out fri nite", D, "fri nite", "2017-08-11", "DATE", None),
    ("3 weeks ago", D, "3 weeks ago", "2017-W29", "DATE", None),
    ("4th of july bbq", D, "4th of july", "2017-07-04", "DATE", None),
    ("gym at 6am every day", D, "every day", "P1D", "SET", None),
    ("tomorrow nite!!", D, "tomorrow nite", "2017-08-09TNI", "TIME", None),
    ("2nite!! \U0001f389", D, "2nite", "2017-08-08TNI", "TIME", None),
    # a bare hour after a day word and "at" is a clock time on that day (evening hours after "tonight")
    ("tonight at 8", D, "8", "2017-08-08T20:00", "TIME", None),
    ("2nite at 9 \U0001f60e", D, "9", "2017-08-08T21:00", "TIME", None),
    ("last nite at 11 the cops came", D, "11", "2017-08-07T23:00", "TIME", None),
    ("tmrw at 10 ok?", D, "10", "2017-08-09T10:00", "TIME", None),
    # an hour range: both ends are times ("5pm-7pm"; of "5-7pm" at least the closing hour)
    ("happy hour 5pm-7pm!!", D, "7pm", "2017-08-08T19:00", "TIME", None),
    ("open 9am-5pm", D, "9am", "2017-08-08T09:00", "TIME", None),
    ("happy hour 5-7pm", D, "7pm", "2017-08-08T19:00", "TIME", None),
    ("home by midnite", D, "midnite", "2017-08-08T24:00", "TIME", None),
    ("on the night of Oct. 23, 1998 he was shot", D, "Oct. 23, 1998", "1998-10-23", "DATE", None),
    # "this aft" (afternoon)
    ("this aft was so hot", D, "this aft", "2017-08-08TAF", "TIME", None),
    ("meet tmrw aft?", D, "tmrw aft", "2017-08-09TAF", "TIME", None),
    # a capitalised "Fri" / "Sat" / "Wed" in a post is the day
    ("see u Fri!!", D, "Fri", "2017-08-11", "DATE", None),
    ("omg Fri cant come soon enough", D, "Fri", "2017-08-11", "DATE", None),
    ("Fri was a blast", D, "Fri", "2017-08-04", "DATE", None),
    ("gonna party Sat \U0001f389", D, "Sat", "2017-08-12", "DATE", None),
    ("lets get drinks Thurs?", D, "Thurs", "2017-08-10", "DATE", None),
]

ALL = [pytest.param(*r, id=f"{name}:{r[0][:48]}") for name, rows in
       [("narrative", NARRATIVE), ("social", SOCIAL)] for r in rows]


def _find(mentions: list[Mention], span: str) -> Mention:
    hits = [m for m in mentions if m.text == span]
    assert hits, f"{span!r} not tagged; got {[(m.text, m.value) for m in mentions]}"
    return hits[0]


@pytest.mark.parametrize("text, dct, span, value, typ, mod", ALL)
def test_genres(text: str, dct: date | None, span: str, value: str, typ: str, mod: str | None) -> None:
    m = _find(tag(text, dct), span)
    assert (m.value, m.timex_type, m.mod) == (value, typ, mod)
    assert is_timex_value(m.value)


# Not temporal expressions in these genres: ages, hashtags, "24/7", scores, emoticons, ordinary words.
NEGATIVES = [
    "He began painting at the age of 12.",
    "At age 12 she left school.",
    "He was 12 years old when he left.",
    "The 6-year-old boy was found.",
    "In his early twenties he moved to London.",
    "In her late teens she sang in clubs.",
    "In his 30s he took up painting.",
    "He is in his sixties.",
    "During the war he served as a medic.",
    "#MondayMotivation let's go",
    "#FlashbackFriday pics",
    "#SundayFunday vibes",
    "#ThrowbackThursday to the beach",
    "we're open 24/7 lol",
    "i'm 24/7 tired",
    "i give it 10/10",
    "rated 5/5 would buy again",
    "the 9/11 attacks",
    ":) :( ;) <3 xD",
    "wait a second lol",
    "he won second place",
    "they wed in a barn",
    "Sat on the porch for hours",
    "the sun is out",
    "we march at dawn",
    "i fall asleep so fast",
    "may i ask u something",
    "we march in may be it rain or shine",
    "he may go in, may he not?",
    "Wed in a small chapel, they honeymooned in Rome.",
    "the aft deck was wet",
    "he sat at 10 tables",
    "top 10 at 8 percent",
    "we sat at 8 and talked",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_genre_negatives(text: str) -> None:
    ms = [m for m in tag(text, D) if m.timex_type in ("DATE", "TIME")]
    assert not ms, [(m.text, m.timex_type, m.value) for m in ms]


# A date beside them, but these words are not times: (text, span that must not be tagged).
NOT_TAGGED = [
    ("Stores open today at 8 locations.", "8"),
    ("COVID-19 cases rose today", "19"),
    ("Tonight at 8% interest it is a steal.", "8"),
    ("we sat at 8 tmrw", "sat"),
    ("tmrw we sail fore and aft", "aft"),
]


@pytest.mark.parametrize("text, span", NOT_TAGGED)
def test_genre_spans_not_tagged(text: str, span: str) -> None:
    assert span not in [m.text for m in tag(text, D)]

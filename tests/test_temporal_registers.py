"""Registers beyond news: social media, narrative/history prose, and news edge cases.

Each row: (text, dct, mention text, TIMEX3 value, type, mod). Values follow the TimeML /
TempEval-3 conventions: "tonight" is a TIME with a part of day (``2017-08-08TNI``); a
weekday with a part of day stays a DATE on that day; "N units later" is a DURATION (the
adverb is a signal); "tmrw @ 9pm" is two expressions and the time lies on tomorrow;
years before Christ are ``BC0753`` and the 5th century BC is ``BC04``. Further:

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

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.temporal import Mention, tag
from dateline.temporal.timex import is_timex_value

D = date(2017, 8, 8)  # a Tuesday; ISO week 2017-W32
WAR = "The war began in 1939. On 22 June 1941, Germany invaded the Soviet Union."

Row = tuple[str, date | None, str, str, str, str | None]

SOCIAL: list[Row] = [
    ("cant believe its already May!", D, "May", "2017-05", "DATE", None),
    ("new years resolution: gym", D, "new years", "2018-01-01", "DATE", None),
    ("new yrs eve plans?", D, "new yrs eve", "2017-12-31", "DATE", None),
    ("saw her the other night", D, "the other night", "PAST_REF", "DATE", None),
    ("party the day after tomorrow!!", D, "the day after tomorrow", "2017-08-10", "DATE", None),
    ("got back the day before yesterday", D, "the day before yesterday", "2017-08-06", "DATE", None),
    ("see u tmrw!!", D, "tmrw", "2017-08-09", "DATE", None),
    ("cant wait for tmr", D, "tmr", "2017-08-09", "DATE", None),
    ("party 2moro night", D, "2moro night", "2017-08-09TNI", "TIME", None),
    ("2morrow is the day", D, "2morrow", "2017-08-09", "DATE", None),
    ("tonite is the night", D, "tonite", "2017-08-08TNI", "TIME", None),
    ("2nite we ride", D, "2nite", "2017-08-08TNI", "TIME", None),
    ("2day is the day", D, "2day", "2017-08-08", "DATE", None),
    ("yday was crazy", D, "yday", "2017-08-07", "DATE", None),
    ("this morn was rough", D, "this morn", "2017-08-08TMO", "TIME", None),
    ("last nite was lit", D, "last nite", "2017-08-07TNI", "TIME", None),
    ("omg tomorrow night", D, "tomorrow night", "2017-08-09TNI", "TIME", None),
    ("nxt week is gonna be crazy", D, "nxt week", "2017-W33", "DATE", None),
    ("see you this weekend!!", D, "this weekend", "2017-W32-WE", "DATE", None),
    ("busy rn", D, "rn", "PRESENT_REF", "DATE", None),
    ("mon was awful", D, "mon", "2017-08-07", "DATE", None),
    ("gym on fri was brutal", D, "fri", "2017-08-04", "DATE", None),
    ("gym on fri, gonna be brutal", D, "fri", "2017-08-11", "DATE", None),
    ("see you next wed", D, "next wed", "2017-08-09", "DATE", None),
    ("see u next mon", D, "next mon", "2017-08-14", "DATE", None),
    ("nxt fri is payday", D, "nxt fri", "2017-08-11", "DATE", None),
    ("this sat", D, "this sat", "2017-08-12", "DATE", None),
    ("last sat was fun", D, "last sat", "2017-08-05", "DATE", None),
    ("I'll be there sat morning", D, "sat morning", "2017-08-12", "DATE", None),
    ("wed night was wild", D, "wed night", "2017-08-02", "DATE", None),
    ("happy friday \U0001f60a", date(2017, 8, 11), "friday", "2017-08-11", "DATE", None),  # posted on the day
    # a post's bare day with no tense is the coming one ("exam on mon"); with a tense it follows it
    ("exam on mon, studying all wknd", D, "mon", "2017-08-14", "DATE", None),
    ("b-day party sat @ 7 #turnup", D, "sat", "2017-08-12", "DATE", None),
    ("mon was awful", D, "mon", "2017-08-07", "DATE", None),
    ("He spoke Friday.", D, "Friday", "2017-08-04", "DATE", None),
    ("#Monday blues", D, "Monday", "2017-08-07", "DATE", None),
    ("TOMORROW!!! \U0001f389", D, "TOMORROW", "2017-08-09", "DATE", None),
    ("lunch at 4pm", D, "4pm", "2017-08-08T16:00", "TIME", None),
    ("call me at 4:30pm", D, "4:30pm", "2017-08-08T16:30", "TIME", None),
    ("10am tmrw works", D, "10am tmrw", "2017-08-09T10:00", "TIME", None),
    ("tmrw @ 9pm", D, "9pm", "2017-08-09T21:00", "TIME", None),
    ("TONIGHT at 8PM", D, "8PM", "2017-08-08T20:00", "TIME", None),
    ("MEETING TOMORROW AT 3PM", D, "3PM", "2017-08-09T15:00", "TIME", None),
    ("7pm tonight", D, "7pm tonight", "2017-08-08T19:00", "TIME", None),
    ("meet at 7 tonight", D, "7 tonight", "2017-08-08T19:00", "TIME", None),
    ("dinner @ 7", D, "7", "2017-08-08T19:00", "TIME", None),
    ("meet @ 9 for breakfast", D, "9", "2017-08-08T09:00", "TIME", None),
    ("2moro @ 10", D, "10", "2017-08-09T10:00", "TIME", None),
    ("see u jan 5th", D, "jan 5th", "2018-01-05", "DATE", None),
    ("back on aug 10", D, "aug 10", "2017-08-10", "DATE", None),
    ("sept 1st can't come soon enough", D, "sept 1st", "2017-09-01", "DATE", None),
    ("the concert is on march 3rd", date(2017, 2, 20), "march 3rd", "2017-03-03", "DATE", None),
    ("may 5 is my bday", date(2017, 4, 20), "may 5", "2017-05-05", "DATE", None),
    ("dec 25th cant come soon enough", date(2017, 12, 1), "dec 25th", "2017-12-25", "DATE", None),
    ("party on 5/12!!", D, "5/12", "2017-05-12", "DATE", None),
    ("party on 25/12 and again on 05/12", D, "05/12", "2017-12-05", "DATE", None),
    ("born 12/05/2019", D, "12/05/2019", "2019-12-05", "DATE", None),
    ("2k19 was the best year", date(2020, 1, 5), "2k19", "2019", "DATE", None),
    ("summer '19 was fun", date(2020, 1, 5), "summer '19", "2019-SU", "DATE", None),
    ("merry xmas everyone", date(2017, 12, 20), "xmas", "2017-12-25", "DATE", None),
    ("new year's eve plans?", date(2017, 12, 20), "new year's eve", "2017-12-31", "DATE", None),
    ("nye party at mine", date(2017, 12, 20), "nye", "2017-12-31", "DATE", None),
    ("happy easter!!", date(2017, 4, 10), "easter", "2017-04-16", "DATE", None),
    ("black friday deals are insane", date(2017, 11, 20), "black friday", "2017-11-24", "DATE", None),
    ("fall semester starts soon", D, "fall", "2017-FA", "DATE", None),
    ("back in 2 wks", D, "2 wks", "P2W", "DURATION", None),
    ("every sat morning we run", D, "every sat morning", "XXXX-WXX-6TMO", "SET", None),
    ("see u this wknd", D, "this wknd", "2017-W32-WE", "DATE", None),
    ("last yr was rough", D, "last yr", "2016", "DATE", None),
    ("noon tmrw", D, "noon tmrw", "2017-08-09T12:00", "TIME", None),
    ("Tmrw morning!", D, "Tmrw morning", "2017-08-09TMO", "TIME", None),
    ("SAT 5 AUG", D, "SAT 5 AUG", "2017-08-05", "DATE", None),
    ("see u on the 2nd", D, "the 2nd", "2017-09-02", "DATE", None),
    ("it happened on the 21st", D, "the 21st", "2017-07-21", "DATE", None),
]

NARRATIVE: list[Row] = [
    # a year followed by a plural noun after a comma or a preposition of time is still the year
    ("In 2016, students protested.", D, "2016", "2016", "DATE", None),
    ("The plant closed in 1998. Workers protested.", D, "1998", "1998", "DATE", None),
    ("in 2016 people moved away", D, "2016", "2016", "DATE", None),
    # wire-service clock times, seconds, day-month-year with hyphens
    ("The shares closed at 1430 GMT.", D, "1430 GMT", "2017-08-08T14:30", "TIME", None),
    ("Polls close at 2000 local time.", D, "2000 local time", "2017-08-08T20:00", "TIME", None),
    ("The bell rang at 3:45:10 p.m.", D, "3:45:10 p.m.", "2017-08-08T15:45", "TIME", None),
    ("The order was issued on 23-05-2016.", D, "23-05-2016", "2016-05-23", "DATE", None),
    # sets of seasons and weekends, short years, decades with an apostrophe, quarters with a short year
    ("The river floods every spring.", D, "every spring", "XXXX-SP", "SET", None),
    ("We go hiking every weekend.", D, "every weekend", "XXXX-WXX-WE", "SET", None),
    ("We won back in '98.", D, "'98", "1998", "DATE", None),
    ("music from the 60's", D, "the 60's", "196", "DATE", None),
    ("Q4'16 results were weak", D, "Q4'16", "2016-Q4", "DATE", None),
    ("It shipped May 23rd, '16.", D, "May 23rd, '16", "2016-05-23", "DATE", None),
    # reported speech: the reporting verb governs the date beside it, not the future in what was said
    ("Maliki told ABC television Tuesday that Iraqi forces will be ready.", date(2006, 11, 29), "Tuesday",
     "2006-11-28", "DATE", None),
    ("On Monday, the president said he will sign the bill.", date(2006, 11, 14), "Monday", "2006-11-13", "DATE",
     None),
    ("The company announced on Monday it would spend more.", date(2006, 11, 14), "Monday", "2006-11-13", "DATE",
     None),
    ("He said the vote will be held on Friday.", date(2006, 11, 14), "Friday", "2006-11-17", "DATE", None),
    ("The singer, who will perform on Saturday, was born in Lagos.", date(2006, 11, 16), "Saturday", "2006-11-18",
     "DATE", None),
    # "a year ago" counts from the document date, "a year earlier" from the year told; "following Tuesday's"
    ("The company was founded in 1990. A year ago it moved to Boston.", D, "A year ago", "2016", "DATE", None),
    ("In 1990 he moved. A year earlier he had married.", D, "A year earlier", "1989", "DATE", None),
    ("Fujimori was praised following Tuesday's raid.", date(1997, 4, 23), "Tuesday", "1997-04-22", "DATE", None),
    # second review: "N years ago the ...", zones in parentheses, dates moved to a day, the Sun
    ("Ten years ago the firm was small.", D, "Ten years ago", "2007", "DATE", None),
    ("landed at 5:30 p.m. (1530 GMT)", D, "5:30 p.m.", "2017-08-08T17:30", "TIME", None),
    ("The plane landed around 1115 GMT.", D, "around 1115 GMT", "2017-08-08T11:15", "TIME", "APPROX"),
    ("Flights were delayed Sunday.", D, "Sunday", "2017-08-06", "DATE", None),
    ("The deadline was extended to Friday.", D, "Friday", "2017-08-11", "DATE", None),
    ("The meeting was moved to Thursday.", D, "Thursday", "2017-08-10", "DATE", None),
    # a weekday before the numeric date it names is one date; an nth weekday of a month
    ("show Sat 8/12 @ 8pm", date(2017, 8, 9), "Sat 8/12", "2017-08-12", "DATE", None),
    ("Thu 8/17 doors at 7", date(2017, 8, 9), "Thu 8/17", "2017-08-17", "DATE", None),
    ("Polls open on the first Monday in October.", date(2017, 8, 9), "the first Monday in October", "2017-10-02",
     "DATE", None),
    ("It fell on the last Friday of May 2016.", D, "the last Friday of May 2016", "2016-05-27", "DATE", None),
    # "this coming weekend" said on a weekday is this week's; "til" points ahead like "until"
    ("big party this coming weekend", date(2017, 8, 9), "this coming weekend", "2017-W32-WE", "DATE", None),
    ("off til monday", date(2017, 8, 9), "monday", "2017-08-14", "DATE", None),
    # a fronted or coordinated dated phrase gives its year to the yearless dates of its sentence
    ("In 1962, the crisis began on October 16.", D, "October 16", "1962-10-16", "DATE", None),
    ("The crisis began on October 16, 1962, and ended on October 28.", D, "October 28", "1962-10-28", "DATE", None),
    ("On December 30, 1999, they met, and on January 2 the systems failed.", D, "January 2", "2000-01-02", "DATE",
     None),
    ("In 2016, Trump won; he took office in January.", date(2017, 6, 30), "January", "2017-01", "DATE", None),
    ("The company, founded in 1990, said in September that profits fell.", D, "September", "2016-09", "DATE", None),
    # "The day before,", "the year after.": a unit off the date last told
    ("He was arrested on March 3, 2015. The day before, he had bought a gun.", D, "The day before", "2015-03-02",
     "DATE", None),
    ("In 1990 he moved to Rome. The year after, he married.", D, "The year after", "1991", "DATE", None),
    # a bare day of the month is in the month last told
    ("In March 1999 the siege began. On the 14th, the wall fell.", None, "the 14th", "1999-03-14", "DATE", None),
    ("On the 14th he escaped.", date(2017, 8, 9), "the 14th", "2017-07-14", "DATE", None),
    # "That August": the month of the year the story is in
    ("It was the summer of 1969. That August, we drove west.", D, "That August", "1969-08", "DATE", None),
    # a date fronted before a comma takes the tense of the clause after it
    ("On Oct. 3, police arrested two men.", date(2017, 8, 9), "Oct. 3", "2016-10-03", "DATE", None),
    ("In October, the company laid off 200 workers.", date(2017, 8, 9), "October", "2016-10", "DATE", None),
    ("In March, sales will rise.", date(2017, 8, 9), "March", "2018-03", "DATE", None),
    # scheduled events in the present tense point ahead
    ("The trial starts Monday.", date(2017, 6, 30), "Monday", "2017-07-03", "DATE", None),
    ("Voting ends Friday.", date(2017, 8, 9), "Friday", "2017-08-11", "DATE", None),
    ("The contract expires in March.", date(2017, 6, 30), "March", "2018-03", "DATE", None),
    # clock times in words and military time
    ("The bell rang at half past ten.", D, "half past ten", "2017-08-08T10:30", "TIME", None),
    ("They met at a quarter to five.", D, "a quarter to five", "2017-08-08T16:45", "TIME", None),
    ("She woke at twenty past nine in the morning.", D, "twenty past nine in the morning", "2017-08-08T09:20",
     "TIME", None),
    ("The assault began at 1400 hours.", D, "1400 hours", "2017-08-08T14:00", "TIME", None),
    ("He served 1400 hours of community service.", D, "1400 hours", "PT1400H", "DURATION", None),
    # a winter across two years is the winter of the first
    ("In the winter of 1942-43 the army was encircled.", D, "the winter of 1942-43", "1942-WI", "DATE", None),
    ("the winter of 1942\u20131943 was the coldest", D, "the winter of 1942\u20131943", "1942-WI", "DATE", None),
    ("In 1944, the army landed in Normandy.", None, "1944", "1944", "DATE", None),
    ("By the spring of 1945, the war was over.", None, "the spring of 1945", "1945-SP", "DATE", None),
    ("He moved to Paris in 1850. The following year he returned.", D, "The following year", "1851", "DATE", None),
    ("He moved to Paris in 1850. The next year he returned.", D, "The next year", "1851", "DATE", None),
    ("He moved to Paris in 1850. The next year he returned.", None, "The next year", "1851", "DATE", None),
    ("He was born in 1901. Two years later his brother was born.", None, "Two years", "P2Y", "DURATION", None),
    ("The city fell in 1453. A decade later it was rebuilt.", None, "A decade", "P10Y", "DURATION", None),
    # "the following March", "the next spring" (with the article) follow the date last told
    ("In the summer of 1944 the city was liberated. The next spring they returned.", D, "The next spring",
     "1945-SP", "DATE", None),
    ("It was a cold morning in January 1950. The following March the river flooded.", D, "The following March", "1950-03",
     "DATE", None),
    # "N units later/earlier" moves the narrative on: what follows counts from the new date
    ("She reached Paris on March 3, 1921. Two days later she met him. That evening they dined.", D,
     "That evening", "1921-03-05TEV", "TIME", None),
    ("He was born in 1809. Three years later his mother died. That year was hard.", D, "That year", "1812", "DATE",
     None),
    ("The war ended on May 8, 1945. A week earlier, the city had fallen. The next day it burned.", D,
     "The next day", "1945-05-02", "DATE", None),
    ("He lived in the 15th century.", None, "the 15th century", "14", "DATE", None),
    ("He ruled in the eighteenth century.", D, "the eighteenth century", "17", "DATE", None),
    ("In the late 19th century, industry grew.", D, "the late 19th century", "18", "DATE", "END"),
    ("He lived in the 1700s.", D, "the 1700s", "17", "DATE", None),
    ("The early 1800s saw change.", D, "The early 1800s", "18", "DATE", "START"),
    ("Rome was founded in 753 BC.", None, "753 BC", "BC0753", "DATE", None),
    ("Caesar was killed in 44 B.C. in Rome.", None, "44 B.C.", "BC0044", "DATE", None),
    ("Augustus died in AD 14.", None, "AD 14", "0014", "DATE", None),
    ("It was founded in 1200 AD.", None, "1200 AD", "1200", "DATE", None),
    ("He was crowned in 800 AD.", None, "800 AD", "0800", "DATE", None),
    ("The temple was built in the year 476.", None, "the year 476", "0476", "DATE", None),
    ("The 5th century BC was an age of change.", None, "The 5th century BC", "BC04", "DATE", None),
    ("The 1960s were turbulent.", D, "The 1960s", "196", "DATE", None),
    ("In the mid-1970s, the firm grew.", D, "the mid-1970s", "197", "DATE", "MID"),
    ("The sixties were loud.", D, "The sixties", "196", "DATE", None),
    ("Music of the 60s was loud.", D, "the 60s", "196", "DATE", None),
    ("In the 1990s, he moved. That decade was hard.", D, "That decade", "199", "DATE", None),
    ("He was born in 1832. In 1850 he moved to Paris. That spring he met her.", D, "That spring", "1850-SP", "DATE",
     None),
    ("She married in May 1920. That summer they travelled.", D, "That summer", "1920-SU", "DATE", None),
    ("In the summer of 1862, the army marched.", D, "the summer of 1862", "1862-SU", "DATE", None),
    ("In the autumn of 1805 Napoleon won.", D, "the autumn of 1805", "1805-FA", "DATE", None),
    ("On June 6, 1944, troops landed. Later that day they advanced.", D, "Later that day", "1944-06-06", "DATE",
     "END"),
    ("On June 6, 1944, troops landed. The next day they advanced.", D, "The next day", "1944-06-07", "DATE", None),
    ("The army landed in 1944. By the end of the year, it had reached Germany.", D, "the end of the year", "1944",
     "DATE", "END"),
    ("In 1066 William invaded, and the same year he was crowned.", D, "the same year", "1066", "DATE", None),
    ("He reigned from 1509 to 1547.", D, "1547", "1547", "DATE", None),
    ("She was born on 3 March 1901 and died in 1975.", D, "3 March 1901", "1901-03-03", "DATE", None),
    ("He died in 1066.", D, "1066", "1066", "DATE", None),
    ("It was built in the twelfth century.", D, "the twelfth century", "11", "DATE", None),
    # A history text (its dated mentions lie years before the document date) moves its own "now":
    # yearless months, seasons and weekdays count from the last date told, not from the DCT.
    ("Germany annexed Austria in 1938 and invaded Poland in 1939. In March, its troops had entered Prague.", D,
     "March", "1939-03", "DATE", None),
    (WAR + " In July, Smolensk fell.", D, "July", "1941-07", "DATE", None),
    # anaphora chain: each "next day" counts from the day told just before it
    ("On April 14, 1865, he was shot. He died the next morning. That night the city mourned.", D, "That night",
     "1865-04-15TNI", "TIME", None),
    ("The ship left on 3 May 1901. The next day it reached Dover; the following day, Calais.", D,
     "the following day", "1901-05-05", "DATE", None),
    (WAR + " The following winter was harsh.", D, "The following winter", "1941-WI", "DATE", None),
    (WAR + " By December the offensive had stalled.", D, "December", "1941-12", "DATE", None),
    (WAR + " The next year, in the summer, the Germans attacked.", D, "the summer", "1942-SU", "DATE", None),
    ("Britain declared war in 1939 and France fell in 1940; the Blitz lasted into 1941. On Sunday, 7 December "
     "1941, Japan attacked Pearl Harbor. On Monday, Congress declared war.", D, "Monday", "1941-12-08", "DATE", None),
    (WAR + " The front held until the spring of 1943.", D, "the spring of 1943", "1943-SP", "DATE", None),
]

# News that mentions history keeps the document's now.
HISTORY_IN_NEWS: list[Row] = [
    ("The firm, founded in 1985 and listed in 1990, said on Tuesday that its loss widened in March.", D, "March",
     "2017-03", "DATE", None),
    ("NATO was founded in 1949; Greece joined in 1952 and Spain in 1982. Today the issue is expected to dominate "
     "a summit set for Washington in April.", D, "April", "2018-04", "DATE", None),
]

NEWS_EDGE: list[Row] = [
    # a date inside a quotation takes the quotation's tense, not the reporting verb's
    ('"We will win on Friday," he said.', D, "Friday", "2017-08-11", "DATE", None),
    ("\u201cWe will meet Friday,\u201d she said Monday.", D, "Friday", "2017-08-11", "DATE", None),
    ("\u201cWe will meet Friday,\u201d she said Monday.", D, "Monday", "2017-08-07", "DATE", None),
    ('"We lost," he said on Friday.', D, "Friday", "2017-08-04", "DATE", None),
    ("Prices rose from March to May 2016.", D, "March", "2016-03", "DATE", None),
    ("Talks ran between December and February 2016.", D, "December", "2015-12", "DATE", None),
    ("The show runs March 4 through June 6, 2016.", D, "March 4", "2016-03-04", "DATE", None),
    ("He served as mayor 1990-1995.", D, "1990", "1990", "DATE", None),
    ("He served as mayor 1990-1995.", D, "1995", "1995", "DATE", None),
    ("Sales should recover in the second half of the year.", D, "the second half of the year", "2017-H2", "DATE",
     None),
    ("The rules take effect a month from today.", D, "a month from today", "2017-09", "DATE", None),
    ("Revenue rose 8% in Q2.", D, "Q2", "2017-Q2", "DATE", None),
    ("Guidance for Q3 2017 was raised.", D, "Q3 2017", "2017-Q3", "DATE", None),
    ("Margins improved in H2 2016.", D, "H2 2016", "2016-H2", "DATE", None),
    ("FY2016 revenue was flat.", D, "FY2016", "2016", "DATE", None),
    ("The FY 2018 outlook is weak.", D, "FY 2018", "2018", "DATE", None),
    ("Results for FY17 beat forecasts.", D, "FY17", "2017", "DATE", None),
    ("The deal should close by end of the month.", D, "end of the month", "2017-08", "DATE", "END"),
    ("Hiring resumes at the beginning of next year.", D, "the beginning of next year", "2018", "DATE", "START"),
    ("I saw him the other day.", D, "the other day", "PAST_REF", "DATE", None),
    ("In March, the firm reported a loss.", D, "March", "2017-03", "DATE", None),
    ("In May, it said sales rose.", D, "May", "2017-05", "DATE", None),
    # after a preposition of time a capitalised May/March is the month even before "the", "it", "he"
    ("In May the firm cut 500 jobs.", D, "May", "2017-05", "DATE", None),
    ("In March it rained every day.", D, "March", "2017-03", "DATE", None),
    ("Since May they have waited for news.", D, "May", "2017-05", "DATE", None),
    ("Rates rose on 5/12.", D, "5/12", "2017-05-12", "DATE", None),
    ("The deadline is 4pm EST.", D, "4pm EST", "2017-08-08T16:00", "TIME", None),
    ("The vote will be held Friday at 10 a.m.", D, "10 a.m.", "2017-08-11T10:00", "TIME", None),
    ("The blast occurred at 7:30 p.m. on Thursday.", D, "7:30 p.m.", "2017-08-03T19:30", "TIME", None),
    ("The meeting ended at 11:45 a.m. on Aug. 5.", D, "11:45 a.m.", "2017-08-05T11:45", "TIME", None),
    ("He was attacked at around 11.30pm last night.", D, "around 11.30pm", "2017-08-07T23:30", "TIME", "APPROX"),
    ("Stocks fell on Good Friday.", date(2017, 4, 20), "Good Friday", "2017-04-14", "DATE", None),
    ("Shops close on Easter Sunday.", date(2017, 4, 10), "Easter Sunday", "2017-04-16", "DATE", None),
    ("Sales jumped on Black Friday.", date(2017, 11, 27), "Black Friday", "2017-11-24", "DATE", None),
    ("He spoke on Mother's Day.", date(2017, 5, 20), "Mother's Day", "2017-05-14", "DATE", None),
    ("Parades are planned for St. Patrick's Day.", date(2017, 3, 1), "St. Patrick's Day", "2017-03-17", "DATE",
     None),
    ("It was signed on Monday, New Year's Day.", date(2007, 1, 3), "New Year's Day", "2007-01-01", "DATE", None),
    ("Filed 25/12/2016 and 05/01/2017 in London.", D, "05/01/2017", "2017-01-05", "DATE", None),
    ("Filed 12/25/2016 and 05/01/2017 in Boston.", D, "05/01/2017", "2017-05-01", "DATE", None),
    ("The talks resumed on Sat., officials said.", D, "Sat.", "2017-08-05", "DATE", None),
    ("The offer expires at 5 p.m. tomorrow.", D, "5 p.m. tomorrow", "2017-08-09T17:00", "TIME", None),
    ("The team arrives in Split tomorrow at noon.", D, "noon", "2017-08-09T12:00", "TIME", None),
    ("Polls open at 7am on Sunday.", D, "7am", "2017-08-06T07:00", "TIME", None),
    ("Results will be announced by Monday noon.", D, "noon", "2017-08-14T12:00", "TIME", None),
    ("IN MAY 2016 PRICES FELL.", D, "MAY 2016", "2016-05", "DATE", None),
    ("Sales fell in Dec. 2016.", D, "Dec. 2016", "2016-12", "DATE", None),
    ("The law takes effect Jan 1st.", D, "Jan 1st", "2018-01-01", "DATE", None),
    ("Summer '16 was hot.", D, "Summer '16", "2016-SU", "DATE", None),
    ("It was popular in the 1800s.", D, "the 1800s", "18", "DATE", None),
    ("It dates from the 2000s.", D, "the 2000s", "200", "DATE", None),
    # midday is noon; a clock hour with "in the morning/evening" is a time; "mid-afternoon" a part of day
    ("He will appear before the judge at midday.", D, "midday", "2017-08-08T12:00", "TIME", None),
    ("The father will leave at 4 in the morning.", D, "4 in the morning", "2017-08-08T04:00", "TIME", None),
    ("The show starts at 8 in the evening.", D, "8 in the evening", "2017-08-08T20:00", "TIME", None),
    ("By mid-afternoon, officials said the raid was over.", D, "mid-afternoon", "2017-08-08TAF", "TIME", None),
    # a bare clock hour with "o'clock" (also "oclock", number words, "in the morning")
    ("We met at 3 o'clock.", D, "3 o'clock", "2017-08-08T15:00", "TIME", None),
    ("cu at 3 oclock", D, "3 oclock", "2017-08-08T15:00", "TIME", None),
    ("The bells rang at twelve o'clock.", D, "twelve o'clock", "2017-08-08T12:00", "TIME", None),
    ("He woke at six o'clock in the morning.", D, "six o'clock in the morning", "2017-08-08T06:00", "TIME", None),
    ("The vote will be held Friday at 5 o'clock.", D, "5 o'clock", "2017-08-11T17:00", "TIME", None),
    # "the day before/after" a named date is one day off it (TimeBank spans it without the article)
    ("The day before last Tuesday's hearing, he went home.", D, "day before last Tuesday", "2017-07-31", "DATE",
     None),
    ("Shops reopened the day after Christmas.", date(2018, 1, 3), "day after Christmas", "2017-12-26", "DATE", None),
    # "pre-/post-" + year; "earlier/later in the year"; "that quarter" after a quarter; "-long" durations;
    # US Election Day (the Tuesday after the first Monday of November)
    ("The post-1959 politics split families.", D, "post-1959", "1959", "DATE", None),
    ("Rains delayed planting earlier in the year.", D, "earlier in the year", "2017", "DATE", "START"),
    ("Profit fell in the second quarter of 2016. Results for that quarter included a charge.", D, "that quarter",
     "2016-Q2", "DATE", None),
    ("They left their third day-long meeting.", D, "day-long", "P1D", "DURATION", None),
    ("It is a decades-long dispute.", D, "decades-long", "PXDE", "DURATION", None),
    ("It ran a months-long campaign.", D, "months-long", "PXM", "DURATION", None),
    ("Turnout will be high on Election Day.", date(2016, 10, 20), "Election Day", "2016-11-08", "DATE", None),
    # a bare day coordinated with a month and day is a day of that month
    ("The summit will be held on April 24 and 25.", D, "25", "2018-04-25", "DATE", None),
    ("The talks were held on March 3 or 4 in Paris.", D, "4", "2017-03-04", "DATE", None),
    # "the past decade" is the ten years up to now, not the previous calendar decade
    ("Attacks became routine over the past decade.", D, "the past decade", "P10Y", "DURATION", None),
    ("It was one of the great events of the past century.", D, "the past century", "P100Y", "DURATION", None),
]

PARIS = "He moved to Paris in 1921. Two years later he married"
VOYAGE = "On 4 July 1910 he sailed from Dover. Two weeks later he reached Bombay."

# Narrative anaphora chains and informal posts (conventions in the module docstring).
NARRATIVE_CHAINS: list[Row] = [
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

POSTS: list[Row] = [
    # a date opening the text is tagged like any other ("2013 was good", not read as a price)
    ("2013 is gonna be our year", D, "2013", "2013", "DATE", None),
    ("1999: the year in review", D, "1999", "1999", "DATE", None),
    # "by <day>" is a deadline ahead, unless a past perfect tells of one gone
    ("need it by friday", D, "friday", "2017-08-11", "DATE", None),
    ("By Friday, they had taken the city.", D, "Friday", "2017-08-04", "DATE", None),
    ("They had filed their reports by Monday.", D, "Monday", "2017-08-07", "DATE", None),
    ("we had fun this past weekend", D, "this past weekend", "2017-W31-WE", "DATE", None),
    ("big game this coming week", D, "this coming week", "2017-W33", "DATE", None),
    ("drinks this eve?", D, "this eve", "2017-08-08TEV", "TIME", None),
    ("movie tomorrow eve", D, "tomorrow eve", "2017-08-09TEV", "TIME", None),
    ("saw him couple weeks ago", D, "couple weeks ago", "2017-W30", "DATE", None),
    ("SUNDAY NIGHT GAME WAS WILD", D, "SUNDAY NIGHT", "2017-08-06", "DATE", None),
    ("On Monday Post editors met.", D, "Monday", "2017-08-07", "DATE", None),
    # a number glued to its unit ("2hrs", "5mins", "3yrs")
    ("posted 2hrs ago", D, "2hrs ago", "2017-08-08", "DATE", None),
    ("left 3yrs ago", D, "3yrs ago", "2014", "DATE", None),
    ("brb in 10min", D, "10min", "PT10M", "DURATION", None),
    ("waited 2days for this", D, "2days", "P2D", "DURATION", None),
    # "it's March already": a capitalised May/March after "it's"
    ("its March already??", D, "March", "2017-03", "DATE", None),
    ("omg it\u2019s May!!", D, "May", "2017-05", "DATE", None),
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

# Undated texts (no DCT: a scraped page, a book chapter). A narrative of several years and no "today"/"Friday"
# moves its "now" with the dates it tells, as a dated history text does; otherwise the reference is the latest
# date the text names, a later year beating an earlier month.
NAPOLEON = ("The battle was fought on 2 December 1805. Napoleon had marched from the coast in late August. "
            "The following spring, Prussia mobilised. On 14 October 1806 the Prussians were crushed at Jena. "
            "Peace came the next summer, signed in July 1807. By 1814 the allies had reached Paris, and on "
            "April 6 Napoleon abdicated.")
WW2 = ("The war began in September 1939. The Soviet Union attacked Finland that November. In the spring of 1940 "
       "Germany overran Norway; France fell in June. The Blitz lasted until May 1941. On 22 June Germany invaded "
       "the USSR. On December 7, Japan attacked Pearl Harbor, and the next day the United States declared war. "
       "Japan surrendered in August 1945.")
UNDATED: list[Row] = [
    # "One day" opening a story is an indefinite day gone by; after a modal, one to come; otherwise a duration
    ("Once upon a time there lived a miller. One day he went to the king.", None, "One day", "PAST_REF", "DATE",
     None),
    ("One day, she left the village.", D, "One day", "PAST_REF", "DATE", None),
    ("Islam will one day be the second largest religion.", D, "one day", "FUTURE_REF", "DATE", None),
    ("He hopes to one day follow his father.", D, "one day", "FUTURE_REF", "DATE", None),
    ("The strike lasted one day.", D, "one day", "P1D", "DURATION", None),
    ("One day later, he died.", D, "One day", "P1D", "DURATION", None),
    ("One day is enough.", D, "One day", "P1D", "DURATION", None),
    (NAPOLEON, None, "late August", "1805-08", "DATE", "END"),
    (NAPOLEON, None, "The following spring", "1806-SP", "DATE", None),
    (NAPOLEON, None, "the next summer", "1807-SU", "DATE", None),
    (NAPOLEON, None, "April 6", "1814-04-06", "DATE", None),
    (WW2, None, "November", "1939-11", "DATE", None),
    (WW2, None, "June", "1940-06", "DATE", None),
    (WW2, None, "22 June", "1941-06-22", "DATE", None),
    (WW2, None, "December 7", "1941-12-07", "DATE", None),
    (WW2, None, "the next day", "1941-12-08", "DATE", None),
    ("By 1814 the allies had reached Paris, and on April 6 Napoleon abdicated. In 1850 his nephew ruled.", None,
     "April 6", "1814-04-06", "DATE", None),
    # a month or season of the narrative's year: the year counts from the date last told
    ("By 1814 the allies had reached Paris. He returned in March of the following year.", None,
     "March of the following year", "1815-03", "DATE", None),
    ("In 1850 he moved to Rome. The treaty was signed in the spring of that year.", None,
     "the spring of that year", "1850-SP", "DATE", None),
    ("He was elected in November 1932 and took office in March of the next year.", date(2010, 1, 5),
     "March of the next year", "1933-03", "DATE", None),
    ("He returned in March of the following year.", D, "March of the following year", "2018-03", "DATE", None),
    # "this year" / "last week" speak of the text's own date: no history, months stay in the latest year
    ("The firm was founded in 1990 and listed in 2004. This year it moved, and in May it hired 50 people.", None,
     "May", "2004-05", "DATE", None),
    # an undated text's weekday is placed only after a day it tells (the next such day); a limit ahead is no "now"
    ("Japan attacked on Sunday, December 7, 1941. On Monday, Roosevelt asked Congress to declare war.", None,
     "Monday", "1941-12-08", "DATE", None),
    ("Lincoln was shot on April 14, 1865. He died on Saturday morning.", None, "Saturday morning", "1865-04-15",
     "DATE", None),
    ("Stocks rallied on Wednesday. The record was set October 21, 1987.", None, "Wednesday", "XXXX-WXX-3", "DATE",
     None),
    ("Sales rose 5 percent this year, and the firm aims to double them by 2025.", None, "this year", "XXXX", "DATE",
     None),
    # the same texts with a document date decades later read the same
    (WW2, date(2010, 1, 5), "December 7", "1941-12-07", "DATE", None),
    (NAPOLEON, date(2010, 1, 5), "April 6", "1814-04-06", "DATE", None),
    # undated news: a later year named beats an earlier month as the lower bound of the document date
    ("Relations broke off in March 2016. A new leader was elected in 2017. Iran signalled a renewal in May.",
     None, "May", "2017-05", "DATE", None),
    ("Sales fell in March 2016, the firm said last week; it had grown in 2015. In May the firm cut jobs.", None,
     "May", "2016-05", "DATE", None),
    # an undated news text that speaks of its own days ("on Monday") is not a history: months stay in the
    # year of its latest date
    ("Officials met on Monday. The group split in 2012, made up in 2015 and in 2017 elected a leader. "
     "Talks resumed in May.", None, "May", "2017-05", "DATE", None),
]

ALL = [pytest.param(*r, id=f"{name}:{r[0][:40]}") for name, rows in
       [("social", SOCIAL), ("narrative", NARRATIVE), ("news", NEWS_EDGE), ("history-in-news", HISTORY_IN_NEWS),
        ("narrative-chains", NARRATIVE_CHAINS), ("posts", POSTS), ("undated", UNDATED)] for r in rows]


def _find(mentions: list[Mention], span: str) -> Mention:
    hits = [m for m in mentions if m.text == span]
    assert hits, f"{span!r} not tagged; got {[(m.text, m.value) for m in mentions]}"
    return hits[0]


@pytest.mark.parametrize("text, dct, span, value, typ, mod", ALL)
def test_registers(text: str, dct: date | None, span: str, value: str, typ: str, mod: str | None) -> None:
    m = _find(tag(text, dct), span)
    assert (m.value, m.timex_type, m.mod) == (value, typ, mod)
    assert is_timex_value(m.value)


def test_register_table_size() -> None:
    assert len(SOCIAL) >= 50 and len(NARRATIVE) >= 30 and len(NEWS_EDGE) >= 20


# Words that look like dates in these registers but are not (no DATE/TIME at all).
NEGATIVES = [
    "i may go later",
    "the sun is out",
    "we basked in the morning sun",
    "i fall asleep on the couch",
    "we march on the capital",
    "I sat on the bench",
    "they wed in a small chapel",
    "c'mon guys",
    "The Sun reported the story.",
    "The SAT exam was hard.",
    "Jermaine Easter scored twice.",
    "He bought a Christmas tree.",
    "We visited Easter Island.",
    "Highs in the 60s are expected.",
    "Shares fell 3/4 of a point.",
    "The score was 5/12 at the half.",
    "NBA 2K19 sold well.",
    "email me @monday_team",
    "we're #1 in the league",
    "Prices may 2 b higher",
    "Following Sun Yat-sen's path, they walked.",
    "The fall of Rome was slow.",
    "Prices fall when demand drops.",
    "he lives on the 5th floor",
    "Gonzalez said on CBS's ''60 Minutes.''",
    "For the people of Poland, high noon has come.",
    "The poster showed Gary Cooper from High Noon.",
    # ages, hashtags, "24/7", scores, emoticons, ordinary words in posts and stories
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
    "It's March Madness time!",
    "it may rain, its may be",
    "$2013 was the price",
    "a 4x4 truck took 2nd place",
    "on the eve of the vote",
    "The Sunday Times reported it first.",
    "the Sunday Telegraph said so",
    "Monday Night Football drew millions",
    "Saturday Night Live is back",
    "May God bless you all.",
    "May the best team win.",
    "He went in. May he rest in peace.",
    "We met two Fridays ago.",
    "Kipchoge won in 2:08:44.",
    "June Jordan wrote poems.",
    "The Earth orbits the Sun.",
    "They met the day before the election.",
    "August Wilson wrote plays.",
    "April Ryan, a reporter, asked.",
    "The fire broke out at 1900 Main Street.",
    "the office at 2000 Pennsylvania Avenue",
    "he scored '98 points",
    "we march in may be it rain or shine",
    "he may go in, may he not?",
    "Wed in a small chapel, they honeymooned in Rome.",
    "the aft deck was wet",
    "he sat at 10 tables",
    "top 10 at 8 percent",
    "we sat at 8 and talked",
]


@pytest.mark.parametrize("text, spans", [
    ("On May 3 and 4 people died.", ["May 3"]),
    ("Sales rose on May 3 and 4.5% on May 4.", ["May 3", "May 4"]),
    ("He met her on Friday, Aug. 4, and 5 others.", ["Friday, Aug. 4"]),
])
def test_coordinated_day_needs_a_date_context(text: str, spans: list[str]) -> None:
    assert [m.text for m in tag(text, D)] == spans


@pytest.mark.parametrize("text", NEGATIVES)
def test_register_negatives(text: str) -> None:
    ms = [m for m in tag(text, D) if m.timex_type in ("DATE", "TIME")]
    assert not ms, [(m.text, m.timex_type, m.value) for m in ms]


# A date beside them, but these words are not times, and names of wars that count years or days are not
# durations: (text, words that no mention may overlap).
NOT_TAGGED = [
    ("Stores open today at 8 locations.", "8"),
    ("COVID-19 cases rose today", "19"),
    ("Tonight at 8% interest it is a steal.", "8"),
    ("we sat at 8 tmrw", "sat"),
    ("tmrw we sail fore and aft", "aft"),
    ("The Hundred Years' War (1337\u20131453) was long.", "Hundred Years' War"),
    ("the Thirty Years\u2019 War began in 1618", "Thirty Years\u2019 War"),
    ("the Six-Day War of 1967", "Six-Day War"),
    ("the Seven Years War", "Seven Years War"),
]


@pytest.mark.parametrize("text, span", NOT_TAGGED)
def test_genre_spans_not_tagged(text: str, span: str) -> None:
    a = text.index(span)
    b = a + len(span)
    assert not [m.text for m in tag(text, D) if m.start < b and a < m.end]


# --- property: random casing and punctuation around known expressions ----------------------------
# (expression, value) pairs whose value must survive lower/UPPER/Title casing and any punctuation around.
ROBUST = [
    ("tomorrow", "2017-08-09"), ("tmrw", "2017-08-09"), ("2moro", "2017-08-09"), ("tonight", "2017-08-08TNI"),
    ("tonite", "2017-08-08TNI"), ("yesterday", "2017-08-07"), ("next week", "2017-W33"), ("nxt week", "2017-W33"),
    ("last week", "2017-W31"), ("this weekend", "2017-W32-WE"), ("last night", "2017-08-07TNI"),
    ("4pm", "2017-08-08T16:00"), ("4:30pm", "2017-08-08T16:30"), ("10am tmrw", "2017-08-09T10:00"),
    ("August 7, 2017", "2017-08-07"), ("2017-08-07", "2017-08-07"), ("next year", "2018"), ("the 1960s", "196"),
    ("the 15th century", "14"), ("753 bc", None), ("xmas", "2017-12-25"), ("christmas eve", "2017-12-24"),
    ("this morning", "2017-08-08TMO"), ("next friday", "2017-08-11"), ("last monday", "2017-08-07"),
]
# Expressions only checked for crash-freedom and well-formed values under any casing.
OTHERS = ["sat", "wed", "sun", "mon", "may 5", "march 3rd", "5/12", "12/05/2019", "@ 7", "2k19", "summer '19",
          "the following year", "that spring", "two years later", "every sat morning", "rn", "asap", "fall",
          "jan 5th", "the 60s", "44 B.C.", "AD 14", "the year 476", "mid-1970s", "nye", "#Monday"]
PUNCT = ["", "!", "!!!", "?", ".", ",", "...", " \U0001f389", "\U0001f602", " #", "#", "@", "(", ")", '"', "'", " - ",
         ":", ";", "\n", "  ", "~", "*"]


def _recase(s: str, how: str, flips: list[bool]) -> str:
    if how == "lower":
        return s.lower()
    if how == "upper":
        return s.upper()
    if how == "title":
        return s.title() if not re.search(r"\d[a-z]", s) else s[:1].upper() + s[1:]
    return "".join(ch.upper() if flips[i % len(flips)] else ch.lower() for i, ch in enumerate(s))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ROBUST), st.sampled_from(["lower", "upper", "title"]), st.sampled_from(PUNCT),
       st.sampled_from(PUNCT), st.sampled_from(["see u ", "", "ok ", "party ", "omg "]))
def test_robust_expressions_keep_their_value(expr: tuple[str, str | None], how: str, pre: str, post: str,
                                             lead: str) -> None:
    phrase, value = expr
    cased = _recase(phrase, how, [False])
    text = f"{lead}{pre}{cased}{post}"
    ms = tag(text, D)
    for m in ms:
        assert is_timex_value(m.value), m.value
        assert text[m.start : m.end] == m.text
    if value is None or pre.strip() == "@" and not phrase[:1].isdigit() or pre.strip() == "#" and phrase[:1].isdigit():
        return  # "@tomorrow" is an account, "#4pm" a tag, not a time
    hits = [m for m in ms if m.value == value]
    assert hits, (text, [(m.text, m.value) for m in ms])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([e for e, _ in ROBUST] + OTHERS), st.sampled_from(PUNCT)), min_size=1,
                max_size=6),
       st.lists(st.booleans(), min_size=1, max_size=7), st.sampled_from(["lower", "upper", "title", "random"]),
       st.one_of(st.none(), st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))))
def test_random_casing_and_punctuation_never_crash(parts: list[tuple[str, str]], flips: list[bool], how: str,
                                                   dct: date | None) -> None:
    text = " ".join(_recase(p, how, flips) + punct for p, punct in parts)
    prev_end = 0
    for m in tag(text, dct):
        assert is_timex_value(m.value), m.value
        assert m.timex_type in ("DATE", "TIME", "DURATION", "SET")
        assert text[m.start : m.end] == m.text and m.start >= prev_end
        prev_end = m.end
        assert (m.start_date is None) == (m.end_date is None)
        if m.start_date is not None:
            assert m.end_date is not None and m.start_date < m.end_date

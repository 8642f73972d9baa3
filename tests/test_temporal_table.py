"""Table-driven tests of the temporal tagger, one table per phenomenon.

Each row: (text, dct, mention text, value, granularity, interval) where interval is
``"start/end"`` (half-open, ISO dates) or None. The mention is looked up by its text.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dateline.temporal import Mention, tag

D = date(2017, 8, 8)  # a Tuesday; ISO week 2017-W32

Row = tuple[str, date | None, str, str, str | None, str | None]

ABSOLUTE: list[Row] = [
    ("The deal was signed on August 7, 2017.", D, "August 7, 2017", "2017-08-07", "day", "2017-08-07/2017-08-08"),
    ("It was signed 7 August 2017 in Paris.", D, "7 August 2017", "2017-08-07", "day", "2017-08-07/2017-08-08"),
    ("The filing is dated 2017-08-07.", D, "2017-08-07", "2017-08-07", "day", "2017-08-07/2017-08-08"),
    ("Shares rose on Aug. 7, 2017, analysts said.", D, "Aug. 7, 2017", "2017-08-07", "day", "2017-08-07/2017-08-08"),
    ("He arrived on Monday, Aug. 7, 2017.", D, "Monday, Aug. 7, 2017", "2017-08-07", "day",
     "2017-08-07/2017-08-08"),
    ("The form was filed on 8/7/2017.", D, "8/7/2017", "2017-08-07", "day", "2017-08-07/2017-08-08"),
    ("It happened on the 7th of August 2017.", D, "the 7th of August 2017", "2017-08-07", "day",
     "2017-08-07/2017-08-08"),
    ("Polls closed on Nov. 8, 2016.", D, "Nov. 8, 2016", "2016-11-08", "day", "2016-11-08/2016-11-09"),
    ("The accord dates from June 30, 1990.", D, "June 30, 1990", "1990-06-30", "day", "1990-06-30/1990-07-01"),
    ("Leap day fell on February 29, 2016.", D, "February 29, 2016", "2016-02-29", "day", "2016-02-29/2016-03-01"),
    ("It was founded on Sept. 27, 1989.", D, "Sept. 27, 1989", "1989-09-27", "day", "1989-09-27/1989-09-28"),
    ("He died on 3 March 1999.", D, "3 March 1999", "1999-03-03", "day", "1999-03-03/1999-03-04"),
    ("Sales peaked in March 2016.", D, "March 2016", "2016-03", "month", "2016-03-01/2016-04-01"),
    ("It closed in December 1999.", D, "December 1999", "1999-12", "month", "1999-12-01/2000-01-01"),
    ("Prices fell in Jan. 2009.", D, "Jan. 2009", "2009-01", "month", "2009-01-01/2009-02-01"),
    ("It opened in July of 2014.", D, "July of 2014", "2014-07", "month", "2014-07-01/2014-08-01"),
    ("The war began in 1990.", D, "1990", "1990", "year", "1990-01-01/1991-01-01"),
    ("The handover, in 2012, was quiet.", D, "2012", "2012", "year", "2012-01-01/2013-01-01"),
    ("Since 1949 the alliance has grown.", D, "1949", "1949", "year", "1949-01-01/1950-01-01"),
    # machine-written formats: ISO date-times, numeric and ISO year-months
    ("Updated 2017-08-07T16:30:00Z by the desk.", D, "2017-08-07T16:30:00Z", "2017-08-07T16:30", "time",
     "2017-08-07/2017-08-08"),
    ("Posted 2017-08-07 09:05 local time.", D, "2017-08-07 09:05", "2017-08-07T09:05", "time",
     "2017-08-07/2017-08-08"),
    ("Feed stamp 2017-08-07T16:30:00+02:00.", D, "2017-08-07T16:30:00+02:00", "2017-08-07T16:30", "time",
     "2017-08-07/2017-08-08"),
    ("The card expires 06/2019.", D, "06/2019", "2019-06", "month", "2019-06-01/2019-07-01"),
    ("Margins widened in 3Q16.", D, "3Q16", "2016-Q3", "quarter", "2016-07-01/2016-10-01"),
    # a day range closed by a year: both days are in that year, and the year is no mention of its own
    ("The festival runs June 5-7, 2015.", D, "June 5", "2015-06-05", "day", "2015-06-05/2015-06-06"),
    ("The festival runs June 5-7, 2015.", D, "7, 2015", "2015-06-07", "day", "2015-06-07/2015-06-08"),
    ("Talks were held on March 3 and 4, 2014.", D, "4, 2014", "2014-03-04", "day", "2014-03-04/2014-03-05"),
    ("The 2H16 guidance was cut.", D, "2H16", "2016-H2", "half", "2016-07-01/2017-01-01"),
    ("Sales rose in the March quarter.", D, "the March quarter", "2017-Q1", "quarter", "2017-01-01/2017-04-01"),
    ("Sales fell in the June quarter of 2016.", D, "the June quarter of 2016", "2016-Q2", "quarter",
     "2016-04-01/2016-07-01"),
    ("Figures for 2016-03 were revised.", D, "2016-03", "2016-03", "month", "2016-03-01/2016-04-01"),
    ("The 2010-11 season was a disaster.", D, "2010", "2010", "year", "2010-01-01/2011-01-01"),  # a season, not 2010-11
    ("By 2050 the city will double.", D, "2050", "2050", "year", "2050-01-01/2051-01-01"),
    ("Fiscal 1989 was good.", D, "Fiscal 1989", "1989", "year", "1989-01-01/1990-01-01"),
    ("It was written in nineteen ninety-one.", D, "nineteen ninety-one", "1991", "year", "1991-01-01/1992-01-01"),
    ("In the year two thousand things changed.", D, "the year two thousand", "2000", "year",
     "2000-01-01/2001-01-01"),
    ("That was nineteen seventy-nine.", D, "nineteen seventy-nine", "1979", "year", "1979-01-01/1980-01-01"),
]

SEASONS_QUARTERS: list[Row] = [
    ("They met in the summer of 2015.", D, "the summer of 2015", "2015-SU", "season", "2015-06-01/2015-09-01"),
    ("Work began in the spring of 2010.", D, "the spring of 2010", "2010-SP", "season", "2010-03-01/2010-06-01"),
    ("It snowed in the winter of 2013.", D, "the winter of 2013", "2013-WI", "season", "2013-12-01/2014-03-01"),
    ("Trading resumed in autumn 2008.", D, "autumn 2008", "2008-FA", "season", "2008-09-01/2008-12-01"),
    ("It was quiet in fall 2011.", D, "fall 2011", "2011-FA", "season", "2011-09-01/2011-12-01"),
    ("It happened last summer.", D, "last summer", "2016-SU", "season", "2016-06-01/2016-09-01"),
    ("We will know this fall.", D, "this fall", "2017-FA", "season", "2017-09-01/2017-12-01"),
    ("It will resume next spring.", D, "next spring", "2018-SP", "season", "2018-03-01/2018-06-01"),
    ("Prices fell last winter.", D, "last winter", "2016-WI", "season", "2016-12-01/2017-03-01"),
    ("Profit fell in the third quarter of 2016.", D, "the third quarter of 2016", "2016-Q3", "quarter",
     "2016-07-01/2016-10-01"),
    ("Profit fell in the 2016 third quarter.", D, "the 2016 third quarter", "2016-Q3", "quarter",
     "2016-07-01/2016-10-01"),
    ("Results for Q3 2016 were weak.", D, "Q3 2016", "2016-Q3", "quarter", "2016-07-01/2016-10-01"),
    ("Sales rose in the first quarter of 1990.", D, "the first quarter of 1990", "1990-Q1", "quarter",
     "1990-01-01/1990-04-01"),
    ("Sales rose in the second quarter.", D, "the second quarter", "2017-Q2", "quarter", "2017-04-01/2017-07-01"),
    ("It posted a third-quarter loss.", D, "third-quarter", "2017-Q3", "quarter", "2017-07-01/2017-10-01"),
    ("It expects a fourth-quarter gain.", D, "fourth-quarter", "2017-Q4", "quarter", "2017-10-01/2018-01-01"),
    ("Sales fell in the fourth quarter.", date(2017, 2, 10), "the fourth quarter", "2016-Q4", "quarter",
     "2016-10-01/2017-01-01"),
    ("Revenue rose in the first half of 2016.", D, "the first half of 2016", "2016-H1", "half",
     "2016-01-01/2016-07-01"),
    ("Earnings will be lower for the last half of 1989.", D, "the last half of 1989", "1989-H2", "half",
     "1989-07-01/1990-01-01"),
    ("National earned $22 million in the year-ago third quarter.", date(1989, 10, 30), "the year-ago third quarter",
     "1988-Q3", "quarter", "1988-07-01/1988-10-01"),
    ("Revenue rose in the second half of 2015.", D, "the second half of 2015", "2015-H2", "half",
     "2015-07-01/2016-01-01"),
    ("Sales fell last quarter.", D, "last quarter", "2017-Q2", "quarter", "2017-04-01/2017-07-01"),
    ("Sales will rise next quarter.", D, "next quarter", "2017-Q4", "quarter", "2017-10-01/2018-01-01"),
    ("Sales are flat this quarter.", D, "this quarter", "2017-Q3", "quarter", "2017-07-01/2017-10-01"),
    ("Earnings fell in the quarter.", date(1989, 10, 26), "the quarter", "1989-Q3", "quarter",
     "1989-07-01/1989-10-01"),
    ("Its net rose in the latest quarter.", date(1989, 11, 2), "the latest quarter", "1989-Q3", "quarter",
     "1989-07-01/1989-10-01"),
    ("Profit rose in the third quarter. Net was flat in the year-earlier quarter.", date(1989, 11, 2),
     "the year-earlier quarter", "1988-Q3", "quarter", "1988-07-01/1988-10-01"),
    ("Net rose in the third quarter. The quake will cause a fourth-quarter charge. Net fell in the latest quarter.",
     date(1989, 11, 2), "the latest quarter", "1989-Q3", "quarter", "1989-07-01/1989-10-01"),
    ("Net rose in the third quarter. The quake will cause a fourth-quarter charge. It earned $6 million a year ago.",
     date(1989, 11, 2), "a year ago", "1988-Q3", "quarter", "1988-07-01/1988-10-01"),
    ("Sales in the latest period were $1.7 billion.", date(1989, 11, 2), "the latest period", "1989-Q3", "quarter",
     "1989-07-01/1989-10-01"),
    ("Third-quarter profit fell. Losses will go on through the third quarter of 1990. In the year-ago period, it earned $101 million.",
     date(1989, 10, 26), "the year-ago period", "1988-Q3", "quarter", "1988-07-01/1988-10-01"),
    # the period under discussion a year back, said after the noun ("the quarter a year ago", "last year's quarter")
    ("It lost $226 million in the third quarter. For the quarter a year ago, it earned $16 million.",
     date(1989, 10, 26), "the quarter a year ago", "1988-Q3", "quarter", "1988-07-01/1988-10-01"),
    ("Net was $2 million for the third quarter, against $1.8 million for the corresponding period last year.",
     date(1989, 11, 1), "the corresponding period last year", "1988-Q3", "quarter", "1988-07-01/1988-10-01"),
    ("Sales for this year's third quarter fell. U.K. sales for last year's quarter were $3 million.",
     date(1989, 11, 1), "last year's quarter", "1988-Q3", "quarter", "1988-07-01/1988-10-01"),
    # ... but a year's own results stay the year
    ("Sales for this year's third quarter fell. Last year's results were hurt by charges.",
     date(1989, 11, 1), "Last year", "1988", "year", "1988-01-01/1989-01-01"),
    ("It earned $4 million for the fiscal-first quarter ended Sept. 30.", date(1989, 10, 26),
     "the fiscal-first quarter", "1989-Q1", "quarter", "1989-01-01/1989-04-01"),
    # "the quarter" after other dates is still the quarter under discussion ...
    ("Sun earned $5 million in the fiscal first quarter. Earlier this month, it said it would break even for the "
     "quarter.", date(1989, 10, 26), "the quarter", "1989-Q1", "quarter", "1989-01-01/1989-04-01"),
    # compared with the year so far ("the nine months"), "a year earlier" is those months a year back: that year
    ("Third-quarter net rose. For the nine months, net was $18.9 million, compared with a loss of $9.7 million "
     "a year earlier.", date(1989, 10, 26), "a year earlier", "1988", "year", "1988-01-01/1989-01-01"),
    ("Net rose in the third quarter. In the first nine months, net was $306 million, compared with a loss of "
     "$195 million in the 1988 period.", date(1989, 11, 2), "the 1988 period", "1988", "year",
     "1988-01-01/1989-01-01"),
    ("Net for the nine months rose. Third-quarter sales fell to $1.2 billion from $1.4 billion a year earlier.",
     date(1989, 10, 26), "a year earlier", "1988-Q3", "quarter", "1988-07-01/1988-10-01"),
    # ... but "the latest quarter" is one already over, not a current quarter spoken of since
    ("Net fell in the third quarter. It gave no estimate of fourth-quarter results. Shares fell Friday. In the "
     "latest quarter, it lost $23 million.", date(1989, 10, 30), "the latest quarter", "1989-Q3", "quarter",
     "1989-07-01/1989-10-01"),
]

DECADES_CENTURIES: list[Row] = [
    ("Music of the 1990s was loud.", D, "the 1990s", "199", "decade", "1990-01-01/2000-01-01"),
    ("He was born in the '80s.", D, "the '80s", "198", "decade", "1980-01-01/1990-01-01"),
    ("In the nineties prices rose.", D, "the nineties", "199", "decade", "1990-01-01/2000-01-01"),
    ("Cars of the 1960s were big.", D, "the 1960s", "196", "decade", "1960-01-01/1970-01-01"),
    ("It dates from the 2000s.", D, "the 2000s", "200", "decade", "2000-01-01/2010-01-01"),
    ("It was popular in the late 1990s.", D, "the late 1990s", "199", "decade", "1990-01-01/2000-01-01"),
    ("It was built in the mid-1980s.", D, "the mid-1980s", "198", "decade", "1980-01-01/1990-01-01"),
    ("In the early 1970s oil was cheap.", D, "the early 1970s", "197", "decade", "1970-01-01/1980-01-01"),
    ("The 20th century was violent.", D, "The 20th century", "19", "century", "1900-01-01/2000-01-01"),
    ("It was built in the 11th century.", D, "the 11th century", "10", "century", "1000-01-01/1100-01-01"),
    ("The twenty-first century began.", D, "The twenty-first century", "20", "century", "2000-01-01/2100-01-01"),
    ("It was the nineteenth century.", D, "the nineteenth century", "18", "century", "1800-01-01/1900-01-01"),
]

MONTH_WITHOUT_YEAR: list[Row] = [
    # "March" before a common noun after "the" is the month ("the March for Life" in NEGATIVES)
    ("The March accession will let the three countries join.", date(1999, 2, 10), "March", "1999-03", "month",
     "1999-03-01/1999-04-01"),
    ("It opened in May.", D, "May", "2017-05", "month", "2017-05-01/2017-06-01"),
    ("Iran appeared in May to be signaling support.", D, "May", "2017-05", "month", "2017-05-01/2017-06-01"),
    ("He said in June that Iran pays.", D, "June", "2017-06", "month", "2017-06-01/2017-07-01"),
    ("She will visit in December.", D, "December", "2017-12", "month", "2017-12-01/2018-01-01"),
    ("Profit rose in July.", D, "July", "2017-07", "month", "2017-07-01/2017-08-01"),
    ("Sales slumped in January.", date(2018, 2, 10), "January", "2018-01", "month", "2018-01-01/2018-02-01"),
    ("Sales slumped in December.", date(2018, 1, 10), "December", "2017-12", "month", "2017-12-01/2018-01-01"),
    ("The vote will be held in February.", date(2017, 11, 20), "February", "2018-02", "month",
     "2018-02-01/2018-03-01"),
    ("It happened last April.", D, "last April", "2017-04", "month", "2017-04-01/2017-05-01"),
    ("It happened last November.", D, "last November", "2016-11", "month", "2016-11-01/2016-12-01"),
    ("It will start next June.", D, "next June", "2018-06", "month", "2018-06-01/2018-07-01"),
    ("It will start this September.", D, "this September", "2017-09", "month", "2017-09-01/2017-10-01"),
    ("He left in June last year.", D, "June last year", "2016-06", "month", "2016-06-01/2016-07-01"),
    ("It began in January this year.", D, "January this year", "2017-01", "month", "2017-01-01/2017-02-01"),
    ("It was signed on July 4.", D, "July 4", "2017-07-04", "day", "2017-07-04/2017-07-05"),
    ("The vote is due on March 3.", D, "March 3", "2018-03-03", "day", "2018-03-03/2018-03-04"),
    ("The dividend is payable Jan. 2.", date(1989, 11, 2), "Jan. 2", "1990-01-02", "day",
     "1990-01-02/1990-01-03"),
    ("Trading halted on Oct. 13.", date(1989, 11, 2), "Oct. 13", "1989-10-13", "day", "1989-10-13/1989-10-14"),
    ("Flights resume from March 30.", date(1998, 2, 13), "March 30", "1998-03-30", "day",
     "1998-03-30/1998-03-31"),
    ("It ended on 15 July.", D, "15 July", "2017-07-15", "day", "2017-07-15/2017-07-16"),
    ("The editorial appeared on Saturday, April 25.", date(1998, 4, 24), "Saturday, April 25", "1998-04-25", "day",
     "1998-04-25/1998-04-26"),
    ("In January, a week after the anniversary of the Roe vs. Wade decision, a bomb killed a guard.",
     date(1998, 9, 25), "January", "1998-01", "month", "1998-01-01/1998-02-01"),  # "vs. " ends no sentence
    ("The sale is to be completed around Nov. 1.", date(1989, 10, 30), "around Nov. 1", "1989-11-01", "day",
     "1989-11-01/1989-11-02"),
    ("Helicopters crashed last February.", date(1998, 3, 1), "last February", "1997-02", "month",
     "1997-02-01/1997-03-01"),  # the month just ended would be "last month"
    ("The office of the chairman is created effective Feb. 1.", date(1989, 10, 26), "Feb. 1", "1990-02-01", "day",
     "1990-02-01/1990-02-02"),
    ("It was quiet in mid-May.", D, "mid-May", "2017-05", "month", "2017-05-01/2017-06-01"),
    ("Prices rose in late November.", date(1989, 12, 5), "late November", "1989-11", "month",
     "1989-11-01/1989-12-01"),
    ("Talks start in early September.", D, "early September", "2017-09", "month", "2017-09-01/2017-10-01"),
]

WEEKDAYS: list[Row] = [
    ("They met on Monday.", D, "Monday", "2017-08-07", "day", "2017-08-07/2017-08-08"),
    ("Members met on Monday with officials.", D, "Monday", "2017-08-07", "day", "2017-08-07/2017-08-08"),
    ("They will meet on Friday.", D, "Friday", "2017-08-11", "day", "2017-08-11/2017-08-12"),
    ("He said Friday that talks failed.", D, "Friday", "2017-08-04", "day", "2017-08-04/2017-08-05"),
    ("The market fell sharply Tuesday.", D, "Tuesday", "2017-08-08", "day", "2017-08-08/2017-08-09"),
    ("Police arrested him Sunday.", D, "Sunday", "2017-08-06", "day", "2017-08-06/2017-08-07"),
    ("The talks will resume Thursday.", D, "Thursday", "2017-08-10", "day", "2017-08-10/2017-08-11"),
    ("The summit ended Saturday.", D, "Saturday", "2017-08-05", "day", "2017-08-05/2017-08-06"),
    ("She spoke on Wednesday.", date(2017, 8, 11), "Wednesday", "2017-08-09", "day", "2017-08-09/2017-08-10"),
    ("It happened last Friday.", D, "last Friday", "2017-08-04", "day", "2017-08-04/2017-08-05"),
    ("It happens next Monday.", D, "next Monday", "2017-08-14", "day", "2017-08-14/2017-08-15"),
    ("Stocks closed higher Friday.", date(1989, 10, 27), "Friday", "1989-10-27", "day", "1989-10-27/1989-10-28"),
    ("The vote is set for this coming Sunday.", D, "this coming Sunday", "2017-08-13", "day",
     "2017-08-13/2017-08-14"),
    ("Rebels attacked early Tuesday.", date(2017, 8, 9), "early Tuesday", "2017-08-08", "day",
     "2017-08-08/2017-08-09"),
    ("A rally was held Wednesday night.", date(2000, 1, 6), "Wednesday night", "2000-01-05", "day",
     "2000-01-05/2000-01-06"),
    ("They met Thursday morning.", date(1999, 10, 8), "Thursday morning", "1999-10-07", "day",
     "1999-10-07/1999-10-08"),
    # a weekday keeps "evening" (TimeBank/AQUAINT: 3 of 3), not "morning"/"night" (mostly the bare day there)
    ("The offer had been due to expire Friday evening.", date(1989, 10, 30), "Friday evening", "1989-10-27TEV",
     "time", "1989-10-27/1989-10-28"),
    ("A woman was killed Thursday evening in Brooklyn.", date(1998, 2, 12), "Thursday evening", "1998-02-12TEV",
     "time", "1998-02-12/1998-02-13"),
    ("It had been scheduled to expire at midnight Friday.", date(1989, 10, 30), "midnight Friday",
     "1989-10-27T24:00", "time", "1989-10-27/1989-10-28"),
    ("People were wounded in blasts next to the U.S. embassies on Friday.", date(1998, 8, 8), "Friday",
     "1998-08-07", "day", "1998-08-07/1998-08-08"),
    ("Agents arrested him in the early hours of Thursday morning.", date(1999, 10, 8), "Thursday morning",
     "1999-10-07", "day", "1999-10-07/1999-10-08"),
    ("Stocks fell Friday, down 4.5% from the previous Friday.", date(1989, 10, 30), "the previous Friday",
     "1989-10-20", "day", "1989-10-20/1989-10-21"),
    # "until" marks a deadline ahead, unless the clause is past perfect: then the limit has passed
    ("The offer stands until Friday.", D, "Friday", "2017-08-11", "day", "2017-08-11/2017-08-12"),
    ("Until Thursday, police had not named a suspect.", D, "Thursday", "2017-08-03", "day",
     "2017-08-03/2017-08-04"),
    ("Protesters gathered over the weekend.", D, "the weekend", "2017-W31-WE", "week", "2017-08-05/2017-08-07"),
    ("Crowds are expected this weekend.", D, "this weekend", "2017-W32-WE", "week", "2017-08-12/2017-08-14"),
]

DEICTIC: list[Row] = [
    ("The meeting was held yesterday.", D, "yesterday", "2017-08-07", "day", "2017-08-07/2017-08-08"),
    ("The team plays tomorrow.", D, "tomorrow", "2017-08-09", "day", "2017-08-09/2017-08-10"),
    ("I am here today.", D, "today", "2017-08-08", "day", "2017-08-08/2017-08-09"),
    ("We will talk tonight.", D, "tonight", "2017-08-08TNI", "time", "2017-08-08/2017-08-09"),
    ("It rained this morning.", D, "this morning", "2017-08-08TMO", "time", "2017-08-08/2017-08-09"),
    ("He left last night.", D, "last night", "2017-08-07TNI", "time", "2017-08-07/2017-08-08"),
    ("It ended this afternoon.", D, "this afternoon", "2017-08-08TAF", "time", "2017-08-08/2017-08-09"),
    ("Shares fell late yesterday.", D, "late yesterday", "2017-08-07", "day", "2017-08-07/2017-08-08"),
    ("It starts tomorrow morning.", D, "tomorrow morning", "2017-08-09TMO", "time", "2017-08-09/2017-08-10"),
    ("Police came yesterday afternoon.", D, "yesterday afternoon", "2017-08-07TAF", "time",
     "2017-08-07/2017-08-08"),
    ("The deal closed yesterday.", date(2017, 1, 1), "yesterday", "2016-12-31", "day", "2016-12-31/2017-01-01"),
    # the day's own things stay dated; the age in general ("today's youth") is in NEGATIVES
    ("Shareholders responded coolly to today's announcement.", D, "today", "2017-08-08", "day",
     "2017-08-08/2017-08-09"),
    ("But tomorrow's vote has wider implications.", D, "tomorrow", "2017-08-09", "day", "2017-08-09/2017-08-10"),
    ("Federer plays in today's men's final.", D, "today", "2017-08-08", "day", "2017-08-08/2017-08-09"),
    ("The offer, advertised in today's editions, expires soon.", D, "today", "2017-08-08", "day",
     "2017-08-08/2017-08-09"),
    ("Results are due tomorrow.", date(2016, 2, 28), "tomorrow", "2016-02-29", "day", "2016-02-29/2016-03-01"),
]

RELATIVE: list[Row] = [
    ("The deal should close by year-end.", D, "year-end", "2017", "year", "2017-01-01/2018-01-01"),
    ("Rules will be in place by year's end.", D, "year's end", "2017", "year", "2017-01-01/2018-01-01"),
    ("It is expected to close around year end.", D, "around year end", "2017", "year", "2017-01-01/2018-01-01"),
    ("It grew last week.", D, "last week", "2017-W31", "week", "2017-07-31/2017-08-07"),
    ("It will grow next week.", D, "next week", "2017-W33", "week", "2017-08-14/2017-08-21"),
    ("Sales are up this week.", D, "this week", "2017-W32", "week", "2017-08-07/2017-08-14"),
    # a quoted sentence is not a quoted title (ABC's "This Week," in NEGATIVES)
    ('He said, "This week we will win."', D, "This week", "2017-W32", "week", "2017-08-07/2017-08-14"),
    # "the week" of a market report: some week of the year (TimeBank's YYYY-WXX), not "during the week"
    ("For the week, the index dropped 3.8%.", D, "the week", "2017-WXX", "week", None),
    ("Thursday was the week's most active session.", D, "the week", "2017-WXX", "week", None),
    ("Sales fell last month.", D, "last month", "2017-07", "month", "2017-07-01/2017-08-01"),
    ("Sales will rise next month.", D, "next month", "2017-09", "month", "2017-09-01/2017-10-01"),
    ("Sales are flat this month.", D, "this month", "2017-08", "month", "2017-08-01/2017-09-01"),
    ("Sales fell last year.", D, "last year", "2016", "year", "2016-01-01/2017-01-01"),
    ("Sales will rise next year.", D, "next year", "2018", "year", "2018-01-01/2019-01-01"),
    ("Sales are strong this year.", D, "this year", "2017", "year", "2017-01-01/2018-01-01"),
    ("Sales fell last month.", date(2017, 1, 3), "last month", "2016-12", "month", "2016-12-01/2017-01-01"),
    ("It grew last week.", date(2017, 1, 3), "last week", "2016-W52", "week", "2016-12-26/2017-01-02"),
    ("Sales will rise next month.", date(2016, 12, 20), "next month", "2017-01", "month", "2017-01-01/2017-02-01"),
    ("Costs rose over the past year.", D, "the past year", "2016", "year", "2016-01-01/2017-01-01"),
    ("Growth slowed in the current year.", D, "the current year", "2017", "year", "2017-01-01/2018-01-01"),
    ("It happened earlier this year.", D, "earlier this year", "2017", "year", "2017-01-01/2018-01-01"),
    ("It will happen later this month.", D, "later this month", "2017-08", "month", "2017-08-01/2017-09-01"),
    ("It happened late last year.", D, "late last year", "2016", "year", "2016-01-01/2017-01-01"),
    ("It will open early next year.", D, "early next year", "2018", "year", "2018-01-01/2019-01-01"),
    ("Sales for the full year rose.", D, "the full year", "2017", "year", "2017-01-01/2018-01-01"),
    ("The plan covers the next decade.", D, "the next decade", "202", "decade", "2020-01-01/2030-01-01"),
    ("It was the worst in the last decade.", D, "the last decade", "200", "decade", "2000-01-01/2010-01-01"),
]

OFFSETS: list[Row] = [
    ("The company was founded two years ago.", D, "two years ago", "2015", "year", "2015-01-01/2016-01-01"),
    ("He left three days ago.", D, "three days ago", "2017-08-05", "day", "2017-08-05/2017-08-06"),
    ("She called a week ago.", D, "a week ago", "2017-W31", "week", "2017-07-31/2017-08-07"),
    ("It began a decade ago.", D, "a decade ago", "2007", "year", "2007-01-01/2008-01-01"),
    ("It ended five months ago.", D, "five months ago", "2017-03", "month", "2017-03-01/2017-04-01"),
    ("It was bought a year ago.", D, "a year ago", "2016", "year", "2016-01-01/2017-01-01"),
    ("He moved here 10 years ago.", D, "10 years ago", "2007", "year", "2007-01-01/2008-01-01"),
    ("It collapsed about two years ago.", D, "about two years ago", "2015", "year", "2015-01-01/2016-01-01"),
    ("It was built nearly 40 years ago.", D, "nearly 40 years ago", "1977", "year", "1977-01-01/1978-01-01"),
    ("The results will come two weeks from now.", D, "two weeks from now", "2017-W34", "week",
     "2017-08-21/2017-08-28"),
    ("She quit six months ago.", D, "six months ago", "2017-02", "month", "2017-02-01/2017-03-01"),
    ("He was freed 24 hours ago.", D, "24 hours ago", "2017-08-07", "day", "2017-08-07/2017-08-08"),
    ("It happened several years ago.", D, "several years ago", "PAST_REF", None, None),
]

ANAPHORIC: list[Row] = [
    ("They met on Monday. The next day they signed.", D, "The next day", "2017-08-08", "day",
     "2017-08-08/2017-08-09"),
    ("It opened in 2012. The following year it closed.", D, "The following year", "2013", "year",
     "2013-01-01/2014-01-01"),
    ("The plant opened in 2009. That year sales doubled.", D, "That year", "2009", "year",
     "2009-01-01/2010-01-01"),
    ("The talks began on May 2. On the previous day, police arrested him.", D, "the previous day", "2017-05-01",
     "day", "2017-05-01/2017-05-02"),
    ("The war ended in 1945. The previous year was worse.", D, "The previous year", "1944", "year",
     "1944-01-01/1945-01-01"),
    ("They married on June 5, 2010. The same day they left.", D, "The same day", "2010-06-05", "day",
     "2010-06-05/2010-06-06"),
    ("Sales rose in 1988. A year earlier they fell.", D, "A year earlier", "1987", "year",
     "1987-01-01/1988-01-01"),
]

TIMES: list[Row] = [
    ("The meeting starts at 5 p.m.", D, "5 p.m.", "2017-08-08T17:00", "time", "2017-08-08/2017-08-09"),
    ("The meeting started at 10:30 a.m. Monday.", D, "10:30 a.m. Monday", "2017-08-07T10:30", "time",
     "2017-08-07/2017-08-08"),
    ("They met at noon Friday.", D, "noon Friday", "2017-08-04T12:00", "time", "2017-08-04/2017-08-05"),
    ("The blast occurred at 5 p.m. EST.", D, "5 p.m. EST", "2017-08-08T17:00", "time", "2017-08-08/2017-08-09"),
    ("Trading ends at 4 pm today.", D, "4 pm today", "2017-08-08T16:00", "time", "2017-08-08/2017-08-09"),
    ("He woke at 6 a.m. yesterday.", D, "6 a.m. yesterday", "2017-08-07T06:00", "time", "2017-08-07/2017-08-08"),
    ("Polls close at 8:00 p.m.", D, "8:00 p.m.", "2017-08-08T20:00", "time", "2017-08-08/2017-08-09"),
    ("It happened at midnight.", D, "midnight", "2017-08-08T24:00", "time", "2017-08-08/2017-08-09"),
]

FORMATS: list[Row] = [
    ("It was on 2017/08/07.", D, "2017/08/07", "2017-08-07", "day", "2017-08-07/2017-08-08"),
    ("Signed 7.8.2017 in Bern.", D, "7.8.2017", "2017-08-07", "day", "2017-08-07/2017-08-08"),
    ("Filed 13/08/2017 in London.", D, "13/08/2017", "2017-08-13", "day", "2017-08-13/2017-08-14"),
    ("Filed 08/13/2017 in Boston.", D, "08/13/2017", "2017-08-13", "day", "2017-08-13/2017-08-14"),
    ("He was born Aug 7th, 2017.", D, "Aug 7th, 2017", "2017-08-07", "day", "2017-08-07/2017-08-08"),
    ("we met on monday in the rain", D, "monday", "2017-08-07", "day", "2017-08-07/2017-08-08"),
    ("they broke up in january", D, "january", "2017-01", "month", "2017-01-01/2017-02-01"),
    ("Talks were held in the week of March 6.", D, "the week of March 6", "2017-W10", "week",
     "2017-03-06/2017-03-13"),
    ("It began in January nineteen ninety-seven.", D, "January nineteen ninety-seven", "1997-01", "month",
     "1997-01-01/1997-02-01"),
    ("IN MARCH 2016 PRICES FELL.", D, "MARCH 2016", "2016-03", "month", "2016-03-01/2016-04-01"),
]

HOLIDAYS: list[Row] = [
    ("They married on Christmas Day 2015.", D, "Christmas Day 2015", "2015-12-25", "day", "2015-12-25/2015-12-26"),
    ("Shops were closed on New Year's Day.", D, "New Year's Day", "2017-01-01", "day", "2017-01-01/2017-01-02"),
    ("The parade is on Thanksgiving.", D, "Thanksgiving", "2017-11-23", "day", "2017-11-23/2017-11-24"),
    ("It reopened after Memorial Day.", D, "Memorial Day", "2017-05-29", "day", "2017-05-29/2017-05-30"),
    ("They celebrated Independence Day.", D, "Independence Day", "2017-07-04", "day", "2017-07-04/2017-07-05"),
]

REFERENCES: list[Row] = [
    ("Now prices are higher.", D, "Now", "PRESENT_REF", None, None),
    ("Prices rose recently.", D, "recently", "PAST_REF", None, None),
    ("In the future prices will rise.", D, "the future", "FUTURE_REF", None, None),
    ("In the past prices fell.", D, "the past", "PAST_REF", None, None),
    ("The current system failed.", D, "current", "PRESENT_REF", None, None),
    ("Things are different these days.", D, "these days", "PRESENT_REF", None, None),
    ("It will change in the near future.", D, "the near future", "FUTURE_REF", None, None),
    ("Yields fell in recent years.", D, "recent years", "PAST_REF", None, None),
    ("It doesn't bode well for coming quarters, he said.", D, "coming quarters", "FUTURE_REF", None, None),
    ("Loss carry-forwards will cut tax payments in future quarters.", D, "future quarters", "FUTURE_REF", None,
     None),
    # "Now," opening a sentence is a discourse marker (see NEGATIVES); elsewhere "now" is the present
    ("For now, the office is closed.", D, "now", "PRESENT_REF", None, None),
    ("Prices are higher now, analysts say.", D, "now", "PRESENT_REF", None, None),
    ("He resigned. Now the board must act.", D, "Now", "PRESENT_REF", None, None),
    # "then current": current at a past time
    ("Holders may buy shares at 50% of the then current market price.", D, "then current", "PAST_REF", None, None),
    ("The then-current chairman objected.", D, "then-current", "PAST_REF", None, None),
    # "recently" after an auxiliary is aspect ("have recently moved", in NEGATIVES); elsewhere a past time
    ("Magna recently cut its dividend.", D, "recently", "PAST_REF", None, None),
    ("Its stock has slumped recently.", D, "recently", "PAST_REF", None, None),
]

ALL_ROWS = [
    pytest.param(*row, id=f"{name}:{row[2]}")
    for name, table in [
        ("absolute", ABSOLUTE),
        ("season_quarter", SEASONS_QUARTERS),
        ("decade_century", DECADES_CENTURIES),
        ("month_no_year", MONTH_WITHOUT_YEAR),
        ("weekday", WEEKDAYS),
        ("deictic", DEICTIC),
        ("relative", RELATIVE),
        ("offset", OFFSETS),
        ("anaphoric", ANAPHORIC),
        ("time", TIMES),
        ("holiday", HOLIDAYS),
        ("format", FORMATS),
        ("reference", REFERENCES),
    ]
    for row in table
]


def _find(mentions: list[Mention], span: str) -> Mention:
    hits = [m for m in mentions if m.text == span]
    assert hits, f"{span!r} not tagged; got {[(m.text, m.value) for m in mentions]}"
    return hits[0]


def _interval(m: Mention) -> str | None:
    if m.start_date is None:
        assert m.end_date is None
        return None
    assert m.end_date is not None and m.start_date < m.end_date
    return f"{m.start_date.isoformat()}/{m.end_date.isoformat()}"


@pytest.mark.parametrize("text, dct, span, value, gran, interval", ALL_ROWS)
def test_dates(text: str, dct: date | None, span: str, value: str, gran: str | None, interval: str | None) -> None:
    m = _find(tag(text, dct), span)
    assert (m.value, m.granularity, _interval(m)) == (value, gran, interval)
    assert m.timex_type in ("DATE", "TIME")


# (text, mention text, type, value, mod, freq, quant)
DURATIONS_SETS_MODS: list[tuple[str, str, str, str, str | None, str | None, str | None]] = [
    ("The project will take three years.", "three years", "DURATION", "P3Y", None, None, None),
    ("The strike lasted two hours.", "two hours", "DURATION", "PT2H", None, None, None),
    ("It was a two-hour meeting.", "two-hour", "DURATION", "PT2H", None, None, None),
    ("He signed a 10-year lease.", "10-year", "DURATION", "P10Y", None, None, None),
    ("It will take about three years.", "about three years", "DURATION", "P3Y", "APPROX", None, None),
    ("He spent more than 10 years in prison.", "more than 10 years", "DURATION", "P10Y", "MORE_THAN", None, None),
    ("It lasted nearly forty years.", "nearly forty years", "DURATION", "P40Y", "LESS_THAN", None, None),
    ("It lasted at least 20 minutes.", "at least 20 minutes", "DURATION", "PT20M", "EQUAL_OR_MORE", None, None),
    ("Over the past five years, sales grew.", "the past five years", "DURATION", "P5Y", None, None, None),
    ("Sales grew in the first nine months.", "the first nine months", "DURATION", "P9M", None, None, None),
    # days counted on a calendar of their own are still days
    ("Eight trading days after the crash, the index was down.", "Eight trading days", "DURATION", "P8D", None, None,
     None),
    ("Stocks fell for five straight trading days.", "five straight trading days", "DURATION", "P5D", None, None, None),
    ("It must respond within 10 business days.", "10 business days", "DURATION", "P10D", None, None, None),
    ("It lasted a decade.", "a decade", "DURATION", "P10Y", None, None, None),
    ("It lasted two decades.", "two decades", "DURATION", "P20Y", None, None, None),
    ("It lasted 2 1/2 years.", "2 1/2 years", "DURATION", "P2Y6M", None, None, None),
    ("It took 18 months.", "18 months", "DURATION", "P18M", None, None, None),
    ("It took several weeks.", "several weeks", "DURATION", "PXW", None, None, None),
    ("It took a few days.", "a few days", "DURATION", "PXD", None, None, None),
    ("It took a minute and a half.", "a minute and a half", "DURATION", "PT1M30S", None, None, None),
    ("It took one and a half hours.", "one and a half hours", "DURATION", "PT1H30M", None, None, None),
    ("The talks lasted twenty-four hours.", "twenty-four hours", "DURATION", "PT24H", None, None, None),
    ("The trial lasted 14 days.", "14 days", "DURATION", "P14D", None, None, None),
    ("He waited a week.", "a week", "DURATION", "P1W", None, None, None),
    # "N units later/earlier": TimeML tags the quantity as a DURATION, the adverb is a signal
    ("They met on July 3. A week later they signed.", "A week", "DURATION", "P1W", None, None, None),
    ("The firm was founded in 2010. Two years later it failed.", "Two years", "DURATION", "P2Y", None, None, None),
    ("Fighting began on March 3, 2003. Three days later troops moved.", "Three days", "DURATION", "P3D", None, None,
     None),
    ("The mill closed in June 2001. A month earlier it was sold.", "A month", "DURATION", "P1M", None, None, None),
    ("A few days later, the company reported a loss.", "A few days", "DURATION", "PXD", None, None, None),
    ("He was declared dead just over an hour later.", "over an hour", "DURATION", "PT1H", "MORE_THAN", None, None),
    ("It was delayed for a couple of years.", "a couple of years", "DURATION", "P2Y", None, None, None),
    ("They meet every day.", "every day", "SET", "P1D", None, None, "EVERY"),
    ("They meet each year.", "each year", "SET", "P1Y", None, None, "EACH"),
    ("They meet twice a week.", "twice a week", "SET", "P1W", None, "2X", None),
    ("They meet three times a year.", "three times a year", "SET", "P1Y", None, "3X", None),
    ("The paper is published daily.", "daily", "SET", "P1D", None, None, None),
    ("Protesters gather daily outside the house.", "daily", "SET", "P1D", None, None, None),
    ("They held such rallies almost daily.", "daily", "SET", "P1D", None, None, None),
    ("The report is issued weekly.", "weekly", "SET", "P1W", None, None, None),
    ("Prices are reviewed annually.", "annually", "SET", "P1Y", None, None, None),
    ("He earns $50 million per year.", "per year", "SET", "P1Y", None, None, None),
    ("They meet every Monday.", "every Monday", "SET", "XXXX-WXX-1", None, None, "EVERY"),
    ("Flights leave on Mondays.", "Mondays", "SET", "XXXX-WXX-1", None, None, None),
    ("Flights leave on Tuesday nights.", "Tuesday nights", "SET", "XXXX-WXX-2TNI", None, None, None),
    ("They meet every Friday night.", "every Friday night", "SET", "XXXX-WXX-5TNI", None, None, "EVERY"),
    ("He pays $1.76 a year.", "a year", "SET", "P1Y", None, None, None),
    ("The board meets every other week.", "every other week", "SET", "P2W", None, None, "EVERY"),
    ("The board meets every Monday and Thursday.", "Thursday", "SET", "XXXX-WXX-4", None, None, None),
    ("The buses come every few minutes.", "every few minutes", "SET", "PTXM", None, None, "EVERY"),
    ("The board meets twice yearly.", "twice yearly", "SET", "P1Y", None, "2X", None),
    ("She calls several times a week.", "several times a week", "SET", "P1W", None, "XX", None),
    ("The shop opens each Tuesday, Wednesday and Friday.", "Wednesday", "SET", "XXXX-WXX-3", None, None, None),
    ("The economy saw two quarters of growth.", "two quarters", "DURATION",
     "P2Q", None, None, None),
    ("It lasted a quarter of a century.", "a quarter of a century", "DURATION", "P25Y", None, None, None),
    ("Bins are emptied every other day.", "every other day", "SET", "P2D", None, None, "EVERY"),
    ("It took a quarter century to build.", "a quarter century", "DURATION", "P25Y", None, None, None),
    ("The firm, which just months ago was failing, is thriving.", "months ago", "DATE", "PAST_REF", None, None,
     None),
    ("Decades ago, the town thrived.", "Decades ago", "DATE", "PAST_REF", None, None, None),
    ("It was posted hours ago.", "hours ago", "DATE", "PAST_REF", None, None, None),
    ("There are four flights a week.", "a week", "SET", "P1W", None, None, None),
    ("Prices rose in early 2016.", "early 2016", "DATE", "2016", "START", None, None),
    ("It opened in mid-May.", "mid-May", "DATE", "2017-05", "MID", None, None),
    ("It happened late last year.", "late last year", "DATE", "2016", "END", None, None),
    ("It was done by the end of 1990.", "the end of 1990", "DATE", "1990", "END", None, None),
    ("It began at the beginning of 2015.", "the beginning of 2015", "DATE", "2015", "START", None, None),
    ("It was popular in the late 1990s.", "the late 1990s", "DATE", "199", "END", None, None),
    ("It was built in mid-1996.", "mid-1996", "DATE", "1996", "MID", None, None),
    ("Talks resume in the last week of May.", "the last week of May", "DATE", "2018-05", "END", None, None),
    ("It opened in the first week of June.", "the first week of June", "DATE", "2017-06", "START", None, None),
    ("Prices fell in the waning days of 2012.", "the waning days of 2012", "DATE", "2012", "END", None, None),
    ("Growth slowed in the latter half of 2012.", "the latter half of 2012", "DATE", "2012-H2", None, None, None),
    ("Trading halted in the middle of October.", "the middle of October", "DATE", "2016-10", "MID", None, None),  # past: last October
]


@pytest.mark.parametrize("text, span, typ, value, mod, freq, quant", DURATIONS_SETS_MODS,
                         ids=[r[1] for r in DURATIONS_SETS_MODS])
def test_durations_sets_mods(text: str, span: str, typ: str, value: str, mod: str | None, freq: str | None,
                             quant: str | None) -> None:
    m = _find(tag(text, D), span)
    assert (m.timex_type, m.value, m.mod, m.freq, m.quant) == (typ, value, mod, freq, quant)
    if typ in ("DURATION", "SET"):
        assert m.start_date is None and m.end_date is None and m.granularity is None


# Texts that must produce no DATE/TIME at all (words that look like dates, numbers that are not years).
NEGATIVES = [
    "You may go now if you like.".replace(" now", ""),
    "They march on the capital.",
    "The sun rose over the hills.",
    "He bought 1990 tanks from the army.",
    "It costs $50 million.",
    "The rate rose 50% in a day.".replace(" in a day", ""),
    "Call 555-1234 for details.",
    "Call 555-1234-5678 for details.",
    "Part number 1234-5678 is out of stock.",
    "The Lakers won 102-98.",
    "The hotline is open 24/7.",
    "He won a quarter of the vote.",
    "He is a day trader.",
    "They took a day trip to Paris.",
    "Three quarters of its members agreed.",
    "Prime Minister Theresa May said so.",
    "The museum has 2,017 paintings.",
    "It sold for $2017.",
    "The fall of Rome was slow.",
    "Prices fall when demand drops.",
    "He scored 3-2 in the final.",
    "Flight 2012 landed safely.",
    "See page 1998 of the report.",
    "The March Madness tournament began.",
    "It might rain, or it may not.",
    "The 6-year-old boy was returned.",
    "Mr. Reupke, 52 years old, resigned.",
    "It paid a quarterly dividend.",
    "Sales rose 12.5% to 1,200 units.",
    "A second group of directors resigned.",
    "Iraq imports about three-quarters of its food.",
    "Model 1900 is popular.",
    "The quarter-to-quarter comparison was enhanced by charges.",
    "The board took a fiscal-first approach to the merger.",
    "It appeared in the Business Day section of the paper.",
    "Fans await the coming quarterfinals.",
    "Thousands joined the March for Life.",
    "He met the May family at the station.",
    "Room 2001 is free.",
    'Iraq was ready to withdraw." Now, he says, "it looks like the West wants war."',
    "Now, Ms. Conlin said, it will have new resonance.",
    "The case is for today's youth what the blockade was for their parents.",
    "They are the chips of choice in many of today's personal computers.",
    "Paternity can readily be proved in today's world.",
    "If I were choosing the people of tomorrow, I would choose them.",
    "By today's standards the car was cheap.",
    "He works in the city during the week.",
    "They have recently moved to an affluent neighborhood.",
    "The search was recently extended to Mexico.",
    'Secretary of State James Baker, speaking on ABC News\' "This Week," said the request was clear.',
    'Baker said on ABC-TV\'s "This Week With David Brinkley" that the resolutions were final.',
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_no_false_positives(text: str) -> None:
    ms = tag(text, D)
    assert not ms, [(m.text, m.timex_type, m.value) for m in ms]


# dct=None: absolute values stay absolute; relative ones are inferred from the text or unresolved.
UNDATED = [
    ("The plant closed on May 5, 2014. It reopened the next day.", "the next day", "2014-05-06", "absolute"),
    ("It closed on May 5, 2014. The following week it reopened.", "The following week", "2014-W20", "absolute"),
    ("Sales rose in 2014. Last year they fell.", "Last year", "2013", "inferred"),
    ("Sales rose in 2014, and in May prices fell.", "May", "2014-05", "inferred"),
    ("The vote was on March 3, 2016. On Monday the results came.", "Monday", "2016-03-07", "inferred"),  # the next
    ("They met on Monday.", "Monday", "XXXX-WXX-1", "unresolved"),
    ("It happened yesterday.", "yesterday", "XXXX-XX-XX", "unresolved"),
    ("It happened last week.", "last week", "XXXX-WXX", "unresolved"),
    ("It opened in May.", "May", "XXXX-05", "unresolved"),
    ("The war began in 1990.", "1990", "1990", "absolute"),
    ("Sales rose in 2014. In the third quarter they fell.", "the third quarter", "2014-Q3", "inferred"),
    ("Rates rose in June 2015. Last month they fell.", "Last month", "2015-05", "inferred"),
]


@pytest.mark.parametrize("text, span, value, source", UNDATED, ids=[r[1] for r in UNDATED])
def test_without_dct(text: str, span: str, value: str, source: str) -> None:
    m = _find(tag(text, None), span)
    assert (m.value, m.anchor_source) == (value, source)
    if source == "unresolved":
        assert m.start_date is None and m.end_date is None


def test_datetime_dct_is_accepted() -> None:
    from datetime import datetime

    m = _find(tag("They met on Monday.", datetime(2017, 8, 8, 15, 30)), "Monday")
    assert m.value == "2017-08-07"


def test_table_size() -> None:
    n = len(ALL_ROWS) + len(DURATIONS_SETS_MODS) + len(NEGATIVES) + len(UNDATED)
    assert n >= 200, n


# Other locales: the shape of an absolute date is ours, the month name is dateparser's.
FOREIGN = [
    ("Die Regierung hat am 7. August 2017 in Berlin beschlossen, dass die Steuern steigen.", "7. August 2017",
     "2017-08-07", "day"),
    ("Die Steuern werden im Mai 2018 steigen, sagte die Ministerin.", "Mai 2018", "2018-05", "month"),
    ("Le gouvernement a annoncé le 3 mars 2016 une réforme.", "3 mars 2016", "2016-03-03", "day"),
    ("El presidente llegó el 12 de octubre de 2015 a Madrid con los ministros.", "12 de octubre de 2015",
     "2015-10-12", "day"),
    ("Il governo ha deciso il 3 giugno 2014 di aumentare le tasse per le imprese.", "3 giugno 2014", "2014-06-03",
     "day"),
]


@pytest.mark.parametrize("text, span, value, gran", FOREIGN, ids=[r[1] for r in FOREIGN])
def test_other_locales(text: str, span: str, value: str, gran: str) -> None:
    m = _find(tag(text, None), span)
    assert (m.value, m.granularity, m.anchor_source) == (value, gran, "absolute")
    assert m.start_date is not None


# A tense that governs a yearless month beyond doubt (same clause, a few words away) picks its side of the
# document date even when the other side is nearer: "will open in January" said in March is next January.
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_PAST_MONTH = ["Sales fell sharply in {}.", "The law was passed in {}.", "He resigned in {}, the paper reported."]
_FUTURE_MONTH = ["The plant will open in {}.", "Elections are scheduled for {}.",
                 "The firm expects to close the deal in {}."]


@pytest.mark.parametrize("dct_month", range(1, 13))
@pytest.mark.parametrize("template, side", [(t, "past") for t in _PAST_MONTH] + [(t, "future") for t in _FUTURE_MONTH])
def test_firm_tense_picks_its_side(template: str, side: str, dct_month: int) -> None:
    dct = date(2019, dct_month, 15)
    for k, name in enumerate(_MONTHS, 1):
        text = template.format(name)
        m = _find(tag(text, dct), name)
        y, mo = int(m.value[:4]), int(m.value[5:7])
        assert mo == k
        if side == "past":
            assert (dct.year - 1, dct.month) < (y, mo) <= (dct.year, dct.month), (text, dct, m.value)
        else:
            assert (dct.year, dct.month) <= (y, mo) < (dct.year + 1, dct.month), (text, dct, m.value)


# (text, document date, start of the mention's text, value)
DIRECTION: list[tuple[str, date, str, str]] = [
    # the cue is far or across a comma: the nearer month wins, as news mostly means
    ("They announced an agreement to acquire the Peoria, Ill., bank holding company in January.",
     date(1989, 10, 30), "January", "1990-01"),
    ("The dividend would be paid on a still unspecified date in January.", date(1989, 10, 26), "January", "1990-01"),
    # a deadline: the past verb sets it, the date is still ahead
    ("The offer was extended to January 20.", date(1989, 11, 2), "January", "1990-01-20"),
    ("The board set a deadline of January 20.", date(1989, 11, 2), "January", "1990-01-20"),
    ("The ruling is due no later than Friday.", date(2013, 3, 14), "Friday", "2013-03-15"),
    # a fraction of a year back is a month; a millennium is a thousand years
    ("It happened half a year ago.", date(2013, 3, 14), "half", "2012-09"),
    ("It happened a year and a half ago.", date(2013, 3, 14), "a year", "2011-09"),
    ("It happened two and a half years ago.", date(2013, 3, 14), "two", "2010-09"),
    ("The city was founded two millennia ago.", date(2013, 3, 14), "two", "0013"),
    ("A vote could come as early as Friday.", date(2013, 3, 14), "Friday", "2013-03-15"),
    # "this <weekday>": the day of the current week, unless the tense says it is the coming or the past one
    ("They will meet this Monday.", date(2019, 3, 6), "this", "2019-03-11"),
    ("They met this Monday.", date(2019, 3, 6), "this", "2019-03-04"),
    ("They will meet this Friday.", date(2019, 3, 6), "this", "2019-03-08"),
    ("They will meet this Friday.", date(2019, 3, 9), "this", "2019-03-15"),
    ("They met this Friday.", date(2019, 3, 6), "this", "2019-03-01"),
    ("The vote is this Friday.", date(2019, 3, 6), "this", "2019-03-08"),
]


@pytest.mark.parametrize("text, dct, start, value", DIRECTION)
def test_direction_of_underspecified_dates(text: str, dct: date, start: str, value: str) -> None:
    m = next(m for m in tag(text, dct) if m.text.startswith(start))
    assert m.value == value


_SEASON_START = {"spring": 3, "summer": 6, "fall": 9, "winter": 12}


@pytest.mark.parametrize("dct_month", range(1, 13))
@pytest.mark.parametrize("template, side", [("Sales fell sharply in the {}.", "past"),
                                            ("The plant will open in the {}.", "future")])
def test_firm_tense_places_seasons(template: str, side: str, dct_month: int) -> None:
    dct = date(2019, dct_month, 15)
    for season, first in _SEASON_START.items():
        m = _find(tag(template.format(season), dct), f"the {season}")
        start = date(int(m.value[:4]), first, 1)
        if side == "past":  # begun by the document date, within the last year and a season
            assert dct - timedelta(days=460) < start <= dct, (season, dct, m.value)
        else:  # not over yet, and within the coming year
            assert start + timedelta(days=88) >= dct and start < dct + timedelta(days=370), (season, dct, m.value)


@pytest.mark.parametrize("dct_month", range(1, 13))
@pytest.mark.parametrize("template, side", [("He resigned on {}.", "past"), ("The vote is scheduled for {}.", "future"),
                                            ("The plant will open on {}.", "future")])
def test_firm_tense_places_days(template: str, side: str, dct_month: int) -> None:
    """Days further than a month from the document date follow a firm tense; nearer ones stay nearest
    (a paper dated the 24th may say "on Saturday, April 25" of its next day's edition)."""
    dct = date(2019, dct_month, 15)
    for month, day in [(1, 5), (3, 20), (6, 1), (9, 9), (12, 24)]:
        name = f"{date(2000, month, day):%B} {day}"
        v = date.fromisoformat(_find(tag(template.format(name), dct), name).value)
        if abs((v - dct).days) <= 30:
            continue
        if side == "past":
            assert dct - timedelta(days=366) < v <= dct, (name, dct, v)
        else:
            assert dct <= v < dct + timedelta(days=366), (name, dct, v)

"""FRCP 6 deadline arithmetic, checked against dates worked out by hand.

Every expected date below was reached from the rules in
../shared/reference/court-days.md and a calendar, never by running the code;
the comment on each case is that working. Weekday names were checked with
``datetime.date.strftime('%a')``.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import holidays
import pytest

from firmdesk.scheduling.deadlines import (
    FEDERAL,
    CourtCalendar,
    DeadlineError,
    compute_days,
    compute_hours,
)

D = dt.date
NEW_YORK_ZONE = ZoneInfo("America/New_York")
CHICAGO_ZONE = ZoneInfo("America/Chicago")

NO_OBSERVED = CourtCalendar(observed_holidays=False)
NO_DECLARED = CourtCalendar(declared={})
NEW_YORK = CourtCalendar(jurisdiction="US-NY")
NEW_YORK_NO_STATE = CourtCalendar(jurisdiction="US-NY", state_holidays=False)
CALIFORNIA = CourtCalendar(jurisdiction="US-CA", time_zone="America/Los_Angeles")
SNOW_WEDNESDAY = CourtCalendar(closures={D(2026, 3, 11): "Snow emergency"})
OUTAGE_FRIDAY = CourtCalendar(closures={D(2026, 3, 13): "CM/ECF outage all day"})
THANKSGIVING_FRIDAY_CLOSED = CourtCalendar(
    closures={D(2025, 11, 28): "Administrative leave (day after Thanksgiving)"}
)


def test_state_holidays_used_below_are_real_in_the_holidays_library():
    """The state cases rely on these; if the library drops one, say so here."""
    assert holidays.US(subdiv="NY", years=2026).get(D(2026, 2, 12)) == (
        "Lincoln's Birthday"
    )
    california = holidays.US(subdiv="CA", years=2026)
    assert california.get(D(2026, 3, 31)) == "Cesar Chavez Day"
    assert california.get(D(2026, 11, 27)) == "Day After Thanksgiving"
    federal = holidays.US(years=2026)
    assert D(2026, 2, 12) not in federal
    assert D(2026, 3, 31) not in federal
    assert D(2026, 11, 27) not in federal


# (trigger, days, options, expected due date)
DAY_CASES = [
    # --- plain weekday landings -------------------------------------------------
    pytest.param(
        # 21 days -> Mon 23 Mar 2026, an ordinary Monday.
        D(2026, 3, 2), 21, {}, D(2026, 3, 23),
        id="plain-21-days-lands-on-a-monday",
    ),
    pytest.param(
        # 14 days -> Wed 18 Feb 2026; Presidents Day (Mon 16 Feb) in between
        # is counted like any other day (6(a)(1)(B)).
        D(2026, 2, 4), 14, {}, D(2026, 2, 18),
        id="plain-intermediate-presidents-day-is-counted",
    ),
    pytest.param(
        # 30 days -> Thu 1 Oct 2026; Labor Day (Mon 7 Sep) in between counted.
        D(2026, 9, 1), 30, {}, D(2026, 10, 1),
        id="plain-30-days-across-month-end-and-labor-day",
    ),
    pytest.param(
        # 7 days -> Mon 9 Jun 2025, open.
        D(2025, 6, 2), 7, {}, D(2025, 6, 9),
        id="plain-7-days",
    ),
    pytest.param(
        # 90 days -> Tue 30 Dec 2025 (Oct 31, Nov 30, Dec 30); open.
        D(2025, 10, 1), 90, {}, D(2025, 12, 30),
        id="plain-90-days-over-three-months",
    ),
    # --- Saturday and Sunday landings --------------------------------------------
    pytest.param(
        # 14 days -> Sat 21 Mar 2026; Sun 22; Mon 23 Mar.
        D(2026, 3, 7), 14, {}, D(2026, 3, 23),
        id="saturday-rolls-to-monday",
    ),
    pytest.param(
        # 11 days -> Sun 15 Mar 2026; Mon 16 Mar.
        D(2026, 3, 4), 11, {}, D(2026, 3, 16),
        id="sunday-rolls-to-monday",
    ),
    pytest.param(
        # 21 days -> Sat 4 Jul 2026 (Independence Day itself); Sun 5; Mon 6 Jul.
        D(2026, 6, 13), 21, {}, D(2026, 7, 6),
        id="saturday-independence-day-2026-rolls-to-monday",
    ),
    # --- Monday holidays -----------------------------------------------------------
    pytest.param(
        # 10 days -> Sat 17 Jan 2026; Sun 18; Mon 19 MLK Day; Tue 20 Jan.
        D(2026, 1, 7), 10, {}, D(2026, 1, 20),
        id="saturday-then-mlk-day-2026-rolls-to-tuesday",
    ),
    pytest.param(
        # 21 days -> Mon 18 Jan 2027, MLK Day; Tue 19 Jan 2027.
        D(2026, 12, 28), 21, {}, D(2027, 1, 19),
        id="mlk-day-2027-rolls-to-tuesday",
    ),
    pytest.param(
        # 14 days -> Mon 17 Feb 2025, Washington's Birthday; Tue 18 Feb.
        D(2025, 2, 3), 14, {}, D(2025, 2, 18),
        id="presidents-day-2025-rolls-to-tuesday",
    ),
    pytest.param(
        # 30 days -> Mon 31 May 2027, Memorial Day; Tue 1 Jun 2027.
        D(2027, 5, 1), 30, {}, D(2027, 6, 1),
        id="memorial-day-2027-rolls-to-tuesday",
    ),
    pytest.param(
        # 7 days -> Mon 7 Sep 2026, Labor Day; Tue 8 Sep.
        D(2026, 8, 31), 7, {}, D(2026, 9, 8),
        id="labor-day-2026-rolls-to-tuesday",
    ),
    pytest.param(
        # 28 days -> Mon 13 Oct 2025, Columbus Day; Tue 14 Oct.
        D(2025, 9, 15), 28, {}, D(2025, 10, 14),
        id="columbus-day-2025-rolls-to-tuesday",
    ),
    # --- observed holidays (and the same periods with observed days off) ----------
    pytest.param(
        # 21 days -> Fri 3 Jul 2026, Independence Day observed (4 Jul is a
        # Saturday); Sat 4; Sun 5; Mon 6 Jul.
        D(2026, 6, 12), 21, {}, D(2026, 7, 6),
        id="observed-independence-day-friday-2026-rolls-to-monday",
    ),
    pytest.param(
        # Same, observed days not holidays: Fri 3 Jul 2026 is open.
        D(2026, 6, 12), 21, {"calendar": NO_OBSERVED}, D(2026, 7, 3),
        id="unobserved-independence-day-friday-2026-is-open",
    ),
    pytest.param(
        # 14 days -> Mon 5 Jul 2027, Independence Day observed (4 Jul is a
        # Sunday); Tue 6 Jul.
        D(2027, 6, 21), 14, {}, D(2027, 7, 6),
        id="observed-independence-day-monday-2027-rolls-to-tuesday",
    ),
    pytest.param(
        # Same, observed days not holidays: Mon 5 Jul 2027 is open.
        D(2027, 6, 21), 14, {"calendar": NO_OBSERVED}, D(2027, 7, 5),
        id="unobserved-independence-day-monday-2027-is-open",
    ),
    pytest.param(
        # 14 days -> Sat 3 Jul 2027; Sun 4 (Independence Day); Mon 5 (observed);
        # Tue 6 Jul.
        D(2027, 6, 19), 14, {}, D(2027, 7, 6),
        id="weekend-then-observed-monday-2027-rolls-to-tuesday",
    ),
    pytest.param(
        # Same, observed days not holidays: Sat 3; Sun 4; Mon 5 Jul open.
        D(2027, 6, 19), 14, {"calendar": NO_OBSERVED}, D(2027, 7, 5),
        id="weekend-then-unobserved-monday-2027-stops-on-monday",
    ),
    pytest.param(
        # 14 days -> Fri 24 Dec 2027, Christmas observed (25 Dec is a Saturday);
        # Sat 25; Sun 26; Mon 27 Dec.
        D(2027, 12, 10), 14, {}, D(2027, 12, 27),
        id="observed-christmas-friday-2027-rolls-to-monday",
    ),
    pytest.param(
        # Same, observed days not holidays: Fri 24 Dec 2027 open.
        D(2027, 12, 10), 14, {"calendar": NO_OBSERVED}, D(2027, 12, 24),
        id="unobserved-christmas-friday-2027-is-open",
    ),
    pytest.param(
        # 7 days -> Fri 31 Dec 2027, New Year's Day 2028 observed (1 Jan 2028 is
        # a Saturday); Sat 1 Jan; Sun 2; Mon 3 Jan 2028.
        D(2027, 12, 24), 7, {}, D(2028, 1, 3),
        id="observed-new-year-2028-on-dec-31-rolls-into-2028",
    ),
    pytest.param(
        # Same, observed days not holidays: Fri 31 Dec 2027 open.
        D(2027, 12, 24), 7, {"calendar": NO_OBSERVED}, D(2027, 12, 31),
        id="unobserved-new-year-2028-dec-31-is-open",
    ),
    pytest.param(
        # 14 days -> Fri 18 Jun 2027, Juneteenth observed (19 Jun is a
        # Saturday); Sat 19; Sun 20; Mon 21 Jun.
        D(2027, 6, 4), 14, {}, D(2027, 6, 21),
        id="observed-juneteenth-friday-2027-rolls-to-monday",
    ),
    pytest.param(
        # Same, observed days not holidays: Fri 18 Jun 2027 open.
        D(2027, 6, 4), 14, {"calendar": NO_OBSERVED}, D(2027, 6, 18),
        id="unobserved-juneteenth-friday-2027-is-open",
    ),
    pytest.param(
        # 10 days before -> Fri 3 Jul 2026, observed holiday; back to Thu 2 Jul.
        D(2026, 7, 13), 10, {"before": True}, D(2026, 7, 2),
        id="backward-onto-observed-independence-day-goes-to-thursday",
    ),
    pytest.param(
        # 3 days before -> Fri 31 Dec 2027 (New Year 2028 observed); Thu 30 Dec.
        D(2028, 1, 3), 3, {"before": True}, D(2027, 12, 30),
        id="backward-onto-observed-new-year-dec-31-goes-to-dec-30",
    ),
    # --- Juneteenth ------------------------------------------------------------
    pytest.param(
        # 14 days -> Thu 19 Jun 2025, Juneteenth; Fri 20 Jun.
        D(2025, 6, 5), 14, {}, D(2025, 6, 20),
        id="juneteenth-thursday-2025-rolls-to-friday",
    ),
    pytest.param(
        # 21 days -> Fri 19 Jun 2026, Juneteenth; Sat 20; Sun 21; Mon 22 Jun.
        D(2026, 5, 29), 21, {}, D(2026, 6, 22),
        id="juneteenth-friday-2026-rolls-to-monday",
    ),
    # --- Thanksgiving ----------------------------------------------------------
    pytest.param(
        # 14 days -> Thu 27 Nov 2025, Thanksgiving; Fri 28 Nov is NOT a legal
        # holiday, so the period ends then.
        D(2025, 11, 13), 14, {}, D(2025, 11, 28),
        id="thanksgiving-2025-rolls-to-the-friday-after",
    ),
    pytest.param(
        # Same, but the clerk's office is closed Fri 28 Nov (6(a)(3)); Sat 29;
        # Sun 30; Mon 1 Dec 2025.
        D(2025, 11, 13), 14, {"calendar": THANKSGIVING_FRIDAY_CLOSED},
        D(2025, 12, 1),
        id="thanksgiving-friday-listed-as-closure-rolls-to-monday",
    ),
    pytest.param(
        # 30 days -> Thu 26 Nov 2026, Thanksgiving; Fri 27 Nov (federal court,
        # no state holidays).
        D(2026, 10, 27), 30, {}, D(2026, 11, 27),
        id="thanksgiving-2026-rolls-to-the-friday-after",
    ),
    pytest.param(
        # Same in California: Fri 27 Nov 2026 is California's "Day After
        # Thanksgiving" (6(a)(6)(C)); Sat 28; Sun 29; Mon 30 Nov.
        D(2026, 10, 27), 30, {"calendar": CALIFORNIA}, D(2026, 11, 30),
        id="thanksgiving-2026-california-friday-is-state-holiday",
    ),
    # --- year ends -------------------------------------------------------------
    pytest.param(
        # 7 days -> Wed 31 Dec 2025, an ordinary day.
        D(2025, 12, 24), 7, {}, D(2025, 12, 31),
        id="year-end-dec-31-2025-is-open",
    ),
    pytest.param(
        # 8 days -> Thu 1 Jan 2026, New Year's Day; Fri 2 Jan 2026.
        D(2025, 12, 24), 8, {}, D(2026, 1, 2),
        id="new-year-2026-rolls-to-jan-2",
    ),
    pytest.param(
        # 7 days -> Fri 1 Jan 2027, New Year's Day; Sat 2; Sun 3; Mon 4 Jan.
        D(2026, 12, 25), 7, {}, D(2027, 1, 4),
        id="new-year-2027-friday-rolls-to-monday",
    ),
    pytest.param(
        # 14 days -> Fri 25 Dec 2026, Christmas; Sat 26; Sun 27; Mon 28 Dec.
        D(2026, 12, 11), 14, {}, D(2026, 12, 28),
        id="christmas-friday-2026-rolls-to-monday",
    ),
    pytest.param(
        # 5 days before -> Thu 1 Jan 2026, New Year's Day; back to Wed 31 Dec 2025.
        D(2026, 1, 6), 5, {"before": True}, D(2025, 12, 31),
        id="backward-onto-new-year-goes-back-into-previous-year",
    ),
    # --- Veterans Day ----------------------------------------------------------
    pytest.param(
        # 14 days -> Tue 11 Nov 2025, Veterans Day; Wed 12 Nov.
        D(2025, 10, 28), 14, {}, D(2025, 11, 12),
        id="veterans-day-tuesday-2025-rolls-to-wednesday",
    ),
    pytest.param(
        # 10 days -> Thu 11 Nov 2027, Veterans Day; Fri 12 Nov.
        D(2027, 11, 1), 10, {}, D(2027, 11, 12),
        id="veterans-day-thursday-2027-rolls-to-friday",
    ),
    # --- the Advisory Committee's example ----------------------------------------
    pytest.param(
        # 10 days -> Sat 1 Sep 2007; Sun 2; Mon 3 Labor Day; Tue 4 Sep 2007.
        D(2007, 8, 22), 10, {}, D(2007, 9, 4),
        id="committee-note-10-days-after-sat-1-sep-2007",
    ),
    pytest.param(
        # 10 days before Tue 11 Sep -> Sat 1 Sep 2007; back to Fri 31 Aug 2007.
        D(2007, 9, 11), 10, {"before": True}, D(2007, 8, 31),
        id="committee-note-10-days-before-sat-1-sep-2007",
    ),
    # --- backward periods --------------------------------------------------------
    pytest.param(
        # 14 days before -> Mon 8 Jun 2026, open.
        D(2026, 6, 22), 14, {"before": True}, D(2026, 6, 8),
        id="backward-plain-weekday",
    ),
    pytest.param(
        # 7 days before -> Sun 8 Mar 2026; Sat 7; Fri 6 Mar.
        D(2026, 3, 15), 7, {"before": True}, D(2026, 3, 6),
        id="backward-sunday-goes-to-friday",
    ),
    pytest.param(
        # 7 days before -> Mon 25 May 2026, Memorial Day; Sun; Sat; Fri 22 May.
        D(2026, 6, 1), 7, {"before": True}, D(2026, 5, 22),
        id="backward-memorial-day-goes-to-friday",
    ),
    pytest.param(
        # 14 days before -> Mon 20 Jan 2025, MLK Day; Sun; Sat; Fri 17 Jan.
        D(2025, 2, 3), 14, {"before": True}, D(2025, 1, 17),
        id="backward-mlk-day-2025-goes-to-friday",
    ),
    # --- court days --------------------------------------------------------------
    pytest.param(
        # From Fri 13 Feb 2026: Mon 16 (Presidents Day, skipped), Tue 17 (1),
        # Wed 18 (2), Thu 19 (3), Fri 20 (4), Mon 23 (5).
        D(2026, 2, 13), 5, {"court_days": True}, D(2026, 2, 23),
        id="court-days-skip-weekend-and-presidents-day",
    ),
    pytest.param(
        # From Mon 22 Dec 2025: Tue 23 (1), Wed 24 (2), Thu 25 Christmas skip,
        # Fri 26 (3), Mon 29 (4), Tue 30 (5), Wed 31 (6), Thu 1 Jan skip,
        # Fri 2 (7), Mon 5 (8), Tue 6 (9), Wed 7 Jan 2026 (10).
        D(2025, 12, 22), 10, {"court_days": True}, D(2026, 1, 7),
        id="court-days-across-christmas-and-new-year",
    ),
    pytest.param(
        # Back from Fri 10 Jul 2026: Thu 9 (1), Wed 8 (2), Tue 7 (3), Mon 6 (4),
        # Fri 3 (observed Independence Day) skipped, Thu 2 Jul (5).
        D(2026, 7, 10), 5, {"court_days": True, "before": True}, D(2026, 7, 2),
        id="court-days-backward-skip-observed-holiday",
    ),
    pytest.param(
        # From Tue 7 Jan 2025: Wed 8 (1), Thu 9 (Carter day of mourning, skip),
        # Fri 10 (2), Mon 13 Jan (3).
        D(2025, 1, 7), 3, {"court_days": True}, D(2025, 1, 13),
        id="court-days-skip-declared-holiday",
    ),
    pytest.param(
        # From Mon 9 Mar 2026 with Wed 11 closed: Tue 10 (1), Wed 11 skip,
        # Thu 12 (2), Fri 13 Mar (3).
        D(2026, 3, 9), 3, {"court_days": True, "calendar": SNOW_WEDNESDAY},
        D(2026, 3, 13),
        id="court-days-skip-closure",
    ),
    pytest.param(
        # 5 court days from Fri 13 Feb 2026 -> Mon 23 Feb (as above); mail adds 3
        # -> Thu 26 Feb 2026, open.
        D(2026, 2, 13), 5, {"court_days": True, "service": "mail"}, D(2026, 2, 26),
        id="court-days-then-mail-adds-three",
    ),
    # --- service under 6(d) --------------------------------------------------------
    pytest.param(
        # 14 days -> Mon 16 Mar 2026, open; +3 (mail) -> Thu 19 Mar.
        D(2026, 3, 2), 14, {"service": "mail"}, D(2026, 3, 19),
        id="mail-adds-three-days",
    ),
    pytest.param(
        # 14 days -> Wed 18 Mar 2026; +3 -> Sat 21 Mar; Sun 22; Mon 23 Mar.
        D(2026, 3, 4), 14, {"service": "mail"}, D(2026, 3, 23),
        id="mail-three-days-land-on-saturday-roll-to-monday",
    ),
    pytest.param(
        # 14 days -> Sat 21 Mar 2026, rolled FIRST to Mon 23 Mar; +3 -> Thu 26
        # Mar. (Adding 3 before rolling would give Tue 24 Mar: wrong order.)
        D(2026, 3, 7), 14, {"service": "mail"}, D(2026, 3, 26),
        id="mail-rolls-under-6a-before-adding-three",
    ),
    pytest.param(
        # 21 days -> Fri 4 Sep 2026, open; +3 -> Mon 7 Sep Labor Day; Tue 8 Sep.
        D(2026, 8, 14), 21, {"service": "mail"}, D(2026, 9, 8),
        id="mail-three-days-land-on-labor-day-roll-to-tuesday",
    ),
    pytest.param(
        # 14 days -> Sat 21 Nov 2026, rolled to Mon 23 Nov; +3 -> Thu 26 Nov,
        # Thanksgiving; rolled again to Fri 27 Nov.
        D(2026, 11, 7), 14, {"service": "mail"}, D(2026, 11, 27),
        id="mail-rolls-twice-weekend-then-thanksgiving",
    ),
    pytest.param(
        # Leaving it with the clerk earns 3 days like mail: Mon 16 -> Thu 19 Mar.
        D(2026, 3, 2), 14, {"service": "clerk"}, D(2026, 3, 19),
        id="clerk-service-adds-three-days",
    ),
    pytest.param(
        # Consented means: Wed 18 Mar +3 -> Sat 21; Mon 23 Mar.
        D(2026, 3, 4), 14, {"service": "consent"}, D(2026, 3, 23),
        id="consent-service-adds-three-days-and-rolls",
    ),
    pytest.param(
        # Electronic service adds nothing since 1 Dec 2016: Mon 16 Mar 2026.
        D(2026, 3, 2), 14, {"service": "electronic"}, D(2026, 3, 16),
        id="electronic-service-adds-nothing",
    ),
    pytest.param(
        # Personal service adds nothing: Wed 18 Mar 2026.
        D(2026, 3, 4), 14, {"service": "personal"}, D(2026, 3, 18),
        id="personal-service-adds-nothing",
    ),
    pytest.param(
        # 14 days before Mon 30 Mar -> Mon 16 Mar 2026; mail adds nothing to a
        # period counted back from an event.
        D(2026, 3, 30), 14, {"before": True, "service": "mail"}, D(2026, 3, 16),
        id="backward-mail-adds-nothing",
    ),
    # --- declared holidays (6(a)(6)(B)) ---------------------------------------------
    pytest.param(
        # 7 days -> Thu 9 Jan 2025, Carter national day of mourning; Fri 10 Jan.
        D(2025, 1, 2), 7, {}, D(2025, 1, 10),
        id="declared-carter-day-of-mourning-2025-rolls-to-friday",
    ),
    pytest.param(
        # Same period for a court that lists no declared days: Thu 9 Jan open.
        D(2025, 1, 2), 7, {"calendar": NO_DECLARED}, D(2025, 1, 9),
        id="declared-day-absent-from-calendar-is-open",
    ),
    pytest.param(
        # 14 days -> Wed 5 Dec 2018, G. H. W. Bush day of mourning; Thu 6 Dec.
        D(2018, 11, 21), 14, {}, D(2018, 12, 6),
        id="declared-bush-day-of-mourning-2018-rolls-to-thursday",
    ),
    pytest.param(
        # 7 days before -> Thu 9 Jan 2025 (declared; counts both ways); Wed 8 Jan.
        D(2025, 1, 16), 7, {"before": True}, D(2025, 1, 8),
        id="backward-onto-declared-holiday-goes-to-previous-day",
    ),
    # --- closures (6(a)(3)) ---------------------------------------------------------
    pytest.param(
        # 7 days -> Wed 11 Mar 2026, clerk's office closed; Thu 12 Mar.
        D(2026, 3, 4), 7, {"calendar": SNOW_WEDNESDAY}, D(2026, 3, 12),
        id="closure-on-last-day-moves-to-next-day",
    ),
    pytest.param(
        # 7 days -> Fri 13 Mar 2026, clerk's office inaccessible; Sat; Sun;
        # Mon 16 Mar.
        D(2026, 3, 6), 7, {"calendar": OUTAGE_FRIDAY}, D(2026, 3, 16),
        id="closure-on-friday-moves-past-weekend",
    ),
    pytest.param(
        # 7 days before -> Wed 11 Mar 2026, closed; back to Tue 10 Mar (the
        # module's documented choice for backward periods).
        D(2026, 3, 18), 7, {"before": True, "calendar": SNOW_WEDNESDAY},
        D(2026, 3, 10),
        id="backward-onto-closure-goes-to-previous-day",
    ),
    pytest.param(
        # A closure in the middle of the period changes nothing: 14 days from
        # Mon 2 Mar -> Mon 16 Mar 2026.
        D(2026, 3, 2), 14, {"calendar": SNOW_WEDNESDAY}, D(2026, 3, 16),
        id="closure-mid-period-is-counted",
    ),
    # --- state holidays (6(a)(6)(C)): forward periods only ---------------------------
    pytest.param(
        # 7 days -> Thu 12 Feb 2026, Lincoln's Birthday in New York; Fri 13 Feb.
        D(2026, 2, 5), 7, {"calendar": NEW_YORK}, D(2026, 2, 13),
        id="state-lincolns-birthday-ny-forward-rolls",
    ),
    pytest.param(
        # Same in a federal-only calendar: Thu 12 Feb 2026 open.
        D(2026, 2, 5), 7, {}, D(2026, 2, 12),
        id="state-lincolns-birthday-ignored-without-state",
    ),
    pytest.param(
        # Same in New York with state holidays switched off: Thu 12 Feb open.
        D(2026, 2, 5), 7, {"calendar": NEW_YORK_NO_STATE}, D(2026, 2, 12),
        id="state-holidays-switched-off",
    ),
    pytest.param(
        # 7 days before Thu 19 Feb -> Thu 12 Feb 2026: a state holiday does not
        # count for a backward period, so it stays.
        D(2026, 2, 19), 7, {"before": True, "calendar": NEW_YORK}, D(2026, 2, 12),
        id="state-lincolns-birthday-ny-backward-not-a-holiday",
    ),
    pytest.param(
        # 10 days -> Tue 31 Mar 2026, Cesar Chavez Day in California; Wed 1 Apr.
        D(2026, 3, 21), 10, {"calendar": CALIFORNIA}, D(2026, 4, 1),
        id="state-cesar-chavez-day-ca-forward-rolls",
    ),
    pytest.param(
        # 10 days before Fri 10 Apr -> Tue 31 Mar 2026, stays (backward).
        D(2026, 4, 10), 10, {"before": True, "calendar": CALIFORNIA},
        D(2026, 3, 31),
        id="state-cesar-chavez-day-ca-backward-not-a-holiday",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("trigger", "days", "options", "expected"), DAY_CASES)
def test_due_date(trigger, days, options, expected):
    assert compute_days(trigger, days, **options).due == expected


def test_the_table_covers_at_least_45_cases():
    assert len(DAY_CASES) >= 45


# --- derivation steps -------------------------------------------------------------


def rules(deadline):
    return [step.rule for step in deadline.steps]


def step(deadline, rule):
    found = [s for s in deadline.steps if s.rule == rule]
    assert found, f"no step under {rule}: {rules(deadline)}"
    return found[0]


def test_a_rolled_period_names_each_rule_and_the_holiday():
    result = compute_days(D(2007, 8, 22), 10)

    assert rules(result) == ["6(a)(1)(A)", "6(a)(1)(B)", "6(a)(1)(C)", "6(a)(4)"]
    roll = step(result, "6(a)(1)(C)")
    assert "Saturday 1 September 2007 is a Saturday" in roll.text
    assert "Labor Day" in roll.text
    assert "next day" in roll.text
    assert roll.result == "Tuesday 4 September 2007"
    assert step(result, "6(a)(1)(A)").result == "Wednesday 22 August 2007"
    assert step(result, "6(a)(1)(B)").result == "Saturday 1 September 2007"


def test_a_backward_roll_says_previous_day():
    roll = step(compute_days(D(2007, 9, 11), 10, before=True), "6(a)(1)(C)")
    assert "previous day" in roll.text
    assert roll.result == "Friday 31 August 2007"


def test_a_period_that_does_not_roll_has_no_roll_step():
    assert "6(a)(1)(C)" not in rules(compute_days(D(2026, 3, 2), 21))


def test_observed_holiday_is_named_in_the_roll_step():
    roll = step(compute_days(D(2026, 6, 12), 21), "6(a)(1)(C)")
    assert "Friday 3 July 2026 is a legal holiday: Independence Day" in roll.text


def test_declared_holiday_is_named_in_the_roll_step():
    roll = step(compute_days(D(2025, 1, 2), 7), "6(a)(1)(C)")
    assert "Jimmy Carter" in roll.text


def test_state_holiday_is_named_as_such():
    roll = step(compute_days(D(2026, 2, 5), 7, calendar=NEW_YORK), "6(a)(1)(C)")
    assert "Lincoln's Birthday (NY state holiday)" in roll.text


def test_closure_names_the_clerks_office_and_reason():
    roll = step(compute_days(D(2026, 3, 4), 7, calendar=SNOW_WEDNESDAY), "6(a)(1)(C)")
    assert "clerk's office was closed: Snow emergency" in roll.text


def test_mail_step_cites_6d_and_the_rolls_on_both_sides():
    # 14 days -> Sat 21 Nov 2026, rolled to Mon 23 Nov; +3 -> Thu 26 Nov,
    # Thanksgiving, rolled to Fri 27 Nov.
    result = compute_days(D(2026, 11, 7), 14, service="mail")

    assert rules(result) == [
        "6(a)(1)(A)",
        "6(a)(1)(B)",
        "6(a)(1)(C)",
        "6(d)",
        "6(a)(1)(C)",
        "6(a)(4)",
    ]
    added = step(result, "6(d)")
    assert "Rule 5(b)(2)(C)" in added.text
    assert added.result == "Thursday 26 November 2026"
    second_roll = result.steps[4]
    assert "Thanksgiving" in second_roll.text
    assert "with the added days" in second_roll.text
    assert second_roll.result == "Friday 27 November 2026"


def test_backward_mail_step_says_nothing_is_added():
    added = step(compute_days(D(2026, 3, 30), 14, before=True, service="mail"), "6(d)")
    assert "none are added" in added.text


def test_electronic_service_has_no_6d_step():
    assert "6(d)" not in rules(compute_days(D(2026, 3, 2), 14, service="electronic"))


def test_court_days_step_lists_the_holidays_left_out():
    counted = step(compute_days(D(2026, 2, 13), 5, court_days=True), "court days")
    assert "Monday 16 February 2026 (a legal holiday: Washington's Birthday)" in (
        counted.text
    )
    assert counted.result == "Monday 23 February 2026"


def test_trigger_label_is_shown_in_the_first_step():
    result = compute_days(D(2026, 3, 2), 21, trigger_label="service of complaint")
    assert "(service of complaint)" in step(result, "6(a)(1)(A)").text


# --- the last moment (6(a)(4)) -------------------------------------------------------


def test_last_moment_is_one_second_before_midnight_in_the_court_zone():
    result = compute_days(D(2007, 8, 22), 10)
    assert result.last_moment == dt.datetime(
        2007, 9, 4, 23, 59, 59, tzinfo=NEW_YORK_ZONE
    )
    assert result.last_moment.utcoffset() == dt.timedelta(hours=-4)
    assert "midnight" in result.steps[-1].text


def test_last_moment_uses_the_courts_own_zone():
    chicago = CourtCalendar(jurisdiction="US-IL", time_zone="America/Chicago")
    result = compute_days(D(2026, 3, 2), 21, calendar=chicago)
    assert result.last_moment == dt.datetime(
        2026, 3, 23, 23, 59, 59, tzinfo=CHICAGO_ZONE
    )
    assert result.as_dict()["time_zone"] == "America/Chicago"
    assert result.last_moment.isoformat() == "2026-03-23T23:59:59-05:00"


def test_last_moment_honours_a_filing_cutoff():
    early = CourtCalendar(time_zone="America/Chicago", filing_cutoff=dt.time(17, 0))
    result = compute_days(D(2026, 3, 2), 21, calendar=early)
    assert result.last_moment == dt.datetime(2026, 3, 23, 17, 0, tzinfo=CHICAGO_ZONE)
    assert "5:00 pm" in result.steps[-1].text


def test_as_dict_for_a_day_period():
    data = compute_days(D(2007, 8, 22), 10).as_dict()
    assert data["due"] == "2007-09-04"
    assert data["last_moment"] == "2007-09-04T23:59:59-04:00"
    assert data["time_zone"] == "America/New_York"
    assert data["steps"][0] == {
        "rule": "6(a)(1)(A)",
        "text": "The trigger is Wednesday 22 August 2007. That day is not counted.",
        "result": "Wednesday 22 August 2007",
    }


def test_the_default_calendar_is_federal_eastern():
    assert FEDERAL.jurisdiction == "US"
    assert FEDERAL.time_zone == "America/New_York"
    assert FEDERAL.observed_holidays is True


# --- hour periods (6(a)(2)) -----------------------------------------------------------

# (start, hours, options, expected end as naive court-local wall time)
HOUR_CASES = [
    pytest.param(
        # Mon 2 Mar 2026 09:30 + 48 h -> Wed 4 Mar 09:30, open.
        dt.datetime(2026, 3, 2, 9, 30), 48, {}, dt.datetime(2026, 3, 4, 9, 30),
        id="hours-end-on-a-weekday-unchanged",
    ),
    pytest.param(
        # Thu 12 Mar 2026 15:00 + 48 h -> Sat 14 Mar 15:00; same time Mon 16 Mar.
        dt.datetime(2026, 3, 12, 15), 48, {}, dt.datetime(2026, 3, 16, 15),
        id="hours-end-on-saturday-same-time-monday",
    ),
    pytest.param(
        # Thu 21 May 2026 14:00 + 96 h -> Mon 25 May 14:00 (Memorial Day);
        # same time Tue 26 May.
        dt.datetime(2026, 5, 21, 14), 96, {}, dt.datetime(2026, 5, 26, 14),
        id="hours-end-on-memorial-day-same-time-tuesday",
    ),
    pytest.param(
        # Wed 1 Jul 2026 12:00 + 48 h -> Fri 3 Jul 12:00 (observed Independence
        # Day); Sat; Sun; Mon 6 Jul 12:00.
        dt.datetime(2026, 7, 1, 12), 48, {}, dt.datetime(2026, 7, 6, 12),
        id="hours-end-on-observed-holiday-same-time-monday",
    ),
    pytest.param(
        # Fri 6 Mar 2026 10:00 EST (15:00 UTC) + 72 h -> Mon 9 Mar 15:00 UTC =
        # 11:00 EDT (clocks went forward Sun 8 Mar): elapsed hours count.
        dt.datetime(2026, 3, 6, 10), 72, {}, dt.datetime(2026, 3, 9, 11),
        id="hours-across-march-dst-count-elapsed-time",
    ),
    pytest.param(
        # Fri 30 Oct 2026 10:00 EDT (14:00 UTC) + 72 h -> Mon 2 Nov 14:00 UTC =
        # 09:00 EST (clocks went back Sun 1 Nov).
        dt.datetime(2026, 10, 30, 10), 72, {}, dt.datetime(2026, 11, 2, 9),
        id="hours-across-november-dst-count-elapsed-time",
    ),
    pytest.param(
        # Thu 5 Mar 2026 15:00 EST + 48 h -> Sat 7 Mar 15:00 EST; the same
        # (wall-clock) time on Mon 9 Mar is 15:00 EDT.
        dt.datetime(2026, 3, 5, 15), 48, {}, dt.datetime(2026, 3, 9, 15),
        id="hours-roll-over-dst-weekend-keeps-wall-time",
    ),
    pytest.param(
        # Mon 16 Mar 2026 12:00 - 24 h -> Sun 15 Mar 12:00; back to Fri 13 Mar.
        dt.datetime(2026, 3, 16, 12), 24, {"before": True},
        dt.datetime(2026, 3, 13, 12),
        id="hours-backward-sunday-same-time-friday",
    ),
    pytest.param(
        # Mon 9 Mar 2026 09:30 + 48 h -> Wed 11 Mar 09:30; mail +3 days -> Sat 14
        # Mar 09:30; same time Mon 16 Mar.
        dt.datetime(2026, 3, 9, 9, 30), 48, {"service": "mail"},
        dt.datetime(2026, 3, 16, 9, 30),
        id="hours-mail-adds-three-days-then-rolls",
    ),
    pytest.param(
        # Mon 9 Mar 2026 09:30 + 48 h -> Wed 11 Mar, the clerk's office closed
        # all day (6(a)(3)(B)); same time Thu 12 Mar.
        dt.datetime(2026, 3, 9, 9, 30), 48, {"calendar": SNOW_WEDNESDAY},
        dt.datetime(2026, 3, 12, 9, 30),
        id="hours-end-on-closure-same-time-next-day",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("start", "hours", "options", "expected"), HOUR_CASES)
def test_hour_period_end(start, hours, options, expected):
    result = compute_hours(start, hours, **options)
    zone = options.get("calendar", FEDERAL).zone
    assert result.last_moment == expected.replace(tzinfo=zone)
    assert result.due == expected.date()
    assert result.due_text == expected.strftime("%Y-%m-%dT%H:%M")


def test_hours_across_dst_are_elapsed_hours():
    start = dt.datetime(2026, 3, 6, 10, tzinfo=NEW_YORK_ZONE)
    result = compute_hours(start, 72)
    elapsed = result.last_moment.astimezone(dt.UTC) - start.astimezone(dt.UTC)
    assert elapsed == dt.timedelta(hours=72)
    assert result.last_moment.utcoffset() == dt.timedelta(hours=-4)


def test_naive_start_is_read_in_the_court_zone():
    chicago = CourtCalendar(jurisdiction="US-IL", time_zone="America/Chicago")
    result = compute_hours(dt.datetime(2026, 3, 2, 9, 30), 24, calendar=chicago)
    assert result.last_moment.tzinfo.key == "America/Chicago"
    assert result.last_moment == dt.datetime(2026, 3, 3, 9, 30, tzinfo=CHICAGO_ZONE)
    assert result.due_text == "2026-03-03T09:30"


def test_aware_start_is_converted_to_the_court_zone():
    # 14:30 UTC on Mon 2 Mar 2026 is 09:30 EST; + 24 h -> Tue 3 Mar 09:30.
    start = dt.datetime(2026, 3, 2, 14, 30, tzinfo=dt.UTC)
    result = compute_hours(start, 24)
    assert result.due_text == "2026-03-03T09:30"
    assert result.as_dict()["due"] == "2026-03-03T09:30"


def test_hour_roll_step_cites_6a2c():
    result = compute_hours(dt.datetime(2026, 3, 12, 15), 48)
    assert rules(result) == ["6(a)(2)(A)", "6(a)(2)(B)", "6(a)(2)(C)"]
    roll = step(result, "6(a)(2)(C)")
    assert "Saturday 14 March 2026 is a Saturday" in roll.text
    assert "same time" in roll.text


def test_a_longer_hour_period_can_end_earlier_on_the_same_day():
    # The literal 6(a)(2)(C): 48 h from Thu 12 Mar 2026 23:00 ends Sat 23:00 and
    # runs to Mon 16 Mar 23:00; 74 h ends Mon 16 Mar 01:00, an open day.
    start = dt.datetime(2026, 3, 12, 23)
    shorter = compute_hours(start, 48).last_moment
    longer = compute_hours(start, 74).last_moment
    assert shorter == dt.datetime(2026, 3, 16, 23, tzinfo=NEW_YORK_ZONE)
    assert longer == dt.datetime(2026, 3, 16, 1, tzinfo=NEW_YORK_ZONE)


# --- errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(
            lambda: CourtCalendar(jurisdiction="NY"), "US-XX", id="jurisdiction-no-us"
        ),
        pytest.param(
            lambda: CourtCalendar(jurisdiction="US-ZZ"),
            "not a US state or territory code",
            id="jurisdiction-unknown-state",
        ),
        pytest.param(
            lambda: CourtCalendar(jurisdiction="US-NEWYORK"),
            "US-XX",
            id="jurisdiction-too-long",
        ),
        pytest.param(
            lambda: CourtCalendar(time_zone="Mars/Olympus_Mons"),
            "not a time zone name",
            id="bad-time-zone",
        ),
        pytest.param(
            lambda: compute_days(D(2026, 3, 2), 14, service="fax"),
            "Service 'fax' is not one we know: use clerk, consent, electronic, "
            "mail, personal.",
            id="bad-service",
        ),
        pytest.param(
            lambda: compute_days(D(2026, 3, 2), 0),
            "between 1 and 3660 days",
            id="zero-days",
        ),
        pytest.param(
            lambda: compute_days(D(2026, 3, 2), -5),
            "between 1 and 3660 days",
            id="negative-days",
        ),
        pytest.param(
            lambda: compute_days(D(2026, 3, 2), 3661),
            "between 1 and 3660 days",
            id="too-many-days",
        ),
        pytest.param(
            lambda: compute_hours(dt.datetime(2026, 3, 2, 9), 0),
            "between 1 and 8784 hours",
            id="zero-hours",
        ),
        pytest.param(
            lambda: compute_hours(dt.datetime(2026, 3, 2, 9), 5, service="carrier"),
            "use clerk, consent",
            id="bad-service-hours",
        ),
    ],
)
def test_errors_say_what_to_change(make, message):
    with pytest.raises(DeadlineError) as raised:
        make()
    assert message in str(raised.value)


def test_deadline_error_is_a_value_error():
    assert issubclass(DeadlineError, ValueError)


def test_jurisdiction_is_normalised_to_upper_case():
    assert CourtCalendar(jurisdiction="us-ny").jurisdiction == "US-NY"

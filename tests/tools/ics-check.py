#!/usr/bin/python3
# ics-check.py — reads an iCalendar document on stdin with real parsers
# (Debian's python3-icalendar, and python3-recurring-ical-events to expand
# RRULE, EXDATE and RECURRENCE-ID as a calendar app would) and prints, as
# JSON, what a subscriber sees between two dates: each occurrence with its
# local start and end (ISO 8601 with the UTC offset in force), its UID,
# summary, location and description; and the VTIMEZONE's TZID.
#   ics-check.py FROM-DATE TO-DATE < calendar.ics
import datetime
import json
import sys

import icalendar
import recurring_ical_events

cal = icalendar.Calendar.from_ical(sys.stdin.read())
start = datetime.date.fromisoformat(sys.argv[1])
end = datetime.date.fromisoformat(sys.argv[2])
out = {"tzids": [str(t.get("TZID")) for t in cal.walk("VTIMEZONE")],
       "name": str(cal.get("X-WR-CALNAME", "")), "events": []}
for ev in recurring_ical_events.of(cal).between(start, end):
    s, e = ev.decoded("DTSTART"), ev.decoded("DTEND")
    out["events"].append({
        "uid": str(ev.get("UID")),
        "start": s.isoformat(),
        "end": e.isoformat(),
        "tzid": str(ev["DTSTART"].params.get("TZID", "")),
        "summary": str(ev.get("SUMMARY", "")),
        "location": str(ev.get("LOCATION", "")),
        "description": str(ev.get("DESCRIPTION", "")),
    })
out["events"].sort(key=lambda x: x["start"])
print(json.dumps(out))

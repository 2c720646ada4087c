"""What a recurrence rule costs to validate: Maillage's bounded search against dateutil's own.

    .venv/bin/python bench/recurrence.py            # each rule 5 times, CPU seconds
    .venv/bin/python bench/recurrence.py --repeat 1

For each rule, the CPU time of `validate_rrule` (which looks no further than 18 months after the
start) and of dateutil's `rrule.after()` (the peer: what the code did before, which walks every
period until year 9999 when no date ever matches), side by side, with the answer each gives.
Rules that match are there to show the bound costs nothing on ordinary input.
"""

import argparse
import datetime
import time
from zoneinfo import ZoneInfo

from benchenv import setup_django

RULES = [
    "FREQ=WEEKLY;BYDAY=TU",
    "FREQ=MONTHLY;BYDAY=1TH",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=WEEKLY;BYDAY=MO;BYSETPOS=2",
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
]


def cpu(function, rule: str, repeat: int) -> tuple[float, object]:
    best = float("inf")
    answer = None
    for _ in range(repeat):
        started = time.process_time()
        answer = function(rule)
        best = min(best, time.process_time() - started)
    return best, answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per rule (best kept)")
    args = parser.parse_args()
    setup_django()
    from dateutil.rrule import rrulestr

    from maillage.events.recurrence import InvalidRecurrence, validate_rrule

    start = datetime.datetime(2027, 1, 5, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    naive = start.replace(tzinfo=None)

    def ours(rule: str) -> str:
        try:
            validate_rrule(rule, starts_at=start)
        except InvalidRecurrence:
            return "refusée"
        return "acceptée"

    def theirs(rule: str) -> str:
        first = rrulestr(rule, dtstart=naive).after(naive, inc=True)
        return "aucune date" if first is None else f"{first:%Y-%m-%d}"

    print(f"{'règle':<42} {'Maillage (s CPU)':>17} {'dateutil (s CPU)':>17}  réponses")
    for rule in RULES:
        our_time, our_answer = cpu(ours, rule, args.repeat)
        their_time, their_answer = cpu(theirs, rule, args.repeat)
        print(f"{rule:<42} {our_time:>17.4f} {their_time:>17.4f}  {our_answer} / {their_answer}")


if __name__ == "__main__":
    main()

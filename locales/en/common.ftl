## Shared by every feature: dates, durations, sizes, cancelling.

# How dates look: CLDR patterns (https://babel.pocoo.org/en/latest/dates.html); a date with a
# time is followed by the time zone's abbreviation.
format-datetime = yyyy-MM-dd HH:mm
format-date = yyyy-MM-dd
cancelled = Cancelled. Nothing was changed.
nothing_to_cancel = There is nothing to cancel.
age-minutes = { $n } min
age-hours = { $n } h
age-days = { $n ->
    [one] { $n } day
   *[other] { $n } days
}
size-kb = { $n } KB
size-mb = { $n } MB

## A date question, wherever one is asked: quick buttons, the echo with its weekday, refusals.

format-weekday = EEEE, d MMMM y, HH:mm
dates-week = +1 week
dates-two_weeks = +2 weeks
dates-month_end = End of month
dates-confirm = 📅 { $when } — is that right?
dates-save = ✅ Save
dates-change = ✏️ Another date
dates-again = Send another date, or pick one below.
error-invalid_date = { $reason_text }
reason-date_format = I could not read that date. Write it as you would to a person: <code>15.01.2027 10:00</code>, <code>tomorrow 10:00</code>, <code>next friday</code>, <code>in 2 weeks</code>, or pick one below.
reason-date_past = That moment has already passed. Please send a date in the future.
reason-date_too_far = That is too far ahead. Please send a date within three years.

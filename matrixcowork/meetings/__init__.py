"""The meeting engine: occurrences, their scheduled steps, RSVP, reminders, Jitsi and summary.

Used by the monthly sync and meant for webinars and the coworking room too. Import the parts
from their modules (`engine`, `recurrence`, `steps`, `db`); this package imports nothing
eagerly, so the config can use `recurrence` without pulling in the rest.
"""

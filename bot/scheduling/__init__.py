"""Scheduled work, platform- and scheduler-neutral: which jobs exist (from the database), what each
does for one slot, and the record that makes a slot run once. app/scheduler.py runs them with
APScheduler on the one process that leads."""

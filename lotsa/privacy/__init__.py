"""The person's rights and their protection over time.

The log review (search, sample, alerts) and the person's log extract; a person's data export
and erasure; retention classes and the nightly purge; break-glass access for administrators.
"""

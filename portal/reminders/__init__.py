"""Deadline reminders for units and the reviewers' daily digest."""

"""The thread of comments on a reviewable item, between the unit and the reviewers."""

"""Writes: every change to loops, scorecards and decisions goes through a function here."""

"""Security tests: the access matrix, hostile input, hardening, privacy. Their shared scenario is in scenario.py."""

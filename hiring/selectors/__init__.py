"""Reads: each selector issues a fixed number of queries whatever the data size."""

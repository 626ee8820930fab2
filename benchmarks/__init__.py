"""Benchmarks: each reports absolute numbers and ratios against a baseline measured in the same run."""

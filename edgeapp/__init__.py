"""edgeapp: an offline portfolio with a grounded career assistant."""

__version__ = "0.1.0"

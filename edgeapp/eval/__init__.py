"""Question sets for `edgeapp eval`: JSON files scoring the assistant against a bundled resume."""

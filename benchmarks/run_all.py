"""Run every benchmark in turn (`make bench`)."""

from __future__ import annotations

import sys

from benchmarks import chat, fairness, remote, server


def main() -> int:
    """Server, chat, remote engine, fair-queue and (when present) packaged start-up benchmarks."""
    status = server.main() | chat.main() | remote.main() | fairness.main()
    try:
        from benchmarks import startup
    except ImportError:
        return status
    return status | startup.main()


if __name__ == "__main__":
    sys.exit(main())

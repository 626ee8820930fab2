"""The shipped question sets against the real default model, run the way an owner runs them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, require_model

pytestmark = pytest.mark.model


@pytest.mark.parametrize("name", ["sample.questions.json", "alt.questions.json"])
def test_eval_with_the_default_model_is_correct_and_invents_nothing(name: str, tmp_path: Path) -> None:
    model = require_model()
    result = subprocess.run(
        [sys.executable, "-m", "edgeapp", "eval", str(ROOT / "edgeapp" / "eval" / name), "--model", str(model)],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=tmp_path,
    )
    summary = [line for line in result.stdout.splitlines() if line.startswith("eval:")]
    assert summary, result.stdout[-2000:] + result.stderr[-2000:]
    match = re.search(r"eval: (\d+) questions, (\d+) correct, (\d+) invented, (\d+)/(\d+) absent", summary[-1])
    assert match, summary[-1]
    questions, correct, invented, absent_ok, absent = map(int, match.groups())
    assert questions >= 30
    assert (correct, invented, absent_ok) == (questions, 0, absent), summary[-1]
    assert result.returncode == 0
    assert "model: ready" in result.stdout

"""`.ci/run` and the README's two commands: what a newcomer and CI run is what the README says."""

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
CI = (ROOT / ".ci" / "run").read_text()
README = (ROOT / "README.md").read_text()


def commands(text: str) -> list[str]:
    """The lines of the README's bash blocks."""
    return [line for block in re.findall(r"```bash\n(.*?)```", text, re.S) for line in block.splitlines()]


def test_ci_runs_the_readmes_test_command_in_a_fresh_venv_with_ci_set():
    test_command = next(c for c in commands(README) if "pytest" in c)
    quietly = [re.sub(r" (--quiet|-q)\b", "", line) for line in CI.splitlines()]
    assert test_command in quietly  # the same command, only with less output
    assert "python3 -m venv --clear" in CI  # never an old environment's packages
    assert re.search(r"^export CI=true", CI, re.M)  # set by the script itself: Chromium is required


def test_ci_runs_the_tests_again_on_numpys_other_code_path():
    assert "NPY_DISABLE_CPU_FEATURES=X86_V3 python -m pytest" in CI


def test_the_readme_says_to_make_a_virtual_environment_first():
    top = README[: README.index("## A short tour")]
    assert "python3 -m venv" in top and "about 9 minutes" in top

"""Where static/ and templates/ are: beside the package when installed from a wheel, at the top
of the repository in a source checkout or an editable install."""

from pathlib import Path

_PACKAGE = Path(__file__).parent


def resource_dir(name: str) -> Path:
    installed = _PACKAGE / name
    return installed if installed.is_dir() else _PACKAGE.parent / name

"""Technical implementation plans as structured Sphinx documentation."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

from sphinxcontrib_plan._version import __version__

__all__ = ["__version__", "setup"]


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the extension with Sphinx.

    :param app: the Sphinx application
    :return: the extension metadata
    """
    from sphinxcontrib_plan._setup import setup_extension

    return setup_extension(app)

"""matrixcowork: a Matrix bot that turns a space into a virtual coworking space."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("matrixcowork")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0"

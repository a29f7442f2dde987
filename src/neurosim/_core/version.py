"""neurosim's version (the one place it is written in the package; pyproject.toml holds the
same for the installer)."""

__version__ = "0.1.0"

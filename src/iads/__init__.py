"""iads: simulate and analyse the defense of airspace by surface-to-air missile systems.

Defensive analysis and education from open, published figures only. SI units inside
(metres, seconds, radians); degrees, feet and knots only at the file and display boundary.
"""

__version__ = "0.1.0"


def read_results(path):
    """Every table of a study or run directory as pandas DataFrames (see
    ``iads.analysis.read.read_results``; needs the ``analysis`` extra)."""
    from iads.analysis.read import read_results as _read

    return _read(path)


__all__ = ["__version__", "read_results"]

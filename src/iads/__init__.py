"""iads: simulate and analyse the defense of airspace by surface-to-air missile systems.

Defensive analysis and education from open, published figures only. SI units inside
(metres, seconds, radians); degrees, feet and knots only at the file and display boundary.
"""

__version__ = "0.1.0"

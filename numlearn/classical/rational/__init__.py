"""Rational approximation: AAA (also set-valued and AAA-Lawson), Floater-Hormann, and
the barycentric rational form they share."""

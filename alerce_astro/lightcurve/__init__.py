"""lightcurve of ALeRCE objects."""

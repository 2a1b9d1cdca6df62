"""stamps of ALeRCE objects."""

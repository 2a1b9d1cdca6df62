"""crossmatch of ALeRCE objects."""

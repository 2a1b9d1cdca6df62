"""ALeRCE's light curve API v2 (FastAPI): the ZTF forced photometry of an object."""

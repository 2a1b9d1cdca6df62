"""ALeRCE's ZTF API v1 (Flask-RESTX): routes, wire column schemas, pager, errors and quirks."""

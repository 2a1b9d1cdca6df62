"""
A real local TAP service in ALeRCE's layout: GAVO DaCHS loaded with dataset folders.
"""

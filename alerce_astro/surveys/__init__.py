"""
What is specific to one survey lives in one subpackage per survey: its routes, its column
schemas and its identifier rules. Only ZTF exists today; LSST (ALeRCE's multisurvey API) will
be a sibling package with the same three modules.
"""

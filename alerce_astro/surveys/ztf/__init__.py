"""ZTF as served by ALeRCE: routes (`routes`), column schemas (`columns`), id rules (`ids`)."""

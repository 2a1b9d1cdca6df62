"""Tests of alerce_astro.crossmatch and its plots."""

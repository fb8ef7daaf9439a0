"""Rendering of records and collectors into standard docutils nodes."""
